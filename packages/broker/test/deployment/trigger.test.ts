import { CodePipelineClient, StartPipelineExecutionCommand } from '@aws-sdk/client-codepipeline';
import {
  ConfigurationError,
  DependencyFailureError,
  type ManifestVersion,
  type ManifestVersionReader,
} from '@bridgeport/core';
import { silentLogger } from '@bridgeport/edge';
import { mockClient } from 'aws-sdk-client-mock';
import { readDeploymentTriggerConfig } from '../../src/deployment/config';
import {
  createDeploymentTrigger,
  type DeploymentTrigger,
  locateManifest,
  type S3ObjectEvent,
} from '../../src/deployment/trigger';

const PUBLISHER = 'dev-publisher-components-bucket-123456789012-eu-west-1';
const SUBSCRIBER = 'dev-subscriber-components-bucket-123456789012-eu-west-1';
const PIPELINE = 'dev-components-deployment-pipeline';
const codePipelineMock = mockClient(CodePipelineClient);

function s3Event(
  detailType: string,
  bucket: string,
  key: string,
  id = 'c1d2e3f4-0000-4000-8000-000000000001',
  reason?: string,
): S3ObjectEvent {
  return {
    id,
    'detail-type': detailType,
    detail: { bucket: { name: bucket }, object: { key }, ...(reason ? { reason } : {}) },
  };
}

/** The components buckets as the trigger reads them: the versions of each `bucket/key`. */
class BucketVersions implements ManifestVersionReader {
  readonly versions = new Map<string, ManifestVersion[]>();
  reads = 0;
  failure: Error | undefined;

  async versionsOf(bucket: string, key: string): Promise<readonly ManifestVersion[]> {
    this.reads += 1;
    if (this.failure) throw this.failure;
    return this.versions.get(`${bucket}/${key}`) ?? [];
  }
}

describe('locateManifest', () => {
  const buckets = { publisherBucket: PUBLISHER, subscriberBucket: SUBSCRIBER };

  it('names the producer manifest of an event in the publisher bucket, with the reason S3 gave', () => {
    const decision = locateManifest(
      s3Event('Object Created', PUBLISHER, 'parcel_registered/2/deploy.json', 'e', 'PutObject'),
      buckets,
    );
    expect(decision).toEqual({
      start: true,
      target: {
        bucket: PUBLISHER,
        key: 'parcel_registered/2/deploy.json',
        component: 'producer',
        manifest: { kind: 'producer', eventType: 'parcel_registered', version: 2 },
        reason: 'PutObject',
      },
    });
  });

  it('names the consumer manifest of an event in the subscriber bucket', () => {
    const decision = locateManifest(
      s3Event('Object Deleted', SUBSCRIBER, 'parcel_registered/1/abcdef123456/deploy.json'),
      buckets,
    );
    expect(decision).toMatchObject({ start: true, target: { component: 'consumer' } });
  });

  it('ignores a lifecycle expiration, which never changes a current version', () => {
    const decision = locateManifest(
      s3Event('Object Deleted', PUBLISHER, 'parcel_registered/1/deploy.json', 'e', 'Lifecycle Expiration'),
      buckets,
    );
    expect(decision).toMatchObject({ start: false, reason: 'lifecycle-expiration' });
  });

  it.each([
    ['another object', s3Event('Object Created', PUBLISHER, 'parcel_registered/v1.json'), 'not-a-manifest'],
    ['an unknown bucket', s3Event('Object Created', 'elsewhere', 'a/1/deploy.json'), 'unknown-bucket'],
    [
      'a consumer key in the publisher bucket',
      s3Event('Object Created', PUBLISHER, 'parcel_registered/1/abcdef123456/deploy.json'),
      'manifest-in-the-wrong-bucket',
    ],
    [
      'a producer key in the subscriber bucket',
      s3Event('Object Deleted', SUBSCRIBER, 'parcel_registered/1/deploy.json'),
      'manifest-in-the-wrong-bucket',
    ],
    [
      'another detail type',
      s3Event('Object Restore Completed', PUBLISHER, 'a/1/deploy.json'),
      'not-an-object-event',
    ],
  ])('ignores %s', (_what, event, reason) => {
    expect(locateManifest(event, buckets)).toMatchObject({ start: false, reason });
  });

  it('reads URL-encoded keys', () => {
    const decision = locateManifest(
      s3Event('Object Created', PUBLISHER, 'parcel_registered%2F3%2Fdeploy.json'),
      buckets,
    );
    expect(decision).toMatchObject({ start: true, target: { key: 'parcel_registered/3/deploy.json' } });
  });
});

describe('createDeploymentTrigger', () => {
  let trigger: DeploymentTrigger;
  let buckets: BucketVersions;
  const CONSUMER_KEY = 'parcel_registered/1/abcdef123456/deploy.json';

  beforeEach(() => {
    codePipelineMock.reset();
    buckets = new BucketVersions();
    trigger = createDeploymentTrigger({
      pipelineName: PIPELINE,
      publisherBucket: PUBLISHER,
      subscriberBucket: SUBSCRIBER,
      codePipeline: new CodePipelineClient({ region: 'eu-west-1' }),
      manifests: buckets,
      logger: silentLogger,
    });
  });

  it('starts the pipeline with the manifest location, action, current version and generator as variables', async () => {
    codePipelineMock.on(StartPipelineExecutionCommand).resolves({ pipelineExecutionId: 'exec-1' });
    buckets.versions.set(`${SUBSCRIBER}/${CONSUMER_KEY}`, [
      { versionId: 'v2', deleteMarker: false, isLatest: true },
      { versionId: 'v1', deleteMarker: false, isLatest: false },
    ]);

    const result = await trigger.handle(
      s3Event('Object Created', SUBSCRIBER, 'parcel_registered/1/abcdef123456/deploy.json', 'event-1'),
    );

    expect(result).toMatchObject({ started: true, executionId: 'exec-1' });
    const calls = codePipelineMock.commandCalls(StartPipelineExecutionCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.args[0].input).toEqual({
      name: PIPELINE,
      clientRequestToken: 'event-1',
      variables: [
        { name: 'MANIFEST_BUCKET', value: SUBSCRIBER },
        { name: 'MANIFEST_KEY', value: 'parcel_registered/1/abcdef123456/deploy.json' },
        { name: 'ACTION', value: 'deploy' },
        { name: 'COMPONENT', value: 'consumer' },
        { name: 'MANIFEST_VERSION_ID', value: 'v2' },
      ],
    });
  });

  it('destroys on an Object Created event when the key holds a delete marker by now', async () => {
    codePipelineMock.on(StartPipelineExecutionCommand).resolves({ pipelineExecutionId: 'exec-3' });
    buckets.versions.set(`${SUBSCRIBER}/${CONSUMER_KEY}`, [
      { versionId: 'm1', deleteMarker: true, isLatest: true },
      { versionId: 'v1', deleteMarker: false, isLatest: false },
    ]);

    const result = await trigger.handle(s3Event('Object Created', SUBSCRIBER, CONSUMER_KEY, 'late-create'));

    expect(result).toMatchObject({ started: true, request: { action: 'destroy' } });
    expect(
      codePipelineMock.commandCalls(StartPipelineExecutionCommand)[0]?.args[0].input.variables,
    ).toContainEqual({
      name: 'MANIFEST_VERSION_ID',
      value: 'none',
    });
  });

  it('starts nothing for a lifecycle expiration and does not read the bucket', async () => {
    const result = await trigger.handle(
      s3Event('Object Deleted', SUBSCRIBER, CONSUMER_KEY, 'expiry', 'Lifecycle Expiration'),
    );

    expect(result).toEqual({ started: false, reason: 'lifecycle-expiration' });
    expect(buckets.reads).toBe(0);
    expect(codePipelineMock.commandCalls(StartPipelineExecutionCommand)).toHaveLength(0);
  });

  it('raises a dependency failure when the bucket cannot be read, so the event is retried', async () => {
    buckets.failure = Object.assign(new Error('Slow Down'), { name: 'SlowDown' });

    const handled = trigger.handle(s3Event('Object Created', SUBSCRIBER, CONSUMER_KEY));

    await expect(handled).rejects.toThrow(DependencyFailureError);
    expect(codePipelineMock.commandCalls(StartPipelineExecutionCommand)).toHaveLength(0);
  });

  it('starts nothing for an object that is not a manifest', async () => {
    const result = await trigger.handle(s3Event('Object Created', PUBLISHER, 'README.txt'));

    expect(result).toEqual({ started: false, reason: 'not-a-manifest' });
    expect(codePipelineMock.commandCalls(StartPipelineExecutionCommand)).toHaveLength(0);
  });

  it('raises a dependency failure when the pipeline cannot be started, so the event is retried', async () => {
    codePipelineMock
      .on(StartPipelineExecutionCommand)
      .rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }));

    const handled = trigger.handle(s3Event('Object Deleted', PUBLISHER, 'parcel_registered/1/deploy.json'));

    await expect(handled).rejects.toThrow(DependencyFailureError);
    await expect(handled).rejects.toThrow('Starting the deployment pipeline failed');
  });

  it('is given a request token only of the characters CodePipeline accepts', async () => {
    codePipelineMock.on(StartPipelineExecutionCommand).resolves({ pipelineExecutionId: 'exec-2' });
    const event: S3ObjectEvent = s3Event('Object Created', PUBLISHER, 'a/1/deploy.json', 'id:with/odd_chars');

    await trigger.handle(event);

    const input = codePipelineMock.commandCalls(StartPipelineExecutionCommand)[0]?.args[0].input;
    expect(input?.clientRequestToken).toBe('id-with-odd-chars');
  });
});

describe('readDeploymentTriggerConfig', () => {
  it('reads the pipeline, both buckets and its queue', () => {
    expect(
      readDeploymentTriggerConfig({
        DEPLOYMENT_PIPELINE_NAME: PIPELINE,
        PUBLISHER_COMPONENTS_BUCKET: PUBLISHER,
        SUBSCRIBER_COMPONENTS_BUCKET: SUBSCRIBER,
        MANIFEST_EVENTS_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/q',
      }),
    ).toEqual({
      pipelineName: PIPELINE,
      publisherBucket: PUBLISHER,
      subscriberBucket: SUBSCRIBER,
      queueUrl: 'https://sqs.eu-west-1.amazonaws.com/123456789012/q',
    });
  });

  it('names the missing variable', () => {
    expect(() => readDeploymentTriggerConfig({ DEPLOYMENT_PIPELINE_NAME: PIPELINE })).toThrow(
      new ConfigurationError(
        'PUBLISHER_COMPONENTS_BUCKET',
        'Environment variable PUBLISHER_COMPONENTS_BUCKET is not set',
      ),
    );
  });
});
