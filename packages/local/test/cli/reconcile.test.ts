import { CloudFormationClient, DescribeStacksCommand, type Stack } from '@aws-sdk/client-cloudformation';
import { CodePipelineClient, StartPipelineExecutionCommand } from '@aws-sdk/client-codepipeline';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  CreateBucketCommand,
  DeleteObjectCommand,
  ListObjectVersionsCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { createDeploymentReconciler, dynamoDeploymentRecords } from '@bridgeport/broker';
import {
  BucketKind,
  bucketName,
  consumerManifestKey,
  producerManifestKey,
  StatusAttribute,
  subscriptionKey,
  tableName,
} from '@bridgeport/core';
import { eventsTableDefinition } from '@bridgeport/portal';
import { mockClient } from 'aws-sdk-client-mock';

import { reconcileCommand } from '../../src/cli/reconcile';
import { type LocalAws, startLocalAws } from '../support/local-aws';

const ENV = 'rec';
const TARGET = { environment: ENV, account: '000000000000', region: 'us-east-1' };
const PUBLISHER = bucketName(BucketKind.PUBLISHER, TARGET);
const SUBSCRIBER = bucketName(BucketKind.SUBSCRIBER, TARGET);
const cloudFormationMock = mockClient(CloudFormationClient);
const codePipelineMock = mockClient(CodePipelineClient);

/** A stack as DescribeStacks lists it, made by a generator from `key` at `versionId`. */
function generatedStack(
  name: string,
  key: string,
  versionId: string,
  status: Stack['StackStatus'] = 'UPDATE_COMPLETE',
): Stack {
  return {
    StackName: name,
    StackStatus: status,
    CreationTime: new Date(),
    Tags: [{ Key: 'bridgeport:environment', Value: ENV }],
    Outputs: [
      { OutputKey: 'BridgeportManifestKey', OutputValue: key },
      { OutputKey: 'BridgeportManifestVersionId', OutputValue: versionId },
    ],
  };
}

describe('the deployment reconciler, against the local S3 and DynamoDB', () => {
  let aws: LocalAws;
  let s3: S3Client;
  let dynamo: DynamoDBDocumentClient;
  const started = () =>
    codePipelineMock.commandCalls(StartPipelineExecutionCommand).map((call) => {
      const variables = Object.fromEntries(
        (call.args[0].input.variables ?? []).map((v) => [v.name, v.value]),
      );
      return `${variables.ACTION} ${variables.MANIFEST_KEY} ${variables.MANIFEST_VERSION_ID}`;
    });
  const reconciler = () =>
    createDeploymentReconciler({
      environment: ENV,
      pipelineName: `${ENV}-components-deployment-pipeline`,
      publisherBucket: PUBLISHER,
      subscriberBucket: SUBSCRIBER,
      s3,
      cloudFormation: new CloudFormationClient({}),
      codePipeline: new CodePipelineClient({}),
      records: dynamoDeploymentRecords(dynamo, tableName(ENV)),
      logger: { info: () => undefined, warn: () => undefined, error: () => undefined },
    });
  const put = async (bucket: string, key: string) =>
    (await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: '{}' }))).VersionId ?? '';

  beforeAll(async () => {
    aws = await startLocalAws('bridgeport-reconciler-', ENV);
    s3 = new S3Client({ forcePathStyle: true });
    dynamo = DynamoDBDocumentClient.from(new DynamoDBClient({}));
    await dynamo.send(new CreateTableCommand(eventsTableDefinition(tableName(ENV))));
    for (const bucket of [PUBLISHER, SUBSCRIBER]) {
      await s3.send(new CreateBucketCommand({ Bucket: bucket }));
      await s3.send(
        new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: 'Enabled' } }),
      );
    }
  });

  afterAll(async () => {
    s3.destroy();
    dynamo.destroy();
    await aws.close();
  });

  beforeEach(async () => {
    cloudFormationMock.reset();
    codePipelineMock.reset();
    codePipelineMock.on(StartPipelineExecutionCommand).resolves({ pipelineExecutionId: 'execution-1' });
    for (const bucket of [PUBLISHER, SUBSCRIBER]) {
      const { Versions = [], DeleteMarkers = [] } = await s3.send(
        new ListObjectVersionsCommand({ Bucket: bucket }),
      );
      for (const version of [...Versions, ...DeleteMarkers]) {
        await s3.send(
          new DeleteObjectCommand({ Bucket: bucket, Key: version.Key, VersionId: version.VersionId }),
        );
      }
    }
  });

  it('finds a manifest without a stack and starts its deployment at the current version', async () => {
    const key = producerManifestKey('parcel_registered', 1);
    const current = await put(PUBLISHER, key);
    cloudFormationMock.on(DescribeStacksCommand).resolves({ Stacks: [] });

    const report = await reconciler().reconcile();

    expect(report.started.map((start) => [start.cause, start.stackName])).toEqual([
      ['missing-stack', `${ENV}-producer-parcel-registered-v1`],
    ]);
    expect(started()).toEqual([`deploy ${key} ${current}`]);
  });

  it('leaves a current stack alone, redeploys a stale one, and destroys the stack of a deleted manifest', async () => {
    const current = producerManifestKey('parcel_registered', 2);
    const stale = consumerManifestKey('parcel_registered', 2, 'abcdef123456');
    const gone = consumerManifestKey('parcel_registered', 2, 'abcdef654321');
    const currentVersion = await put(PUBLISHER, current);
    await put(SUBSCRIBER, stale);
    const staleVersion = await put(SUBSCRIBER, stale);
    await put(SUBSCRIBER, gone);
    await s3.send(new DeleteObjectCommand({ Bucket: SUBSCRIBER, Key: gone }));
    cloudFormationMock.on(DescribeStacksCommand).resolves({
      Stacks: [
        generatedStack(`${ENV}-producer-parcel-registered-v2`, current, currentVersion),
        generatedStack(`${ENV}-consumer-parcel-registered-v2-abcdef123456`, stale, 'an-older-version'),
        generatedStack(`${ENV}-consumer-parcel-registered-v2-abcdef654321`, gone, 'whatever'),
        { StackName: 'someone-elses-stack', StackStatus: 'CREATE_COMPLETE', CreationTime: new Date() },
      ],
    });

    const report = await reconciler().reconcile();

    expect(report.inLine).toBe(1);
    expect(report.started.map((start) => start.cause).sort()).toEqual(['orphan-stack', 'stale-stack']);
    expect(started().sort()).toEqual([`deploy ${stale} ${staleVersion}`, `destroy ${gone} none`]);
  });

  it('redeploys a current stack whose record has been PENDING for hours, and every stack with all', async () => {
    const key = consumerManifestKey('parcel_registered', 3, 'abcdef123456');
    const version = await put(SUBSCRIBER, key);
    cloudFormationMock.on(DescribeStacksCommand).resolves({
      Stacks: [generatedStack(`${ENV}-consumer-parcel-registered-v3-abcdef123456`, key, version)],
    });
    await dynamo.send(
      new PutCommand({
        TableName: tableName(ENV),
        Item: {
          ...subscriptionKey('abcdef123456'),
          [StatusAttribute.STATUS]: 'PENDING',
          [StatusAttribute.SUBSCRIPTION_UPDATED_AT]: '2020-01-01T00:00:00.000Z',
        },
      }),
    );

    const stuck = await reconciler().reconcile();
    const upgrade = await reconciler().reconcile({ all: true, dryRun: true });

    expect(stuck.started.map((start) => start.cause)).toEqual(['stale-record']);
    expect(upgrade.started.map((start) => [start.cause, start.executionId])).toEqual([
      ['upgrade', undefined],
    ]);
    expect(started()).toEqual([`deploy ${key} ${version}`]);
  });

  it('starts nothing for a stack CloudFormation is still working on', async () => {
    const key = producerManifestKey('parcel_registered', 4);
    await put(PUBLISHER, key);
    cloudFormationMock.on(DescribeStacksCommand).resolves({
      Stacks: [generatedStack(`${ENV}-producer-parcel-registered-v4`, key, 'older', 'UPDATE_IN_PROGRESS')],
    });

    const report = await reconciler().reconcile();

    expect(report.started).toEqual([]);
    expect(report.inLine).toBe(1);
  });

  describe('bridgeport reconcile', () => {
    let lines: string[];
    let spies: jest.SpyInstance[];

    beforeEach(() => {
      lines = [];
      spies = [
        jest.spyOn(console, 'log').mockImplementation((line: string) => lines.push(line)),
        jest.spyOn(console, 'error').mockImplementation((line: string) => lines.push(line)),
      ];
    });

    afterEach(() => {
      for (const spy of spies) spy.mockRestore();
    });

    it('starts the missing deployments of the environment and says what it started', async () => {
      const key = producerManifestKey('parcel_scanned', 1);
      const version = await put(PUBLISHER, key);
      cloudFormationMock.on(DescribeStacksCommand).resolves({ Stacks: [] });

      const code = await reconcileCommand.run(['--env', ENV]);

      expect(code).toBe(0);
      expect(started()).toEqual([`deploy ${key} ${version}`]);
      expect(lines).toEqual([
        `Reconciling ${ENV} (000000000000, us-east-1)…`,
        `  started deploy ${ENV}-producer-parcel-scanned-v1 version ${version}: missing-stack (execution execution-1)`,
        'Done: 1 deployment(s) started, 0 in line with their manifest.',
      ]);
    });

    it('refuses a missing or malformed environment with exit code 2', async () => {
      expect(await reconcileCommand.run([])).toBe(2);
      expect(await reconcileCommand.run(['--env', 'Not Valid'])).toBe(2);
      expect(lines[0]).toMatch(/^bridgeport reconcile: --env is required/);
      expect(codePipelineMock.commandCalls(StartPipelineExecutionCommand)).toHaveLength(0);
    });
  });
});
