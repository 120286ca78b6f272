import { DeleteObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import {
  DescribeSchemaCommand,
  ListSchemasCommand,
  ListSchemaVersionsCommand,
  UpdateSchemaCommand,
} from '@aws-sdk/client-schemas';
import type { RestoreReport } from '@bridgeport/ops';
import {
  bridgeport,
  bridgeportJson,
  deleteSchema,
  emptyTable,
  NAMES,
  publishAndReceive,
  startWorld,
  tableSnapshot,
  type World,
} from './ops-support';
import { call, producerKey, settle, waitFor } from './support';

type Registry = Record<string, { version: string; content: unknown; description?: string }[]>;

async function registrySnapshot(world: World): Promise<Registry> {
  const { schemas } = world.clients;
  const snapshot: Registry = {};
  const listed = await schemas.send(new ListSchemasCommand({ RegistryName: NAMES.registry }));
  for (const schema of listed.Schemas ?? []) {
    const name = schema.SchemaName as string;
    const versions = await schemas.send(
      new ListSchemaVersionsCommand({ RegistryName: NAMES.registry, SchemaName: name }),
    );
    snapshot[name] = [];
    for (const version of versions.SchemaVersions ?? []) {
      const described = await schemas.send(
        new DescribeSchemaCommand({
          RegistryName: NAMES.registry,
          SchemaName: name,
          SchemaVersion: version.SchemaVersion,
        }),
      );
      snapshot[name].push({
        version: described.SchemaVersion as string,
        content: JSON.parse(described.Content as string),
      });
    }
    snapshot[name].sort((a, b) => Number(a.version) - Number(b.version));
  }
  return snapshot;
}

const outcomes = (report: RestoreReport) =>
  Object.fromEntries(report.items.map((item) => [`${item.store} ${item.subject}`, item.outcome]));

describe('bridgeport restore against the local runtime', () => {
  let world: World;
  let registryBefore: Registry;
  let tableBefore: Awaited<ReturnType<typeof tableSnapshot>>;

  beforeAll(async () => {
    world = await startWorld('restore');
    registryBefore = await registrySnapshot(world);
    tableBefore = await tableSnapshot(world);
  }, 60_000);

  afterAll(async () => {
    await world?.close();
  });

  it('finds a freshly built deployment whole: a restore changes nothing', async () => {
    const { code, report } = await bridgeportJson<RestoreReport>('restore');
    expect(code).toBe(0);
    expect(report.summary).toMatchObject({ created: 0, updated: 0, conflict: 0, failed: 0 });
    expect(report.summary.unchanged).toBe(report.items.length);
  });

  it('rebuilds deleted registry schemas with all their versions, in order, and the portal still finds each version', async () => {
    expect(Object.keys(registryBefore).sort()).toEqual(['order_placed', 'scanned_parcel']);
    expect(registryBefore.scanned_parcel).toHaveLength(3);
    await deleteSchema(world, 'scanned_parcel');
    await deleteSchema(world, 'order_placed');

    const dry = await bridgeportJson<RestoreReport>('restore', '--registry', '--dry-run');
    expect(dry.code).toBe(0);
    expect(outcomes(dry.report)).toEqual({
      'registry order_placed': 'created',
      'registry scanned_parcel': 'created',
    });
    expect(await registrySnapshot(world)).toEqual({});

    const restored = await bridgeport('restore', '--registry');
    expect(restored.code).toBe(0);
    expect(restored.stdout).toMatch(/registry +scanned_parcel +created +versions 1 to 3/);
    expect(restored.stderr).toContain('registry: 1 of 2 (order_placed)');
    expect(restored.stderr).toContain('registry: 2 of 2 (scanned_parcel)');
    expect(await registrySnapshot(world)).toEqual(registryBefore);
    expect(await tableSnapshot(world)).toEqual(tableBefore);

    const again = await bridgeportJson<RestoreReport>('restore', '--registry');
    expect(again.code).toBe(0);
    expect(again.report.summary.unchanged).toBe(2);
    expect(again.report.items).toHaveLength(2);

    await publishAndReceive(world, 'scanned_parcel', 1, '/parcel-v1', { parcel_id: 'r1', weight_kg: 1 });
    const next = await call('PUT', world.portal('/events/order_placed'), {
      data: {
        type: 'object',
        properties: { order_id: { type: 'string' }, total: { type: 'number' }, note: { type: 'string' } },
      },
    });
    expect(next.status).toBe(200);
    const registry = await registrySnapshot(world);
    expect(registry.order_placed?.map((version) => version.version)).toEqual(['1', '2', '3']);
    registryBefore = registry;
    tableBefore = await tableSnapshot(world);
  });

  it('reports a registry schema that differs from the backups as a conflict, and replaces it only with --force', async () => {
    await world.clients.schemas.send(
      new UpdateSchemaCommand({
        RegistryName: NAMES.registry,
        SchemaName: 'scanned_parcel',
        Type: 'JSONSchemaDraft4',
        Content: JSON.stringify({ type: 'object', title: 'edited by hand' }),
      }),
    );
    const refused = await bridgeportJson<RestoreReport>('restore', '--registry');
    expect(refused.code).toBe(1);
    expect(refused.report.items).toContainEqual({
      store: 'registry',
      subject: 'scanned_parcel',
      outcome: 'conflict',
      detail: 'registry versions 4 come after the last backed-up version v3; --force replaces it',
    });
    expect((await registrySnapshot(world)).scanned_parcel).toHaveLength(4);

    const forced = await bridgeportJson<RestoreReport>('restore', '--registry', '--force');
    expect(forced.code).toBe(0);
    expect(outcomes(forced.report)['registry scanned_parcel']).toBe('updated');
    expect(await registrySnapshot(world)).toEqual(registryBefore);
    expect(await tableSnapshot(world)).toEqual(tableBefore);
  });

  it('rebuilds an emptied table from the backups and the manifests, identical field by field, and the portal keeps working', async () => {
    await emptyTable(world);
    expect(await tableSnapshot(world)).toEqual({});

    const restored = await bridgeportJson<RestoreReport>('restore', '--table');
    expect(restored.code).toBe(0);
    expect(restored.report.summary).toMatchObject({ conflict: 0, failed: 0 });
    expect(outcomes(restored.report)).toMatchObject({
      'table scanned_parcel': 'created',
      'table scanned_parcel v3': 'created',
      'table order_placed v3': 'created',
      [`table subscription ${world.subscriptions.parcel_v3}`]: 'created',
    });
    expect(restored.stderr).toContain('table: 2 of 2 (scanned_parcel)');
    expect(await tableSnapshot(world)).toEqual(tableBefore);
    const subscription = await call('GET', world.portal(`/subscriptions/${world.subscriptions.parcel_v3}`));
    expect(subscription.body).toMatchObject({
      status: 'ACTIVE',
      target_unit: 'depot-7',
      rate_limit_per_second: 25,
    });
    const version = await call('GET', world.portal('/events/scanned_parcel/versions/2'));
    expect(version.body).toMatchObject({ status: 'PENDING', detail_type: 'scanned_parcel.2' });

    const again = await bridgeportJson<RestoreReport>('restore', '--table');
    expect(again.code).toBe(0);
    expect(again.report.summary.unchanged).toBe(again.report.items.length);

    await publishAndReceive(world, 'scanned_parcel', 3, '/parcel-v3', {
      parcel_id: 'r2',
      weight_kg: 20,
      field_v3: 'x',
    });
    await publishAndReceive(world, 'order_placed', 2, '/order-v2', { order_id: 'o1' });
    const subscribed = await call('POST', world.portal('/subscriptions'), {
      event_type: 'scanned_parcel',
      version: 2,
      connection_type: 'HTTPS',
      connection_string: world.sink.url('/parcel-v2'),
    });
    expect(subscribed.status).toBe(201);
    await settle(world.runtime);
    const id = (subscribed.body as { id: string }).id;
    await waitFor(
      'the new subscription to be ACTIVE',
      async () =>
        ((await call('GET', world.portal(`/subscriptions/${id}`))).body as { status: string }).status ===
        'ACTIVE',
    );
    await publishAndReceive(world, 'scanned_parcel', 2, '/parcel-v2', { parcel_id: 'r3', weight_kg: 2 });
    const type = await call('GET', world.portal('/events/scanned_parcel'));
    expect(type.body).toMatchObject({ latest_version: 3, subscription_count: 3 });
  });

  it('restores no deleted event type unless --include-deleted, and then brings it back whole', async () => {
    const created = await call('POST', world.portal('/events'), {
      application: 'parcel-tracking',
      event_type: 'short_lived',
      description: 'gone soon',
      connection_type: 'HTTPS',
      data: { type: 'object' },
    });
    expect(created.status).toBe(201);
    await settle(world.runtime);
    expect((await call('DELETE', world.portal('/events/short_lived'))).status).toBe(204);
    await settle(world.runtime);

    const skipped = await bridgeportJson<RestoreReport>('restore');
    expect(skipped.code).toBe(0);
    expect(skipped.report.items).toContainEqual(
      expect.objectContaining({ subject: 'short_lived', outcome: 'skipped' }),
    );
    expect((await call('GET', world.portal('/events/short_lived'))).status).toBe(404);

    const resurrected = await bridgeportJson<RestoreReport>('restore', '--include-deleted');
    expect(resurrected.code).toBe(0);
    expect(outcomes(resurrected.report)).toMatchObject({
      'registry short_lived': 'created',
      'table short_lived': 'created',
      'table short_lived v1': 'created',
      'manifests short_lived v1': 'created',
    });
    await settle(world.runtime);
    expect((await call('GET', world.portal('/events/short_lived'))).status).toBe(200);
    const published = await call(
      'POST',
      world.broker('/short_lived/1'),
      { metadata: { event_attributes: { source: 's', target: 't' } }, data: {} },
      await producerKey(world.runtime.portalUrl, 'short_lived'),
    );
    expect(published.status).toBe(200);
  });

  it('reports each bad backup with its key and still restores the other event types', async () => {
    const put = (key: string, body: string) =>
      world.clients.s3.send(new PutObjectCommand({ Bucket: NAMES.backups, Key: key, Body: body }));
    const good = JSON.stringify({
      format: 1,
      event_type: 'gapped',
      version: 1,
      application: 'a',
      description: 'd',
      connection_type: 'HTTPS',
      detail_type: 'gapped.1',
      created_at: '2026-12-01T00:00:00.000Z',
      schema: { type: 'object' },
      data: { type: 'object' },
    });
    await put('truncated/v1.json', good.slice(0, 40));
    await put('future/v1.json', good.replace('"format":1', '"format":2'));
    await put('gapped/v1.json', good);
    await put('gapped/v3.json', good.replace('"version":1', '"version":3').replace('gapped.1', 'gapped.3'));
    await emptyTable(world);
    try {
      const restored = await bridgeportJson<RestoreReport>('restore', '--table', '--include-deleted');
      expect(restored.code).toBe(1);
      const failed = restored.report.items.filter((item) => item.outcome === 'failed');
      expect(failed.map((item) => [item.key, item.detail?.split(';')[0]])).toEqual([
        ['future/v1.json', 'backup has an unknown format 2 (expected 1)'],
        ['gapped/v2.json', 'backup is missing: versions 1 to 3 are expected, this one has no backup'],
        ['truncated/v1.json', expect.stringMatching(/^backup is not valid JSON \(truncated\?\)/)],
      ]);
      expect(outcomes(restored.report)).toMatchObject({
        'table scanned_parcel': 'created',
        'table order_placed': 'created',
      });
      expect((await call('GET', world.portal('/events/scanned_parcel/versions/3'))).status).toBe(200);
    } finally {
      for (const key of ['truncated/v1.json', 'future/v1.json', 'gapped/v1.json', 'gapped/v3.json']) {
        await world.clients.s3.send(new DeleteObjectCommand({ Bucket: NAMES.backups, Key: key }));
      }
    }
  });

  it('answers 2 for bad arguments, naming the mistake', async () => {
    const result = await bridgeport('restore', '--as-of', 'last tuesday');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--as-of "last tuesday" must be an ISO-8601 time with a zone');
  });
});
