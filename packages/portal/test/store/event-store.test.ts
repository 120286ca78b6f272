import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { versionKey } from '@bridgeport/core';
import { EventStore } from '../../src/store/event-store';
import { type Harness, startHarness } from '../support/harness';

let harness: Harness;
let store: EventStore;

beforeAll(async () => {
  harness = await startHarness();
  store = new EventStore({
    tableName: harness.config.tableName,
    client: harness.clients.dynamo,
    now: () => new Date('2026-11-26T08:00:00.000Z'),
  });
});

afterAll(async () => {
  await harness.stop();
});

async function readyType(eventType: string): Promise<void> {
  const begun = await store.beginEventTypeCreation(
    {
      event_type: eventType,
      application: 'orders',
      description: 'd',
      connection_type: 'SQS',
      digest: 'digest-1',
      owner: 'owner-1',
      leaseUntil: '2026-11-26T08:02:00.000Z',
    },
    undefined,
  );
  expect(begun.ok).toBe(true);
  await store.putPendingVersion({
    event_type: eventType,
    version: 1,
    application: 'orders',
    description: 'd',
    connection_type: 'SQS',
    data_schema: { type: 'object' },
    envelope_schema: { type: 'object' },
    request_digest: 'digest-1',
    owner: 'owner-1',
    fence: 1,
  });
  await store.completeVersionRecord({ eventType, version: 1, owner: 'owner-1', registryVersion: '1' });
  await store.completeVersion({ eventType, version: 1, owner: 'owner-1' });
}

describe('EventStore', () => {
  it('records the producer status of a version, with and without a reason', async () => {
    await readyType('order_created');

    const failed = await store.setProducerStatus('order_created', 1, 'FAILED', 'CREATE_FAILED: queue');
    const afterFailure = await store.getVersion('order_created', 1);
    await store.setProducerStatus('order_created', 1, 'ACTIVE');
    const afterSuccess = await store.getVersion('order_created', 1);

    expect(failed).toBe(true);
    expect(afterFailure).toMatchObject({ status: 'FAILED', status_reason: 'CREATE_FAILED: queue' });
    expect(afterSuccess?.status).toBe('ACTIVE');
    expect(afterSuccess?.status_reason).toBeUndefined();
  });

  it('writes no status for a version or a subscription that does not exist', async () => {
    const producer = await store.setProducerStatus('no_such_event', 3, 'ACTIVE');
    const consumer = await store.setSubscriptionStatus('abcdefabcdef', 'ACTIVE');

    expect(producer).toBe(false);
    expect(consumer).toBe(false);
    expect(await store.getVersion('no_such_event', 3)).toBeUndefined();
    expect(await store.getSubscription('abcdefabcdef')).toBeUndefined();
  });

  it('refuses a second creation of a completed event type', async () => {
    await readyType('order_paid');

    const again = await store.beginEventTypeCreation(
      {
        event_type: 'order_paid',
        application: 'orders',
        description: 'd',
        connection_type: 'SQS',
        digest: 'digest-2',
        owner: 'owner-2',
        leaseUntil: '2026-11-26T08:02:00.000Z',
      },
      await store.getEventType('order_paid'),
    );

    expect(again.ok).toBe(false);
    expect(await store.getEventType('order_paid')).toMatchObject({ state: 'READY', latest_version: 1 });
  });

  it('lets nobody take over a creation whose lease has not run out, and anybody once it has', async () => {
    const creation = (owner: string, leaseUntil: string) => ({
      event_type: 'order_leased',
      application: 'orders',
      description: owner,
      connection_type: 'SQS' as const,
      digest: owner,
      owner,
      leaseUntil,
    });
    const first = await store.beginEventTypeCreation(creation('a', '2026-11-26T08:00:30.000Z'), undefined);
    const read = await store.getEventType('order_leased');

    const whileLeased = await store.beginEventTypeCreation(creation('b', '2026-11-26T08:02:00.000Z'), read);
    const secondFirst = await store.beginEventTypeCreation(
      creation('c', '2026-11-26T08:02:00.000Z'),
      undefined,
    );
    const later = new EventStore({
      tableName: harness.config.tableName,
      client: harness.clients.dynamo,
      now: () => new Date('2026-11-26T08:01:00.000Z'),
    });
    const afterLease = await later.beginEventTypeCreation(creation('d', '2026-11-26T08:03:00.000Z'), read);
    const staleRead = await later.beginEventTypeCreation(creation('e', '2026-11-26T08:03:00.000Z'), read);

    expect(first.ok).toBe(true);
    expect(whileLeased.ok).toBe(false);
    expect(secondFirst.ok).toBe(false);
    expect(afterLease.ok).toBe(true);
    expect(staleRead.ok).toBe(false);
    expect(await store.getEventType('order_leased')).toMatchObject({ owner: 'd', fence: 2 });
  });

  it('keeps a version record written under a newer fence from being overwritten by an older owner', async () => {
    const version = (owner: string, fence: number) => ({
      event_type: 'order_fenced',
      version: 1,
      application: 'orders',
      description: owner,
      connection_type: 'SQS' as const,
      data_schema: { type: 'object' },
      envelope_schema: { type: 'object' },
      request_digest: owner,
      owner,
      fence,
    });

    const newer = await store.putPendingVersion(version('new', 2));
    const older = await store.putPendingVersion(version('old', 1));
    const completedByOlder = await store.completeVersionRecord({
      eventType: 'order_fenced',
      version: 1,
      owner: 'old',
      registryVersion: '1',
    });

    expect(newer.ok).toBe(true);
    expect(older.ok).toBe(false);
    expect(completedByOlder.ok).toBe(false);
    expect(await store.getVersion('order_fenced', 1)).toMatchObject({ owner: 'new', state: 'CREATING' });
  });

  it('refuses a subscription on an event type that is being deleted', async () => {
    await readyType('order_gone');
    await store.beginEventTypeDeletion('order_gone');

    const attached = await store.attachSubscription('order_gone', 'abcdefabcdef');

    expect(attached.ok).toBe(false);
  });

  it('keeps the status of a later deployment event when an older one arrives late', async () => {
    await readyType('order_ordered');

    const active = await store.setProducerStatus(
      'order_ordered',
      1,
      'ACTIVE',
      undefined,
      '2026-11-26T07:59:30Z',
    );
    const lateStart = await store.setProducerStatus(
      'order_ordered',
      1,
      'DEPLOYING',
      undefined,
      '2026-11-26T07:58:00Z',
    );
    const afterLateStart = await store.getVersion('order_ordered', 1);
    const later = await store.setProducerStatus(
      'order_ordered',
      1,
      'FAILED',
      'rollback',
      '2026-11-26T07:59:45Z',
    );
    const afterLater = await store.getVersion('order_ordered', 1);

    expect(active).toBe(true);
    expect(lateStart).toBe(false);
    expect(afterLateStart).toMatchObject({ status: 'ACTIVE' });
    expect(later).toBe(true);
    expect(afterLater).toMatchObject({ status: 'FAILED', status_reason: 'rollback' });
  });

  it('lets an outcome, never a start, replace a status of the same second', async () => {
    await readyType('order_same_second');
    const at = '2026-11-26T07:59:30.000Z';

    await store.setProducerStatus('order_same_second', 1, 'DEPLOYING', undefined, at);
    const outcome = await store.setProducerStatus('order_same_second', 1, 'ACTIVE', undefined, at);
    const start = await store.setProducerStatus('order_same_second', 1, 'DEPLOYING', undefined, at);

    expect(outcome).toBe(true);
    expect(start).toBe(false);
    expect(await store.getVersion('order_same_second', 1)).toMatchObject({ status: 'ACTIVE' });
  });

  it('writes a status given without an event time whatever was recorded before', async () => {
    await readyType('order_untimed');
    await store.setProducerStatus('order_untimed', 1, 'ACTIVE', undefined, '2026-11-26T07:59:30Z');

    const written = await store.setProducerStatus('order_untimed', 1, 'DELETING');

    expect(written).toBe(true);
    expect(await store.getVersion('order_untimed', 1)).toMatchObject({ status: 'DELETING' });
  });

  it('orders subscription statuses by their event time and refuses unknown subscriptions', async () => {
    const missing = await store.setSubscriptionStatus(
      'nnnnnnnnnnnn',
      'ACTIVE',
      undefined,
      '2026-11-26T07:59:30Z',
    );

    expect(missing).toBe(false);
  });

  it('treats an expired subscription claim as absent and a live one as taken', async () => {
    const dayBefore = new EventStore({
      tableName: harness.config.tableName,
      client: harness.clients.dynamo,
      now: () => new Date('2026-11-25T07:00:00.000Z'),
    });
    const expired = { eventType: 'order_claimed', version: 1, digest: 'expired' };
    const live = { eventType: 'order_claimed', version: 1, digest: 'live' };
    await dayBefore.claimSubscription(expired, 'aaaaaaaaaaaa');
    await store.claimSubscription(live, 'bbbbbbbbbbbb');

    const afterExpiry = await store.claimSubscription(expired, 'cccccccccccc');
    const whileLive = await store.claimSubscription(live, 'dddddddddddd');

    expect(afterExpiry).toBe('cccccccccccc');
    expect(whileLive).toBe('bbbbbbbbbbbb');
  });

  it('keeps schemas as JSON text, so that any property name survives the round trip', async () => {
    const data = JSON.parse(
      '{"type":"object","properties":{"__proto__":{"type":"string"},"constructor":{}}}',
    );
    await store.putPendingVersion({
      event_type: 'odd_names',
      version: 1,
      application: 'orders',
      description: 'd',
      connection_type: 'SQS',
      data_schema: data,
      envelope_schema: { type: 'object', properties: { data } },
      request_digest: 'digest-1',
      owner: 'owner-1',
      fence: 1,
    });

    const item = await harness.clients.dynamo.send(
      new GetCommand({ TableName: harness.config.tableName, Key: versionKey('odd_names', 1) }),
    );
    const version = await store.getVersion('odd_names', 1);

    expect(typeof item.Item?.data_schema_json).toBe('string');
    expect(item.Item?.data_schema).toBeUndefined();
    expect(JSON.stringify(version?.data_schema)).toBe(JSON.stringify(data));
  });

  it('still reads version records that hold their schemas as maps', async () => {
    await harness.clients.dynamo.send(
      new PutCommand({
        TableName: harness.config.tableName,
        Item: {
          ...versionKey('old_record', 1),
          entity: 'EVENT_VERSION',
          event_type: 'old_record',
          version: 1,
          application: 'orders',
          description: 'd',
          connection_type: 'SQS',
          data_schema: { type: 'object', properties: { id: { type: 'string' } } },
          envelope_schema: { type: 'object' },
          state: 'READY',
          status: 'ACTIVE',
          status_updated_at: '2026-11-26T07:00:00.000Z',
          created_at: '2026-11-26T07:00:00.000Z',
          request_digest: 'digest-1',
        },
      }),
    );

    expect(await store.getVersion('old_record', 1)).toMatchObject({
      data_schema: { type: 'object', properties: { id: { type: 'string' } } },
      envelope_schema: { type: 'object' },
    });
  });
});
