import { DeleteObjectCommand } from '@aws-sdk/client-s3';
import { UpdateSchemaCommand } from '@aws-sdk/client-schemas';
import { DeleteCommand } from '@aws-sdk/lib-dynamodb';
import { consumerManifestKey, schemaBackupKey, versionKey } from '@bridgeport/core';
import type { AuditReport, RestoreReport } from '@bridgeport/ops';
import {
  bridgeport,
  bridgeportJson,
  NAMES,
  publishAndReceive,
  startWorld,
  tableSnapshot,
  type World,
} from './ops-support';
import { settle, waitFor } from './support';

describe('bridgeport audit against the local runtime', () => {
  let world: World;

  beforeAll(async () => {
    world = await startWorld('audit');
  }, 60_000);

  afterAll(async () => {
    await world?.close();
  });

  it('finds no drift where every store agrees, and exits 0', async () => {
    const result = await bridgeport('audit');
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(
      'Audit of environment e2e: 2 event type(s), 5 version(s), 3 subscription(s)\nNo drift: the backups, the registry, the table and the manifests agree.\n',
    );
    expect(result.stderr).toContain('audit: 2 of 2 (scanned_parcel)');
  });

  it('reports each planted drift with its kind and the command that fixes it, writes nothing, and finds none after the fixes', async () => {
    const { clients, subscriptions } = world;
    // A registry schema edited by hand.
    await clients.schemas.send(
      new UpdateSchemaCommand({
        RegistryName: NAMES.registry,
        SchemaName: 'scanned_parcel',
        Type: 'JSONSchemaDraft4',
        Content: JSON.stringify({ type: 'object', title: 'edited' }),
      }),
    );
    // A table record removed.
    await clients.dynamo.send(
      new DeleteCommand({ TableName: NAMES.table, Key: versionKey('scanned_parcel', 2) }),
    );
    // A consumer manifest removed (the local deployer takes its rule down).
    await clients.s3.send(
      new DeleteObjectCommand({
        Bucket: NAMES.subscriber,
        Key: consumerManifestKey('scanned_parcel', 1, subscriptions.parcel_v1 as string),
      }),
    );
    // A backup removed.
    await clients.s3.send(
      new DeleteObjectCommand({ Bucket: NAMES.backups, Key: schemaBackupKey('order_placed', 1) }),
    );
    await settle(world.runtime);
    const table = await tableSnapshot(world);

    const { code, report } = await bridgeportJson<AuditReport>('audit');
    expect(code).toBe(1);
    expect(report.drifts.map((drift) => [drift.kind, drift.subject, drift.key])).toEqual([
      ['backup-missing', 'order_placed', 'order_placed/v1.json'],
      ['registry-different', 'scanned_parcel', undefined],
      ['record-missing', 'scanned_parcel v2', undefined],
      ['record-without-manifest', `subscription ${subscriptions.parcel_v1}`, undefined],
    ]);
    expect(report.drifts.map((drift) => drift.fix)).toEqual([
      'bridgeport restore --env e2e --backups',
      'bridgeport restore --env e2e --registry --force',
      'bridgeport restore --env e2e --table',
      'bridgeport restore --env e2e --table',
    ]);
    expect(report.drifts[1]?.detail).toBe('registry versions 4 come after the last backed-up version v3');
    // Read-only: the audit wrote nothing.
    expect(await tableSnapshot(world)).toEqual(table);
    expect((await bridgeportJson<AuditReport>('audit')).report).toEqual(report);

    // Each fix, as the report names it, in its order.
    for (const fix of [...new Set(report.drifts.map((drift) => drift.fix))]) {
      const args = fix.split(' ').slice(4);
      const fixed = await bridgeportJson<RestoreReport>('restore', ...args);
      expect(fixed.code).toBe(0);
    }
    const clean = await bridgeport('audit');
    expect(clean.stdout).toContain('No drift');
    expect(clean.code).toBe(0);

    await settle(world.runtime);
    await waitFor('the consumer rule to be back', async () => {
      await publishAndReceive(world, 'scanned_parcel', 1, '/parcel-v1', { parcel_id: 'a1', weight_kg: 1 });
      return true;
    });
  });
});
