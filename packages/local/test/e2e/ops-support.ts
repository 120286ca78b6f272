/** A local deployment with event types, versions and subscriptions, and the means to damage and inspect it. */

import { DeleteSchemaCommand } from '@aws-sdk/client-schemas';
import { BatchWriteCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import {
  BucketKind,
  bucketName,
  LOCAL_ACCOUNT_ID,
  LOCAL_REGION,
  schemaRegistryName,
  tableName,
} from '@bridgeport/core';
import { createOpsClients, type OpsClients, runAudit, runRestore } from '@bridgeport/ops';
import type { Bridgeport } from '../../src/runtime/bridgeport';
import {
  call,
  createEventType as createFirstVersion,
  PARCEL_DATA_SCHEMA,
  publish,
  type Sink,
  settle,
  startSink,
  startSuiteRuntime,
  subscribe as subscribeTo,
  waitFor,
} from './support';

export const ENV = 'e2e';
export const SCOPE = { environment: ENV, account: LOCAL_ACCOUNT_ID, region: LOCAL_REGION } as const;
export const NAMES = {
  table: tableName(ENV),
  registry: schemaRegistryName(ENV),
  backups: bucketName(BucketKind.SCHEMAS_BACKUP, SCOPE),
  publisher: bucketName(BucketKind.PUBLISHER, SCOPE),
  subscriber: bucketName(BucketKind.SUBSCRIBER, SCOPE),
} as const;

export interface World {
  readonly runtime: Bridgeport;
  readonly sink: Sink;
  readonly clients: OpsClients;
  /** Subscription ids by name: `parcel_v1`, `parcel_v3`, `order_v2`. */
  readonly subscriptions: Record<string, string>;
  portal(route: string): string;
  broker(route: string): string;
  close(): Promise<void>;
}

const ORDER_DATA = {
  type: 'object',
  required: ['order_id'],
  properties: { order_id: { type: 'string' } },
} as const;

/** The data schema of `scanned_parcel` version n (each version adds an optional field). */
function parcelData(version: number): Record<string, unknown> {
  const properties: Record<string, unknown> = { ...PARCEL_DATA_SCHEMA.properties };
  for (let added = 2; added <= version; added += 1) properties[`field_v${added}`] = { type: 'string' };
  return { ...PARCEL_DATA_SCHEMA, properties };
}

async function createEventType(
  world: Omit<World, 'subscriptions' | 'close'>,
  eventType: string,
  versions: readonly Record<string, unknown>[],
) {
  const [first, ...later] = versions;
  await createFirstVersion(world.runtime.portalUrl, eventType, {
    description: `${eventType} events`,
    data: first,
  });
  for (const [index, data] of later.entries()) {
    const updated = await call('PUT', world.portal(`/events/${eventType}`), {
      description: `${eventType} v${index + 2}`,
      data,
    });
    expect(updated.status).toBe(200);
  }
}

async function subscribe(
  world: Omit<World, 'subscriptions' | 'close'>,
  eventType: string,
  version: number,
  path: string,
  extra = {},
) {
  return subscribeTo(world.runtime.portalUrl, eventType, {
    version,
    connection_string: world.sink.url(path),
    ...extra,
  });
}

/**
 * Starts the runtime on a new data directory named for `suite` and creates two event types (3 and 2 versions) and
 * three subscriptions, all ACTIVE. `close` stops it and removes the directory.
 */
export async function startWorld(suite: string): Promise<World> {
  const sink = await startSink();
  const started = await startSuiteRuntime(suite, { environment: ENV, retryCapMs: 40 });
  const { runtime } = started;
  const base = {
    runtime,
    sink,
    clients: createOpsClients(LOCAL_REGION),
    portal: (route: string) => `${runtime.portalUrl}${route}`,
    broker: (route: string) => `${runtime.brokerUrl}${route}`,
  };
  await createEventType(base, 'scanned_parcel', [parcelData(1), parcelData(2), parcelData(3)]);
  await createEventType(base, 'order_placed', [
    ORDER_DATA,
    { ...ORDER_DATA, properties: { ...ORDER_DATA.properties, total: { type: 'number' } } },
  ]);
  const subscriptions = {
    parcel_v1: await subscribe(base, 'scanned_parcel', 1, '/parcel-v1'),
    parcel_v3: await subscribe(base, 'scanned_parcel', 3, '/parcel-v3', {
      target_unit: 'depot-7',
      filter: { weight_kg: [{ numeric: ['>', 10] }] },
      rate_limit_per_second: 25,
    }),
    order_v2: await subscribe(base, 'order_placed', 2, '/order-v2'),
  };
  await settle(runtime);
  return {
    ...base,
    subscriptions,
    close: async () => {
      base.clients.dynamo.destroy();
      await started.close();
      await sink.close();
    },
  };
}

/** Publishes to `/{eventType}/{version}` and waits until the sink receives it on `path`. */
export async function publishAndReceive(
  world: World,
  eventType: string,
  version: number,
  path: string,
  data: Record<string, unknown>,
  target = 'depot-7',
): Promise<void> {
  const before = world.sink.on(path).length;
  const published = await publish(world.runtime, eventType, data, { target, version });
  expect(published.status).toBe(200);
  await settle(world.runtime);
  await waitFor(`delivery to ${path}`, () => world.sink.on(path).length > before);
}

/** Fields the backups and manifests cannot give back; docs/operations.md lists them. */
const NOT_RESTORED: Record<string, readonly string[]> = {
  EVENT_TYPE: ['revision', 'fence', 'created_at', 'updated_at'],
  EVENT_VERSION: [
    'status',
    'status_updated_at',
    'status_event_at',
    'status_execution_id',
    'request_digest',
    'fence',
    'owner',
  ],
  SUBSCRIPTION: [
    'team',
    'created_at',
    'updated_at',
    'request_digest',
    'status_event_at',
    'status_execution_id',
  ],
};

export type TableSnapshot = Record<string, Record<string, unknown>>;

/** Event types, versions and subscriptions of the table by key, without the fields a restore cannot give back. */
export async function tableSnapshot(world: World): Promise<TableSnapshot> {
  const snapshot: TableSnapshot = {};
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await world.clients.dynamo.send(
      new ScanCommand({ TableName: NAMES.table, ExclusiveStartKey: startKey, ConsistentRead: true }),
    );
    for (const item of page.Items ?? []) {
      const omitted = NOT_RESTORED[String(item.entity)];
      if (omitted === undefined) continue;
      const kept = Object.fromEntries(
        Object.entries(item)
          .filter(([field]) => !omitted.includes(field))
          .map(([field, value]) => [field, value instanceof Set ? [...value].sort() : value]),
      );
      snapshot[`${item.PK} ${item.SK}`] = kept;
    }
    startKey = page.LastEvaluatedKey;
  } while (startKey !== undefined);
  return snapshot;
}

/** Removes every item of the table. */
export async function emptyTable(world: World): Promise<void> {
  const page = await world.clients.dynamo.send(
    new ScanCommand({ TableName: NAMES.table, ConsistentRead: true }),
  );
  const keys = (page.Items ?? []).map((item) => ({ PK: item.PK, SK: item.SK }));
  for (let start = 0; start < keys.length; start += 25) {
    await world.clients.dynamo.send(
      new BatchWriteCommand({
        RequestItems: {
          [NAMES.table]: keys.slice(start, start + 25).map((Key) => ({ DeleteRequest: { Key } })),
        },
      }),
    );
  }
}

export async function deleteSchema(world: World, name: string): Promise<void> {
  await world.clients.schemas.send(
    new DeleteSchemaCommand({ RegistryName: NAMES.registry, SchemaName: name }),
  );
}

export interface CommandResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `bridgeport restore|audit …` as the CLI does, against the runtime (through AWS_ENDPOINT_URL). */
export async function bridgeport(verb: 'restore' | 'audit', ...args: string[]): Promise<CommandResult> {
  let stdout = '';
  let stderr = '';
  const io = {
    stdout: (text: string) => (stdout += text),
    stderr: (text: string) => (stderr += text),
    env: process.env,
  };
  const code = await (verb === 'restore' ? runRestore : runAudit)(
    ['--env', ENV, '--account', LOCAL_ACCOUNT_ID, ...args],
    io,
  );
  return { code, stdout, stderr };
}

/** `bridgeport restore|audit … --json`, its report parsed. */
export async function bridgeportJson<T>(
  verb: 'restore' | 'audit',
  ...args: string[]
): Promise<CommandResult & { report: T }> {
  const result = await bridgeport(verb, ...args, '--json');
  return { ...result, report: JSON.parse(result.stdout) as T };
}
