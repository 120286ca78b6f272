import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  CloudFormationClient,
  DeleteStackCommand,
  DescribeStacksCommand,
} from '@aws-sdk/client-cloudformation';
import {
  CreateBucketCommand,
  DeleteObjectCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { s3ManifestVersions } from '@bridgeport/broker';
import { type LocalS3, startLocalS3 } from '@bridgeport/local';
import { mockClient } from 'aws-sdk-client-mock';
import {
  type ManifestBuildInput,
  readManifestBuildInput,
  runManifestBuild,
} from '../../src/build/manifest-build';
import { InfrastructureInputError } from '../../src/errors';

const PUBLISHER = 'dev-publisher-components-bucket-123456789012-eu-west-1';
const SUBSCRIBER = 'dev-subscriber-components-bucket-123456789012-eu-west-1';
const KEY = 'parcel_registered/1/abcdef123456/deploy.json';
const cloudFormationMock = mockClient(CloudFormationClient);

const ENV = {
  BRIDGEPORT_ENVIRONMENT: 'dev',
  PUBLISHER_COMPONENTS_BUCKET: PUBLISHER,
  SUBSCRIBER_COMPONENTS_BUCKET: SUBSCRIBER,
  MANIFEST_BUCKET: SUBSCRIBER,
  MANIFEST_KEY: KEY,
  COMPONENT: 'consumer',
};

describe('readManifestBuildInput', () => {
  it('reads a consumer manifest of the subscriber bucket', () => {
    expect(readManifestBuildInput(ENV)).toEqual({
      environment: 'dev',
      bucket: SUBSCRIBER,
      key: KEY,
      component: 'consumer',
      manifest: {
        kind: 'consumer',
        eventType: 'parcel_registered',
        version: 1,
        subscriptionId: 'abcdef123456',
      },
      qualifier: 'bridgeport',
      allowedConsumerTargets: '',
    });
    expect(
      readManifestBuildInput({
        ...ENV,
        BRIDGEPORT_CDK_QUALIFIER: 'bp-qa',
        BRIDGEPORT_ALLOWED_CONSUMER_TARGETS: 'arn:aws:sqs:eu-west-1:123456789012:orders-*',
      }),
    ).toMatchObject({
      qualifier: 'bp-qa',
      allowedConsumerTargets: 'arn:aws:sqs:eu-west-1:123456789012:orders-*',
    });
  });

  it.each([
    ['another bucket', { MANIFEST_BUCKET: 'other-bucket' }, 'MANIFEST_BUCKET'],
    ['a key that is not a manifest', { MANIFEST_KEY: `${KEY}; id` }, 'MANIFEST_KEY'],
    [
      'a producer key in the subscriber bucket',
      { MANIFEST_KEY: 'parcel_registered/1/deploy.json' },
      'MANIFEST_KEY',
    ],
    ['another generator', { COMPONENT: '../x' }, 'COMPONENT'],
    ['a missing variable', { MANIFEST_KEY: '' }, 'MANIFEST_KEY'],
    ['a qualifier CDK would refuse', { BRIDGEPORT_CDK_QUALIFIER: 'Not/Valid' }, 'BRIDGEPORT_CDK_QUALIFIER'],
  ])('refuses %s, naming the variable', (_what, change, setting) => {
    const read = () => readManifestBuildInput({ ...ENV, ...change });
    expect(read).toThrow(InfrastructureInputError);
    expect(read).toThrow(
      new RegExp(`^${setting}`.replace('MANIFEST_KEY', '(Environment variable )?MANIFEST_KEY')),
    );
  });
});

describe('runManifestBuild against the local S3', () => {
  let directory: string;
  let s3: LocalS3;
  let client: S3Client;
  const cdkRuns: string[][] = [];
  const input: ManifestBuildInput = readManifestBuildInput(ENV);

  const build = () =>
    runManifestBuild({
      input,
      manifests: s3ManifestVersions(client),
      cloudFormation: new CloudFormationClient({ region: 'eu-west-1' }),
      runCdk: async (args) => {
        cdkRuns.push([...args]);
        return 0;
      },
      deleteTimeoutSeconds: 10,
      log: () => undefined,
    });
  const put = async (body: string) =>
    (await client.send(new PutObjectCommand({ Bucket: SUBSCRIBER, Key: KEY, Body: body }))).VersionId ?? '';

  beforeAll(async () => {
    directory = await mkdtemp(path.join(tmpdir(), 'manifest-build-'));
    s3 = await startLocalS3(directory);
    client = new S3Client({
      endpoint: `http://127.0.0.1:${s3.port}`,
      region: 'eu-west-1',
      forcePathStyle: true,
      credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    });
    await client.send(new CreateBucketCommand({ Bucket: SUBSCRIBER }));
    await client.send(
      new PutBucketVersioningCommand({ Bucket: SUBSCRIBER, VersioningConfiguration: { Status: 'Enabled' } }),
    );
  });

  afterAll(async () => {
    client.destroy();
    await s3.close();
    await rm(directory, { recursive: true, force: true });
  });

  beforeEach(() => {
    cdkRuns.length = 0;
    cloudFormationMock.reset();
  });

  it('deploys the current version with the generator, passing its version id', async () => {
    await put('{"v":1}');
    const current = await put('{"v":2}');

    const result = await build();

    expect(result).toEqual({ outcome: 'deployed', versionId: current });
    expect(cdkRuns).toHaveLength(1);
    expect(cdkRuns[0]?.slice(0, 3)).toEqual(['cdk', 'deploy', '--all']);
    expect(cdkRuns[0]).toEqual(
      expect.arrayContaining([
        `manifest=s3://${SUBSCRIBER}/${KEY}`,
        `manifestVersion=${current}`,
        'environment=dev',
      ]),
    );
    // The generators' own bootstrap, and the (empty) allow-list of same-account targets for the consumer.
    const args = (cdkRuns[0] ?? []).join(' ');
    expect(args).toContain(
      '-c @aws-cdk/core:bootstrapQualifier=bridgeport --toolkit-stack-name BridgeportCDKToolkit',
    );
    expect(cdkRuns[0]?.slice(-2)).toEqual(['-c', 'allowedConsumerTargets=']);
  });

  it('deletes the stack by name once the current version is a delete marker', async () => {
    await put('{"v":3}');
    await client.send(new DeleteObjectCommand({ Bucket: SUBSCRIBER, Key: KEY }));
    const stackName = 'dev-consumer-parcel-registered-v1-abcdef123456';
    cloudFormationMock
      .on(DescribeStacksCommand)
      .resolvesOnce({
        Stacks: [{ StackName: stackName, StackStatus: 'UPDATE_COMPLETE', CreationTime: new Date() }],
      })
      .resolves({
        Stacks: [{ StackName: stackName, StackStatus: 'DELETE_COMPLETE', CreationTime: new Date() }],
      });
    cloudFormationMock.on(DeleteStackCommand).resolves({});

    const result = await build();

    expect(result).toEqual({ outcome: 'destroyed', stackName });
    expect(cloudFormationMock.commandCalls(DeleteStackCommand).map((call) => call.args[0].input)).toEqual([
      { StackName: stackName },
    ]);
    expect(cdkRuns).toEqual([]);
  });

  it('destroys nothing, and does not fail, when the stack is gone already', async () => {
    cloudFormationMock
      .on(DescribeStacksCommand)
      .rejects(Object.assign(new Error('Stack with id x does not exist'), { name: 'ValidationError' }));

    const result = await build();

    expect(result).toMatchObject({ outcome: 'already-gone' });
    expect(cloudFormationMock.commandCalls(DeleteStackCommand)).toHaveLength(0);
  });

  it('deploys again when the manifest was re-created after its delete, whatever event started the build', async () => {
    const recreated = await put('{"v":4}');

    expect(await build()).toEqual({ outcome: 'deployed', versionId: recreated });
  });

  it('fails the build when cdk deploy fails', async () => {
    await expect(
      runManifestBuild({
        input,
        manifests: s3ManifestVersions(client),
        cloudFormation: new CloudFormationClient({ region: 'eu-west-1' }),
        runCdk: async () => 1,
        log: () => undefined,
      }),
    ).rejects.toThrow('cdk deploy exited with 1');
  });
});
