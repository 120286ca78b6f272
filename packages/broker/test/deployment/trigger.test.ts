import { CodePipelineClient, StartPipelineExecutionCommand } from '@aws-sdk/client-codepipeline';
import { ConfigurationError, DependencyFailureError } from '@bridgeport/core';
import { mockClient } from 'aws-sdk-client-mock';
import { readDeploymentTriggerConfig } from '../../src/deployment/config';
import {
  createDeploymentTrigger,
  type DeploymentTrigger,
  decideDeployment,
  type S3ObjectEvent,
} from '../../src/deployment/trigger';
import { silentLogger } from '../../src/logger';

const PUBLISHER = 'dev-publisher-components-bucket-123456789012-eu-west-1';
const SUBSCRIBER = 'dev-subscriber-components-bucket-123456789012-eu-west-1';
const PIPELINE = 'dev-components-deployment-pipeline';
const codePipelineMock = mockClient(CodePipelineClient);

function s3Event(
  detailType: string,
  bucket: string,
  key: string,
  id = 'c1d2e3f4-0000-4000-8000-000000000001',
) {
  return { id, 'detail-type': detailType, detail: { bucket: { name: bucket }, object: { key } } };
}

describe('decideDeployment', () => {
  const buckets = { publisherBucket: PUBLISHER, subscriberBucket: SUBSCRIBER };

  it('deploys a producer manifest created in the publisher bucket', () => {
    const decision = decideDeployment(
      s3Event('Object Created', PUBLISHER, 'parcel_registered/2/deploy.json'),
      buckets,
    );
    expect(decision).toEqual({
      start: true,
      request: {
        bucket: PUBLISHER,
        key: 'parcel_registered/2/deploy.json',
        action: 'deploy',
        component: 'producer',
        manifest: { kind: 'producer', eventType: 'parcel_registered', version: 2 },
      },
    });
  });

  it('destroys a consumer manifest deleted from the subscriber bucket', () => {
    const decision = decideDeployment(
      s3Event('Object Deleted', SUBSCRIBER, 'parcel_registered/1/abcdef123456/deploy.json'),
      buckets,
    );
    expect(decision).toMatchObject({
      start: true,
      request: { action: 'destroy', component: 'consumer' },
    });
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
    expect(decideDeployment(event, buckets)).toMatchObject({ start: false, reason });
  });

  it('reads URL-encoded keys', () => {
    const decision = decideDeployment(
      s3Event('Object Created', PUBLISHER, 'parcel_registered%2F3%2Fdeploy.json'),
      buckets,
    );
    expect(decision).toMatchObject({ start: true, request: { key: 'parcel_registered/3/deploy.json' } });
  });
});

describe('createDeploymentTrigger', () => {
  let trigger: DeploymentTrigger;

  beforeEach(() => {
    codePipelineMock.reset();
    trigger = createDeploymentTrigger({
      pipelineName: PIPELINE,
      publisherBucket: PUBLISHER,
      subscriberBucket: SUBSCRIBER,
      codePipeline: new CodePipelineClient({ region: 'eu-west-1' }),
      logger: silentLogger,
    });
  });

  it('starts the pipeline with the manifest location, action and generator as variables', async () => {
    codePipelineMock.on(StartPipelineExecutionCommand).resolves({ pipelineExecutionId: 'exec-1' });

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
      ],
    });
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
  it('reads the pipeline and both buckets', () => {
    expect(
      readDeploymentTriggerConfig({
        DEPLOYMENT_PIPELINE_NAME: PIPELINE,
        PUBLISHER_COMPONENTS_BUCKET: PUBLISHER,
        SUBSCRIBER_COMPONENTS_BUCKET: SUBSCRIBER,
      }),
    ).toEqual({ pipelineName: PIPELINE, publisherBucket: PUBLISHER, subscriberBucket: SUBSCRIBER });
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
