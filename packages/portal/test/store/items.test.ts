import { type AttributeValue, DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { eventTypeKey, subscriptionKey, versionKey } from '@bridgeport/core';
import { EventStore } from '../../src/store/event-store';
import { MalformedItemError } from '../../src/store/store-errors';
import { call } from '../support/api';
import { type Portal, portalOn } from '../support/fixtures';
import { type Harness, startHarness } from '../support/harness';

let harness: Harness;
let store: EventStore;
let raw: DynamoDBClient;
let portal: Portal;

beforeAll(async () => {
  harness = await startHarness();
  store = new EventStore({ tableName: harness.config.tableName, client: harness.clients.dynamo });
  // Items are written in DynamoDB's own wire format, as another writer (or a corruption) would leave them.
  raw = new DynamoDBClient({});
  portal = portalOn(harness);
});

afterAll(async () => {
  raw.destroy();
  await harness.stop();
});

const S = (value: string): AttributeValue => ({ S: value });
const N = (value: number): AttributeValue => ({ N: String(value) });

async function putRaw(item: Record<string, AttributeValue>): Promise<void> {
  await raw.send(new PutItemCommand({ TableName: harness.config.tableName, Item: item }));
}

function keyOf(key: Record<string, string>): Record<string, AttributeValue> {
  return Object.fromEntries(Object.entries(key).map(([name, value]) => [name, S(value)]));
}

function eventTypeItem(eventType: string): Record<string, AttributeValue> {
  return {
    ...keyOf(eventTypeKey(eventType)),
    entity: S('EVENT_TYPE'),
    event_type: S(eventType),
    application: S('orders'),
    description: S('d'),
    connection_type: S('SQS'),
    latest_version: N(1),
    revision: N(1),
    state: S('READY'),
    created_at: S('2026-11-26T08:00:00.000Z'),
    updated_at: S('2026-11-26T08:00:00.000Z'),
  };
}

function versionItem(eventType: string): Record<string, AttributeValue> {
  return {
    ...keyOf(versionKey(eventType, 1)),
    entity: S('EVENT_VERSION'),
    event_type: S(eventType),
    version: N(1),
    application: S('orders'),
    description: S('d'),
    connection_type: S('SQS'),
    data_schema_json: S('{"type":"object"}'),
    envelope_schema_json: S('{"type":"object"}'),
    state: S('READY'),
    status: S('ACTIVE'),
    status_updated_at: S('2026-11-26T08:00:00.000Z'),
    created_at: S('2026-11-26T08:00:00.000Z'),
    request_digest: S('digest'),
  };
}

function subscriptionItem(id: string): Record<string, AttributeValue> {
  return {
    ...keyOf(subscriptionKey(id)),
    entity: S('SUBSCRIPTION'),
    id: S(id),
    event_type: S('order_created'),
    version: N(1),
    application: S('orders'),
    team: S('shipping'),
    connection_type: S('LAMBDA'),
    connection_string: S('arn:aws:lambda:us-east-1:123456789012:function:ship'),
    retry_policy: { M: { maximum_event_age_seconds: N(3600), maximum_retry_attempts: N(3) } },
    state: S('READY'),
    status: S('ACTIVE'),
    created_at: S('2026-11-26T08:00:00.000Z'),
    updated_at: S('2026-11-26T08:00:00.000Z'),
    request_digest: S('digest'),
  };
}

/** The error a read rejects with, for its assertions. */
async function failureOf(read: Promise<unknown>): Promise<MalformedItemError> {
  const error = await read.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(MalformedItemError);
  return error as MalformedItemError;
}

describe('reading items back into records', () => {
  it('reads well-formed items of each record as they were written', async () => {
    await putRaw(eventTypeItem('well_formed'));
    await putRaw(versionItem('well_formed'));
    await putRaw(subscriptionItem('aaaaaaaaaaaa'));

    expect(await store.getEventType('well_formed')).toMatchObject({ revision: 1, subscription_ids: [] });
    expect(await store.getVersion('well_formed', 1)).toMatchObject({ data_schema: { type: 'object' } });
    expect(await store.listVersions('well_formed')).toEqual([
      { version: 1, state: 'READY', status: 'ACTIVE', created_at: '2026-11-26T08:00:00.000Z' },
    ]);
    expect(await store.getSubscription('aaaaaaaaaaaa')).toMatchObject({
      retry_policy: { maximum_event_age_seconds: 3600, maximum_retry_attempts: 3 },
    });
  });

  it('names the key and the field of an event type item that lacks a field', async () => {
    const { revision: _revision, ...item } = eventTypeItem('no_revision');
    await putRaw(item);

    const error = await failureOf(store.getEventType('no_revision'));

    expect(error.field).toBe('revision');
    expect(error.partitionKey).toBe('EVENT_TYPE#no_revision');
    expect(error.sortKey).toBe('#META');
    expect(error.message).toBe(
      'Item PK=EVENT_TYPE#no_revision SK=#META is malformed: field revision is missing (expected a number)',
    );
  });

  it('names a field of the wrong type and a value outside its vocabulary', async () => {
    await putRaw({ ...eventTypeItem('text_version'), latest_version: S('1') });
    await putRaw({ ...eventTypeItem('odd_state'), state: S('HALF_DONE') });

    const wrongType = await failureOf(store.getEventType('text_version'));
    const outside = await failureOf(store.getEventType('odd_state'));

    expect(wrongType.field).toBe('latest_version');
    expect(wrongType.message).toContain('field latest_version is a string, not a number');
    expect(outside.field).toBe('state');
    expect(outside.message).toContain('field state is "HALF_DONE", not one of CREATING, READY, DELETING');
  });

  it('names a version whose schema text is not JSON, and a listed version without a status', async () => {
    await putRaw({ ...versionItem('broken_schema'), data_schema_json: S('{"type":') });
    const { status: _status, ...statusless } = versionItem('no_status');
    await putRaw(statusless);

    const schema = await failureOf(store.getVersion('broken_schema', 1));
    const listed = await failureOf(store.listVersions('no_status'));

    expect(schema.field).toBe('data_schema_json');
    expect(schema.sortKey).toBe('VERSION#0000000001');
    expect(listed.field).toBe('status');
    expect(listed.partitionKey).toBe('EVENT_TYPE#no_status');
  });

  it("reads a version's compatibility report back, and names one that is not a report", async () => {
    const report = {
      M: {
        backward_compatible: { BOOL: false },
        changes: {
          L: [{ M: { path: S('$.data.weight'), change: S('removed'), compatible: { BOOL: false } } }],
        },
      },
    };
    await putRaw({ ...versionItem('reported'), compatibility: report });
    await putRaw({
      ...versionItem('misreported'),
      compatibility: { M: { backward_compatible: S('no'), changes: { L: [] } } },
    });

    expect((await store.getVersion('reported', 1))?.compatibility).toEqual({
      backward_compatible: false,
      changes: [{ path: '$.data.weight', change: 'removed', compatible: false }],
    });
    const error = await failureOf(store.getVersion('misreported', 1));
    expect(error.field).toBe('compatibility');
    expect(error.message).toContain('is not a compatibility report');
  });

  it('names the member of a subscription retry policy that is not a number', async () => {
    await putRaw({
      ...subscriptionItem('bbbbbbbbbbbb'),
      retry_policy: { M: { maximum_event_age_seconds: N(3600), maximum_retry_attempts: S('three') } },
    });

    const single = await failureOf(store.getSubscription('bbbbbbbbbbbb'));
    const batch = await failureOf(store.getSubscriptions(['aaaaaaaaaaaa', 'bbbbbbbbbbbb']));

    expect(single.field).toBe('retry_policy.maximum_retry_attempts');
    expect(single.partitionKey).toBe('SUBSCRIPTION#bbbbbbbbbbbb');
    expect(batch.field).toBe('retry_policy.maximum_retry_attempts');
  });

  it('answers a malformed item with a 500 and logs which field of which item', async () => {
    const { description: _description, ...item } = eventTypeItem('no_description');
    await putRaw(item);

    const response = await call(portal.events, {
      method: 'GET',
      resource: '/events/{event_type}',
      pathParameters: { event_type: 'no_description' },
    });

    expect(response.statusCode).toBe(500);
    expect(response.body).toEqual({ message: 'Internal server error' });
    const logged = portal.errors.at(-1)?.fields.error;
    expect(logged).toBeInstanceOf(MalformedItemError);
    expect((logged as MalformedItemError).field).toBe('description');
  });
});
