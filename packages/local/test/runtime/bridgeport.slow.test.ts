import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { GetBucketVersioningCommand, ListBucketsCommand, S3Client } from '@aws-sdk/client-s3';
import { readyBanner } from '../../src/runtime/banner';
import { type Bridgeport, startBridgeport } from '../../src/runtime/bridgeport';
import { DataDirectoryLockedError } from '../../src/runtime/errors';
import { call, envelope, producerKey, testOptions, waitFor } from '../e2e/support';

describe('startBridgeport', () => {
  let dataDir: string;
  let runtime: Bridgeport;
  const lines: string[] = [];

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'bridgeport-runtime-'));
    runtime = await startBridgeport({
      ...testOptions(dataDir, { demo: true }),
      log: (line) => lines.push(line),
    });
  });

  afterAll(async () => {
    await runtime.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('creates the scanned_parcel example with --demo, its producer route live before it is ready', async () => {
    const version = await call('GET', `${runtime.portalUrl}/events/scanned_parcel/versions/1`);
    const published = await call(
      'POST',
      `${runtime.brokerUrl}/scanned_parcel/1`,
      envelope('depot-1', { parcel_id: 'p1', depot: 'depot-1', scanned_at: '2026-11-26T08:00:00Z' }),
      await producerKey(runtime.portalUrl, 'scanned_parcel'),
    );

    expect(version.body).toMatchObject({ application: 'parcel-tracking', status: 'ACTIVE' });
    expect(published.status).toBe(200);
    expect(lines).toContain('Demo: created the scanned_parcel event type (application parcel-tracking).');
  });

  it('prints every endpoint and the ready line with a next step', () => {
    const banner = readyBanner(runtime).join('\n');

    expect(banner).toContain(`Portal API         ${runtime.portalUrl}`);
    expect(banner).toContain(`Producer endpoint  ${runtime.brokerUrl}`);
    expect(banner).toContain(`AWS endpoint       ${runtime.awsUrl}`);
    expect(runtime.firstStart).toBe(true);
    expect(banner).toMatch(
      /Bridgeport is ready\. Next: create an event type with curl -X POST http:\/\/127\.0\.0\.1:\d+\/events -H "authorization: Bearer \$TOKEN"/,
    );
  });

  it('prints a platform admin token with --demo that the portal accepts', async () => {
    const banner = readyBanner(runtime).join('\n');
    const token = /export TOKEN=(\S+)/.exec(banner)?.[1];
    expect(token).toBe(runtime.demoToken);

    const listed = await call('GET', `${runtime.portalUrl}/events`, undefined, {
      headers: { authorization: `Bearer ${token}` },
    });
    const anonymous = await call('GET', `${runtime.portalUrl}/events`, undefined, { anonymous: true });

    expect(listed.status).toBe(200);
    expect(anonymous.status).toBe(401);
  });

  it('suggests the next step only on a first start (nothing created yet in the data directory)', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'bridgeport-first-start-'));
    try {
      const first = await startBridgeport({ ...testOptions(dir), log: () => undefined });
      const firstBanner = readyBanner(first).join('\n');
      await first.close();
      const again = await startBridgeport({ ...testOptions(dir), log: () => undefined });
      const againBanner = readyBanner(again).join('\n');
      await again.close();

      expect([first.firstStart, again.firstStart]).toEqual([true, false]);
      expect(firstBanner).toContain('Next: create an event type');
      expect(againBanner).not.toContain('Next:');
      expect(againBanner).toContain(
        `Bridgeport is ready. For the aws CLI or SDKs: export AWS_ENDPOINT_URL=${again.awsUrl}`,
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('delivers to an SQS consumer through the local queue', async () => {
    const subscribed = await call('POST', `${runtime.portalUrl}/subscriptions`, {
      event_type: 'scanned_parcel',
      version: 1,
      connection_type: 'SQS',
      connection_string: 'arn:aws:sqs:us-east-1:000000000000:parcel-scans',
      target_unit: 'depot-9',
    });
    await runtime.whenDeployed();

    const published = await call(
      'POST',
      `${runtime.brokerUrl}/scanned_parcel/1`,
      envelope('depot-9', { parcel_id: 'p2', depot: 'depot-9', scanned_at: '2026-11-26T08:00:00Z' }),
      await producerKey(runtime.portalUrl, 'scanned_parcel'),
    );
    const messages = await waitFor('the queued message', async () => {
      const queued = await runtime.queues.peek('parcel-scans');
      return queued.length > 0 ? queued : undefined;
    });

    expect(subscribed.status).toBe(201);
    expect(messages.map((message) => JSON.parse(message.body).id)).toEqual([
      (published.body as { event_id: string }).event_id,
    ]);
  });

  it('removes the producer route when its event type is deleted', async () => {
    const created = await call('POST', `${runtime.portalUrl}/events`, {
      application: 'parcel-tracking',
      event_type: 'short_lived',
      description: 'Deleted again',
      connection_type: 'HTTPS',
      data: { type: 'object' },
    });
    const key = await producerKey(runtime.portalUrl, 'short_lived');
    const live = async () =>
      (await call('POST', `${runtime.brokerUrl}/short_lived/1`, envelope('x', {}), key)).status;
    await waitFor('the route to go live', async () => (await live()) === 200);

    const deleted = await call('DELETE', `${runtime.portalUrl}/events/short_lived`);
    await waitFor('the route to be removed', async () => (await live()) === 404);

    expect([created.status, deleted.status]).toEqual([201, 204]);
    expect(runtime.producers.list()).toEqual(['scanned_parcel/1']);
  });

  it('versions the schema backup and both component buckets, as the shared stacks do in AWS', async () => {
    const s3 = new S3Client({
      endpoint: runtime.awsUrl,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });
    const buckets = (await s3.send(new ListBucketsCommand({}))).Buckets ?? [];
    const statuses = await Promise.all(
      buckets.map(async (bucket) => [
        bucket.Name?.replace(/-000000000000-us-east-1$/, ''),
        (await s3.send(new GetBucketVersioningCommand({ Bucket: bucket.Name }))).Status,
      ]),
    );
    s3.destroy();

    expect(statuses.sort()).toEqual([
      [expect.stringMatching(/-event-schemas-backup-bucket$/), 'Enabled'],
      [expect.stringMatching(/-publisher-components-bucket$/), 'Enabled'],
      [expect.stringMatching(/-subscriber-components-bucket$/), 'Enabled'],
    ]);
  });

  it('refuses a second runtime on the same data directory, naming the option to change', async () => {
    await expect(startBridgeport({ ...testOptions(dataDir), log: () => undefined })).rejects.toThrow(
      new DataDirectoryLockedError(path.resolve(dataDir), process.pid),
    );
    await expect(startBridgeport({ ...testOptions(dataDir), log: () => undefined })).rejects.toThrow(
      /choose another directory with --data-dir \(or BRIDGEPORT_DATA_DIR\)/,
    );
  });
});
