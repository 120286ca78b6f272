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
  const begun = await store.beginEventTypeCreation({
    event_type: eventType,
    application: 'orders',
    description: 'd',
    connection_type: 'SQS',
    digest: 'digest-1',
  });
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
  });
  await store.completeVersionRecord(eventType, 1);
  await store.completeVersion({ eventType, version: 1, digest: 'digest-1' });
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

    const again = await store.beginEventTypeCreation({
      event_type: 'order_paid',
      application: 'orders',
      description: 'd',
      connection_type: 'SQS',
      digest: 'digest-2',
    });

    expect(again.ok).toBe(false);
  });

  it('refuses a subscription on an event type that is being deleted', async () => {
    await readyType('order_gone');
    await store.beginEventTypeDeletion('order_gone');

    const attached = await store.attachSubscription('order_gone', 'abcdefabcdef');

    expect(attached.ok).toBe(false);
  });

  it('pages dead letters with a key', async () => {
    for (const second of ['01', '02', '03']) {
      await store.recordDeadLetter('qqqqqqqqqqqq', {
        event: { n: second },
        error_code: 'HTTP 500',
        error_message: 'Internal Server Error',
        attempts: 3,
        failed_at: `2026-11-26T07:00:${second}.000Z`,
      });
    }

    const first = await store.listDeadLetters('qqqqqqqqqqqq', { limit: 2 });
    const second = await store.listDeadLetters('qqqqqqqqqqqq', { limit: 2, startKey: first.nextKey });

    expect(first.items.map((item) => item.event)).toEqual([{ n: '01' }, { n: '02' }]);
    expect(second.items.map((item) => item.event)).toEqual([{ n: '03' }]);
    expect(second.nextKey).toBeUndefined();
  });
});
