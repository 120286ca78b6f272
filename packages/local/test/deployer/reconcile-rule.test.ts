import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CodePipelineClient, StartPipelineExecutionCommand } from '@aws-sdk/client-codepipeline';
import {
  CreateBucketCommand,
  DeleteObjectCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import {
  createDeploymentTrigger,
  type DeploymentTriggerResult,
  s3ManifestVersions,
} from '@bridgeport/broker';
import { reconcileManifest } from '@bridgeport/core';
import { mockClient } from 'aws-sdk-client-mock';
import {
  type LocalS3,
  type S3ObjectNotification,
  s3EventBridgeEvent,
  startLocalS3,
} from '../../src/aws/s3/server';

const PUBLISHER = 'dev-publisher-components-bucket-000000000000-us-east-1';
const SUBSCRIBER = 'dev-subscriber-components-bucket-000000000000-us-east-1';
const SCOPE = { account: '000000000000', region: 'us-east-1' };
const codePipelineMock = mockClient(CodePipelineClient);

/**
 * The reconcile rule, run by the deployment trigger (with S3 events as EventBridge delivers them) against the
 * local S3: what each event starts depends on what the bucket holds when the event is handled.
 */
describe('the reconcile rule against the local S3', () => {
  let directory: string;
  let s3: LocalS3;
  let client: S3Client;
  let keyCount = 0;
  const notifications: S3ObjectNotification[] = [];
  const trigger = () =>
    createDeploymentTrigger({
      pipelineName: 'dev-components-deployment-pipeline',
      publisherBucket: PUBLISHER,
      subscriberBucket: SUBSCRIBER,
      codePipeline: new CodePipelineClient({ region: 'us-east-1' }),
      manifests: s3ManifestVersions(client),
      logger: { info: () => undefined, warn: () => undefined, error: () => undefined },
    });

  const newKey = (): string => {
    keyCount += 1;
    return `parcel_registered/1/sub${String(keyCount).padStart(9, '0')}/deploy.json`;
  };
  const put = async (key: string, body: string): Promise<string> =>
    (await client.send(new PutObjectCommand({ Bucket: SUBSCRIBER, Key: key, Body: body }))).VersionId ?? '';
  const remove = async (key: string, versionId?: string): Promise<void> => {
    await client.send(new DeleteObjectCommand({ Bucket: SUBSCRIBER, Key: key, VersionId: versionId }));
  };
  /** The S3 events of `key` so far, as EventBridge delivers them, in the order S3 made them. */
  const eventsOf = async (key: string) => {
    await new Promise((resolve) => setTimeout(resolve, 20));
    return notifications.filter((n) => n.key === key).map((n) => s3EventBridgeEvent(n, SCOPE));
  };
  /** What the trigger started for each event: `deploy <version>`, `destroy`, or why it started nothing. */
  const handle = async (events: Awaited<ReturnType<typeof eventsOf>>): Promise<string[]> => {
    const handled: string[] = [];
    for (const event of events) {
      const result: DeploymentTriggerResult = await trigger().handle(event);
      handled.push(
        result.started
          ? `${result.request.action}${result.request.versionId ? ` ${result.request.versionId}` : ''}`
          : `ignored: ${result.reason}`,
      );
    }
    return handled;
  };

  beforeAll(async () => {
    directory = await mkdtemp(path.join(tmpdir(), 'bridgeport-reconcile-'));
    s3 = await startLocalS3(directory);
    s3.notifications.onChange((notification) => notifications.push(notification));
    client = new S3Client({
      endpoint: `http://127.0.0.1:${s3.port}`,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    });
    for (const bucket of [PUBLISHER, SUBSCRIBER]) {
      await client.send(new CreateBucketCommand({ Bucket: bucket }));
      await client.send(
        new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: 'Enabled' } }),
      );
    }
  });

  afterAll(async () => {
    client.destroy();
    await s3.close();
    await rm(directory, { recursive: true, force: true });
  });

  beforeEach(() => {
    codePipelineMock.reset();
    codePipelineMock.on(StartPipelineExecutionCommand).resolves({ pipelineExecutionId: 'execution' });
  });

  it('create: deploys the new version', async () => {
    const key = newKey();
    const v1 = await put(key, '{"v":1}');

    expect(await handle(await eventsOf(key))).toEqual([`deploy ${v1}`]);
    expect(codePipelineMock.commandCalls(StartPipelineExecutionCommand)[0]?.args[0].input.variables).toEqual(
      expect.arrayContaining([
        { name: 'ACTION', value: 'deploy' },
        { name: 'MANIFEST_VERSION_ID', value: v1 },
      ]),
    );
  });

  it('update: every event deploys the current version, the late one included', async () => {
    const key = newKey();
    await put(key, '{"v":1}');
    const v2 = await put(key, '{"v":2}');

    expect(await handle(await eventsOf(key))).toEqual([`deploy ${v2}`, `deploy ${v2}`]);
  });

  it('delete: destroys once the current version is a delete marker', async () => {
    const key = newKey();
    await put(key, '{"v":1}');
    await remove(key);
    const events = await eventsOf(key);

    expect(events.map((event) => event.detail['deletion-type'])).toEqual([
      undefined,
      'Delete Marker Created',
    ]);
    expect(await handle(events.slice(1))).toEqual(['destroy']);
  });

  it('delete then re-create, events in order: both deploy the re-created manifest', async () => {
    const key = newKey();
    await put(key, '{"v":1}');
    await remove(key);
    const recreated = await put(key, '{"v":2}');
    const [, deleted, created] = await eventsOf(key);

    expect(await handle([deleted, created].filter((e) => e !== undefined))).toEqual([
      `deploy ${recreated}`,
      `deploy ${recreated}`,
    ]);
  });

  it('delete then re-create, events out of order: the late delete never destroys the live stack', async () => {
    const key = newKey();
    await put(key, '{"v":1}');
    await remove(key);
    const recreated = await put(key, '{"v":2}');
    const [, deleted, created] = await eventsOf(key);

    expect(await handle([created, deleted].filter((e) => e !== undefined))).toEqual([
      `deploy ${recreated}`,
      `deploy ${recreated}`,
    ]);
    expect(
      codePipelineMock
        .commandCalls(StartPipelineExecutionCommand)
        .flatMap((call) => call.args[0].input.variables ?? [])
        .filter((variable) => variable.name === 'ACTION')
        .map((variable) => variable.value),
    ).toEqual(['deploy', 'deploy']);
  });

  it('lifecycle expiry of an old version: starts nothing, and the key still deploys its current version', async () => {
    const key = newKey();
    const v1 = await put(key, '{"v":1}');
    const v2 = await put(key, '{"v":2}');
    await s3.expireNoncurrentVersion(SUBSCRIBER, key, v1);
    const events = await eventsOf(key);
    const expiry = events.at(-1);

    expect(expiry?.detail).toMatchObject({
      reason: 'Lifecycle Expiration',
      'deletion-type': 'Permanently Deleted',
    });
    expect(await handle(expiry ? [expiry] : [])).toEqual(['ignored: lifecycle-expiration']);
    expect(codePipelineMock.commandCalls(StartPipelineExecutionCommand)).toHaveLength(0);
    expect(await reconcileManifest(s3ManifestVersions(client), SUBSCRIBER, key)).toEqual({
      action: 'deploy',
      versionId: v2,
    });
  });

  it('a key with no version left: destroys, without failing', async () => {
    const key = newKey();
    const v1 = await put(key, '{"v":1}');
    await remove(key, v1);
    const events = await eventsOf(key);

    expect(events.at(-1)?.detail['deletion-type']).toBe('Permanently Deleted');
    expect(await handle(events)).toEqual(['destroy', 'destroy']);
    expect(await reconcileManifest(s3ManifestVersions(client), SUBSCRIBER, key)).toEqual({
      action: 'destroy',
      reason: 'no-versions',
    });
  });
});
