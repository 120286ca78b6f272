import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { silentLogger } from '@bridgeport/edge';
import { mockClient } from 'aws-sdk-client-mock';
import { type ForwardBatchOptions, forwardBatch, summarizeProblems } from '../src/forwarder';
import { resolveProducer } from '../src/producers';
import { parcelEvent, parcelManifest } from './support/fixtures';

const eventBridgeMock = mockClient(EventBridgeClient);
const sqsMock = mockClient(SQSClient);
const DLQ_URL = 'https://sqs.eu-west-1.amazonaws.com/123456789012/dev-parcel_registered-v1-ingress-dlq';

const options = (overrides: Partial<ForwardBatchOptions> = {}): ForwardBatchOptions => ({
  producer: resolveProducer(parcelManifest({ connection_type: 'SQS' })),
  eventBridge: new EventBridgeClient({ region: 'eu-west-1' }),
  sqs: new SQSClient({ region: 'eu-west-1' }),
  deadLetterQueueUrl: DLQ_URL,
  logger: silentLogger,
  ...overrides,
});

const message = (messageId: string, body: unknown) => ({
  messageId,
  body: typeof body === 'string' ? body : JSON.stringify(body),
});

/** PutEvents accepts every entry, numbering the ids across calls. */
function acceptEverything(): void {
  let next = 0;
  eventBridgeMock.on(PutEventsCommand).callsFake((input: { Entries: PutEventsRequestEntry[] }) => ({
    FailedEntryCount: 0,
    Entries: input.Entries.map(() => ({ EventId: `evt-${next++}` })),
  }));
}

function sentEntries(): PutEventsRequestEntry[][] {
  return eventBridgeMock.commandCalls(PutEventsCommand).map((call) => call.args[0].input.Entries ?? []);
}

describe('forwardBatch', () => {
  beforeEach(() => {
    eventBridgeMock.reset();
    sqsMock.reset();
    sqsMock.on(SendMessageCommand).resolves({ MessageId: 'dlq-1' });
  });

  it('puts valid messages on the bus and sends invalid ones to the dead-letter queue with their problems', async () => {
    acceptEverything();
    const messages = [
      message('m1', parcelEvent('P1')),
      message('m2', '{not json'),
      message('m3', parcelEvent('P3')),
      message('m4', parcelEvent('bad-id')),
    ];

    const result = await forwardBatch(messages, options());

    expect(result.batchItemFailures).toEqual([]);
    expect(result.published).toEqual(['m1', 'm3']);
    expect(result.deadLettered.sort()).toEqual(['m2', 'm4']);
    expect(sentEntries()).toEqual([
      [
        {
          EventBusName: 'dev.custom.events.bus',
          Source: 'parcels',
          DetailType: 'parcel_registered.1',
          Detail: JSON.stringify(parcelEvent('P1')),
        },
        {
          EventBusName: 'dev.custom.events.bus',
          Source: 'parcels',
          DetailType: 'parcel_registered.1',
          Detail: JSON.stringify(parcelEvent('P3')),
        },
      ],
    ]);
    const dlq = sqsMock.commandCalls(SendMessageCommand).map((call) => call.args[0].input);
    const invalid = dlq.find((input) => input.MessageAttributes?.SOURCE_MESSAGE_ID?.StringValue === 'm4');
    expect(invalid?.QueueUrl).toBe(DLQ_URL);
    expect(invalid?.MessageBody).toBe(JSON.stringify(parcelEvent('bad-id')));
    expect(invalid?.MessageAttributes?.ERROR_CODE?.StringValue).toBe('VALIDATION_FAILED');
    const problems = JSON.parse(invalid?.MessageAttributes?.VALIDATION_ERRORS?.StringValue ?? '[]');
    expect(problems).toEqual([{ path: '$.data.parcel_id', message: expect.stringContaining('must match') }]);
    const malformed = dlq.find((input) => input.MessageAttributes?.SOURCE_MESSAGE_ID?.StringValue === 'm2');
    expect(malformed?.MessageBody).toBe('{not json');
    expect(malformed?.MessageAttributes?.ERROR_CODE?.StringValue).toBe('MALFORMED_JSON');
  });

  it('sends at most 10 entries per PutEvents request', async () => {
    acceptEverything();
    const messages = Array.from({ length: 25 }, (_, i) => message(`m${i}`, parcelEvent(`P${i}`)));

    const result = await forwardBatch(messages, options());

    expect(sentEntries().map((entries) => entries.length)).toEqual([10, 10, 5]);
    expect(result.published).toHaveLength(25);
    expect(result.batchItemFailures).toEqual([]);
  });

  it('splits requests so that each stays within the size limit', async () => {
    acceptEverything();
    const messages = Array.from({ length: 5 }, (_, i) =>
      message(`m${i}`, parcelEvent(`P${i}`, { note: 'n'.repeat(150) })),
    );
    const entrySize =
      'parcels'.length +
      'parcel_registered.1'.length +
      JSON.stringify(parcelEvent('P0', { note: 'n'.repeat(150) })).length;

    await forwardBatch(messages, options({ maxEventSizeBytes: entrySize * 2 + 1 }));

    expect(sentEntries().map((entries) => entries.length)).toEqual([2, 2, 1]);
  });

  it('reports only the refused entries as batch item failures', async () => {
    eventBridgeMock.on(PutEventsCommand).resolves({
      FailedEntryCount: 1,
      Entries: [
        { EventId: 'evt-1' },
        { ErrorCode: 'ThrottlingException', ErrorMessage: 'Rate exceeded' },
        { EventId: 'evt-3' },
      ],
    });
    const messages = ['m1', 'm2', 'm3'].map((id, i) => message(id, parcelEvent(`P${i}`)));

    const result = await forwardBatch(messages, options());

    expect(result.batchItemFailures).toEqual([{ itemIdentifier: 'm2' }]);
    expect(result.published).toEqual(['m1', 'm3']);
  });

  it('retries every message of a PutEvents request that failed, and only those', async () => {
    const throttled = Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
    let call = 0;
    eventBridgeMock.on(PutEventsCommand).callsFake((input: { Entries: PutEventsRequestEntry[] }) => {
      call += 1;
      if (call === 1) throw throttled;
      return { FailedEntryCount: 0, Entries: input.Entries.map((_, i) => ({ EventId: `evt-${i}` })) };
    });
    const messages = Array.from({ length: 12 }, (_, i) => message(`m${i}`, parcelEvent(`P${i}`)));

    const result = await forwardBatch(messages, options());

    expect(result.batchItemFailures.map((failure) => failure.itemIdentifier)).toEqual(
      Array.from({ length: 10 }, (_, i) => `m${i}`),
    );
    expect(result.published).toEqual(['m10', 'm11']);
  });

  it('sends an event over the size limit to the dead-letter queue instead of the bus', async () => {
    acceptEverything();
    const messages = [
      message('big', parcelEvent('P1', { note: 'x'.repeat(2000) })),
      message('ok', parcelEvent('P2')),
    ];

    const result = await forwardBatch(messages, options({ maxEventSizeBytes: 1000 }));

    expect(result.deadLettered).toEqual(['big']);
    expect(result.published).toEqual(['ok']);
    expect(sentEntries()).toHaveLength(1);
    const [dlq] = sqsMock.commandCalls(SendMessageCommand).map((call) => call.args[0].input);
    expect(dlq?.MessageAttributes?.ERROR_CODE?.StringValue).toBe('EVENT_TOO_LARGE');
    expect(dlq?.MessageAttributes?.ERROR_MESSAGE?.StringValue).toMatch(
      /^The event is \d+ bytes; the limit is 1000 bytes$/,
    );
  });

  it('retries an invalid message when the dead-letter queue cannot take it', async () => {
    sqsMock.on(SendMessageCommand).rejects(Object.assign(new Error('down'), { name: 'ServiceUnavailable' }));

    const result = await forwardBatch([message('m1', parcelEvent('nope'))], options());

    expect(result.batchItemFailures).toEqual([{ itemIdentifier: 'm1' }]);
    expect(result.deadLettered).toEqual([]);
  });
});

describe('summarizeProblems', () => {
  it('keeps every problem when they fit', () => {
    const problems = [{ path: '$.data.a', message: 'is required' }];

    expect(JSON.parse(summarizeProblems(problems))).toEqual(problems);
  });

  it('cuts a long list within 8 KB and says how many were left out', () => {
    const problems = Array.from({ length: 500 }, (_, i) => ({
      path: `$.data.field_${i}`,
      message: 'is required',
    }));

    const text = summarizeProblems(problems);

    expect(text.length).toBeLessThanOrEqual(8 * 1024);
    const summary = JSON.parse(text) as { path: string; message: string }[];
    const last = summary[summary.length - 1];
    expect(last?.message).toBe(`and ${500 - (summary.length - 1)} more`);
  });
});
