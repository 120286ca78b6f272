import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { schemaBackupKey } from '@bridgeport/core';
import type { RestoreReport } from '@bridgeport/ops';
import {
  bridgeportJson,
  NAMES,
  publishAndReceive,
  startWorld,
  tableSnapshot,
  type World,
} from './ops-support';
import { call, settle } from './support';

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('bridgeport restore --as-of against the local runtime (versioned buckets)', () => {
  let world: World;

  beforeAll(async () => {
    world = await startWorld('as-of');
  }, 60_000);

  afterAll(async () => {
    await world?.close();
  });

  it('rebuilds from the object versions current at a point in time: a backup broken since and a subscription deleted since', async () => {
    const before = await tableSnapshot(world);
    await pause(1100);
    const asOf = new Date().toISOString();
    await pause(1100);

    const key = schemaBackupKey('order_placed', 1);
    const good = await world.clients.s3.send(new GetObjectCommand({ Bucket: NAMES.backups, Key: key }));
    const text = (await good.Body?.transformToString()) ?? '';
    await world.clients.s3.send(
      new PutObjectCommand({ Bucket: NAMES.backups, Key: key, Body: text.slice(0, 30) }),
    );
    const id = world.subscriptions.parcel_v3 as string;
    expect((await call('DELETE', world.portal(`/subscriptions/${id}`))).status).toBe(204);
    await settle(world.runtime);

    const now = await bridgeportJson<RestoreReport>('restore', '--table', '--dry-run');
    expect(now.code).toBe(1);
    expect(now.report.items).toContainEqual(
      expect.objectContaining({ outcome: 'failed', key, subject: 'order_placed' }),
    );

    const restored = await bridgeportJson<RestoreReport>('restore', '--table', '--as-of', asOf);
    expect(restored.code).toBe(0);
    expect(restored.report.asOf).toBe(asOf);
    const outcomes = Object.fromEntries(
      restored.report.items.map((item) => [`${item.store} ${item.subject}`, item.outcome]),
    );
    expect(outcomes).toMatchObject({
      'table order_placed v1': 'unchanged',
      [`table subscription ${id}`]: 'created',
      'table scanned_parcel': 'updated',
      [`manifests subscription ${id}`]: 'created',
    });
    await settle(world.runtime);
    expect(await tableSnapshot(world)).toEqual(before);
    await publishAndReceive(world, 'scanned_parcel', 3, '/parcel-v3', { parcel_id: 'late', weight_kg: 30 });
  });
});
