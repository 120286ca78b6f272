import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  type DeadLetter,
  HttpTargetDispatcher,
  LambdaTargetDispatcher,
  LocalBus,
  type LocalBusOptions,
  LocalQueueStore,
  SqsTargetDispatcher,
  Topology,
} from '../../src/index';
import { startSink } from './fixtures/sink';

const BUS = 'local.custom.events.bus';
const PATTERN = JSON.stringify({ source: ['parcels'], 'detail-type': ['scanned_parcel.1'] });
const FAST = { baseMs: 2, capMs: 10 };

function entry(detail: object, source = 'parcels') {
  return {
    Source: source,
    DetailType: 'scanned_parcel.1',
    Detail: JSON.stringify(detail),
    EventBusName: BUS,
  };
}

describe('LocalBus', () => {
  let dataDir: string;
  const open: LocalBus[] = [];

  async function openBus(options: Partial<LocalBusOptions> = {}): Promise<LocalBus> {
    const bus = await LocalBus.open({ dataDir, backoff: FAST, ...options });
    open.push(bus);
    return bus;
  }

  async function subscribe(bus: LocalBus, arn: string, extra: Record<string, unknown> = {}): Promise<void> {
    await bus.topology.ensureEventBus(BUS);
    await bus.topology.putRule({ Name: 'scanned-parcel-sub', EventBusName: BUS, EventPattern: PATTERN });
    await bus.topology.putTargets({
      Rule: 'scanned-parcel-sub',
      EventBusName: BUS,
      Targets: [{ Id: 'consumer', Arn: arn, ...extra }],
    });
  }

  beforeEach(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'bridgeport-bus-'));
  });

  afterEach(async () => {
    for (const bus of open.splice(0)) await bus.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('POSTs the EventBridge event, in AWS key order, to a matching HTTPS target only', async () => {
    const sink = await startSink();
    const bus = await openBus({ dispatchers: [new HttpTargetDispatcher({ allowLoopbackTargets: true })] });
    await subscribe(bus, `${sink.url}/hook`, {
      HttpParameters: { HeaderParameters: { 'x-team': 'parcels' } },
    });

    const result = await bus.putEvents([
      entry({ data: { parcel_id: 'p-1' } }),
      entry({ data: {} }, 'other-app'),
    ]);
    await bus.whenIdle();
    await sink.close();

    expect(result.FailedEntryCount).toBe(0);
    expect(sink.received).toHaveLength(1);
    expect(sink.received[0].url).toBe('/hook');
    expect(sink.received[0].headers['x-team']).toBe('parcels');
    const delivered = JSON.parse(sink.received[0].body);
    expect(Object.keys(delivered)).toEqual([
      'version',
      'id',
      'detail-type',
      'source',
      'account',
      'time',
      'region',
      'resources',
      'detail',
    ]);
    expect(delivered).toMatchObject({
      version: '0',
      id: result.Entries[0].EventId,
      'detail-type': 'scanned_parcel.1',
      source: 'parcels',
      account: '000000000000',
      region: 'us-east-1',
      resources: [],
      detail: { data: { parcel_id: 'p-1' } },
    });
    expect(delivered.time).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
  });

  it('retries a consumer answering 500 and delivers once it recovers', async () => {
    const sink = await startSink((_request, index) => (index < 2 ? 500 : 200));
    const reports: string[] = [];
    const bus = await openBus({
      dispatchers: [new HttpTargetDispatcher({ allowLoopbackTargets: true })],
      onDelivery: (r) => reports.push(r.outcome),
    });
    await subscribe(bus, sink.url);

    await bus.putEvents([entry({ n: 1 })]);
    await bus.whenIdle();
    await sink.close();

    expect(sink.received).toHaveLength(3);
    expect(reports).toEqual(['retrying', 'retrying', 'delivered']);
    expect(bus.deadLetters?.list()).toEqual([]);
  });

  it.each([401, 407, 409, 429, 503])('treats HTTP %i as retryable', async (status) => {
    const sink = await startSink((_request, index) => (index === 0 ? status : 200));
    const bus = await openBus({ dispatchers: [new HttpTargetDispatcher({ allowLoopbackTargets: true })] });
    await subscribe(bus, sink.url);

    await bus.putEvents([entry({})]);
    await bus.whenIdle();
    await sink.close();

    expect(sink.received).toHaveLength(2);
  });

  it('dead-letters at once on a 400, with the error code, message and attempt count', async () => {
    const sink = await startSink(() => 400);
    const deadLetters: DeadLetter[] = [];
    const bus = await openBus({
      dispatchers: [new HttpTargetDispatcher({ allowLoopbackTargets: true })],
      deadLetterSink: (d) => void deadLetters.push(d),
    });
    await subscribe(bus, sink.url, {
      DeadLetterConfig: { Arn: 'arn:aws:sqs:us-east-1:000000000000:consumer-dlq' },
    });

    const result = await bus.putEvents([entry({ n: 1 })]);
    await bus.whenIdle();
    await sink.close();

    expect(sink.received).toHaveLength(1);
    expect(deadLetters).toHaveLength(1);
    expect(deadLetters[0]).toMatchObject({
      eventBusName: BUS,
      ruleName: 'scanned-parcel-sub',
      ruleArn: `arn:aws:events:us-east-1:000000000000:rule/${BUS}/scanned-parcel-sub`,
      targetId: 'consumer',
      targetArn: sink.url,
      deadLetterArn: 'arn:aws:sqs:us-east-1:000000000000:consumer-dlq',
      errorCode: 'HTTP_400',
      errorMessage: `${sink.url}/ answered HTTP 400: status 400`,
      attempts: 1,
    });
    expect(deadLetters[0].exhaustedRetryCondition).toBeUndefined();
    expect(deadLetters[0].event.id).toBe(result.Entries[0].EventId);
  });

  it('dead-letters after MaximumRetryAttempts retries and records it in the default store', async () => {
    const sink = await startSink(() => 502);
    const bus = await openBus({ dispatchers: [new HttpTargetDispatcher({ allowLoopbackTargets: true })] });
    await subscribe(bus, sink.url, {
      RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 60 },
    });

    await bus.putEvents([entry({})]);
    await bus.whenIdle();
    await sink.close();

    expect(sink.received).toHaveLength(3);
    expect(bus.deadLetters?.list()).toEqual([
      expect.objectContaining({
        errorCode: 'HTTP_502',
        attempts: 3,
        exhaustedRetryCondition: 'MaximumRetryAttempts',
      }),
    ]);
  });

  it('retries connection failures', async () => {
    const sink = await startSink();
    const url = sink.url;
    await sink.close();
    const deadLetters: DeadLetter[] = [];
    const bus = await openBus({
      dispatchers: [new HttpTargetDispatcher({ allowLoopbackTargets: true })],
      deadLetterSink: (d) => void deadLetters.push(d),
    });
    await subscribe(bus, url, { RetryPolicy: { MaximumRetryAttempts: 1 } });

    await bus.putEvents([entry({})]);
    await bus.whenIdle();

    expect(deadLetters).toEqual([
      expect.objectContaining({
        errorCode: 'CONNECTION_FAILURE',
        attempts: 2,
        exhaustedRetryCondition: 'MaximumRetryAttempts',
      }),
    ]);
    expect(deadLetters[0].errorMessage).toContain('ECONNREFUSED');
  });

  it('invokes a LAMBDA target through the loader and retries a handler that throws', async () => {
    const calls: { event: unknown; functionName: string }[] = [];
    const handler = async (event: unknown, context: { functionName: string }) => {
      calls.push({ event, functionName: context.functionName });
      if (calls.length === 1) throw new Error('cold start');
    };
    const loader = async (name: string) => (name === 'parcel-consumer' ? handler : undefined);
    const bus = await openBus({ dispatchers: [new LambdaTargetDispatcher({ loadFunction: loader })] });
    await subscribe(bus, 'arn:aws:lambda:us-east-1:000000000000:function:parcel-consumer');

    await bus.putEvents([entry({ data: { parcel_id: 'p-9' } })]);
    await bus.whenIdle();

    expect(calls).toHaveLength(2);
    expect(calls[1].functionName).toBe('parcel-consumer');
    expect(calls[1].event).toMatchObject({ source: 'parcels', detail: { data: { parcel_id: 'p-9' } } });
  });

  it('dead-letters an unknown Lambda function without retrying', async () => {
    const deadLetters: DeadLetter[] = [];
    const bus = await openBus({
      dispatchers: [new LambdaTargetDispatcher({ loadFunction: async () => undefined })],
      deadLetterSink: (d) => void deadLetters.push(d),
    });
    await subscribe(bus, 'arn:aws:lambda:us-east-1:000000000000:function:missing');

    await bus.putEvents([entry({})]);
    await bus.whenIdle();

    expect(deadLetters.map((d) => [d.errorCode, d.errorMessage, d.attempts])).toEqual([
      ['NO_RESOURCE', 'Function not found: missing.', 1],
    ]);
  });

  it('puts the event on a local queue for an SQS target, durably', async () => {
    const queues = new LocalQueueStore(path.join(dataDir, 'queues'));
    const bus = await openBus({ dispatchers: [new SqsTargetDispatcher(queues)] });
    await subscribe(bus, 'arn:aws:sqs:us-east-1:000000000000:parcel-queue');

    const result = await bus.putEvents([entry({ data: { parcel_id: 'q-1' } })]);
    await bus.whenIdle();
    await queues.close();
    const reopened = new LocalQueueStore(path.join(dataDir, 'queues'));
    const messages = await reopened.receive('parcel-queue');
    await reopened.close();

    expect(messages).toHaveLength(1);
    expect(JSON.parse(messages[0].body)).toMatchObject({
      id: result.Entries[0].EventId,
      detail: { data: { parcel_id: 'q-1' } },
    });
  });

  it('delivers the target Input instead of the event when one is set', async () => {
    const sink = await startSink();
    const bus = await openBus({ dispatchers: [new HttpTargetDispatcher({ allowLoopbackTargets: true })] });
    await subscribe(bus, sink.url, { InputPath: '$.detail.data' });

    await bus.putEvents([entry({ data: { parcel_id: 'p-2' } })]);
    await bus.whenIdle();
    await sink.close();

    expect(JSON.parse(sink.received[0].body)).toEqual({ parcel_id: 'p-2' });
  });

  it('rejects a request over the size limit as a whole', async () => {
    const bus = await openBus({ maxEventSizeBytes: 100 });

    await expect(bus.putEvents([entry({ text: 'x'.repeat(100) })])).rejects.toMatchObject({
      code: 'ValidationException',
      message: 'Total size of the entries in the request is over the limit.',
    });
  });

  it('keeps rules and targets across a restart and redelivers events not yet delivered', async () => {
    const failing = await startSink(() => 503);
    const first = await openBus({
      dispatchers: [new HttpTargetDispatcher({ allowLoopbackTargets: true })],
      backoff: { baseMs: 60_000, capMs: 60_000 },
    });
    await subscribe(first, failing.url);
    const result = await first.putEvents([entry({ n: 1 }), entry({ n: 2 })]);
    await new Promise((resolve) => setTimeout(resolve, 50));
    await first.close();
    open.splice(open.indexOf(first), 1);
    await failing.close();

    const sink = await startSink();
    // Point the persisted target at the consumer that is up now, before the bus opens again.
    const topology = await Topology.open(path.join(dataDir, 'topology.json'), {
      account: '000000000000',
      region: 'us-east-1',
    });
    await topology.putTargets({
      Rule: 'scanned-parcel-sub',
      EventBusName: BUS,
      Targets: [{ Id: 'consumer', Arn: sink.url }],
    });
    await topology.flush();
    const third = await openBus({ dispatchers: [new HttpTargetDispatcher({ allowLoopbackTargets: true })] });
    await third.whenIdle();
    await sink.close();

    expect(third.topology.describeRule({ Name: 'scanned-parcel-sub', EventBusName: BUS }).EventPattern).toBe(
      PATTERN,
    );
    expect(sink.received.map((r) => JSON.parse(r.body).id).sort()).toEqual(
      result.Entries.map((e) => e.EventId).sort(),
    );
  });

  it('retries a consumer that does not answer within the timeout', async () => {
    const sink = await startSink();
    const hanging = await import('node:http').then(({ createServer }) => createServer(() => undefined));
    await new Promise<void>((resolve) => hanging.listen(0, '127.0.0.1', resolve));
    const { port } = hanging.address() as { port: number };
    const deadLetters: DeadLetter[] = [];
    const bus = await openBus({
      dispatchers: [new HttpTargetDispatcher({ timeoutMs: 50, allowLoopbackTargets: true })],
      deadLetterSink: (d) => void deadLetters.push(d),
    });
    await subscribe(bus, `http://127.0.0.1:${port}/slow`, { RetryPolicy: { MaximumRetryAttempts: 1 } });

    await bus.putEvents([entry({})]);
    await bus.whenIdle();
    hanging.closeAllConnections();
    hanging.close();
    await sink.close();

    expect(deadLetters.map((d) => [d.errorCode, d.errorMessage, d.attempts])).toEqual([
      ['TIMEOUT', 'No response within 50 ms.', 2],
    ]);
  });

  it('dead-letters once the next retry would pass MaximumEventAgeInSeconds', async () => {
    const sink = await startSink(() => 500);
    const deadLetters: DeadLetter[] = [];
    const bus = await openBus({
      dispatchers: [new HttpTargetDispatcher({ allowLoopbackTargets: true })],
      deadLetterSink: (d) => void deadLetters.push(d),
      backoff: { baseMs: 130_000, capMs: 130_000 },
    });
    await subscribe(bus, sink.url, { RetryPolicy: { MaximumEventAgeInSeconds: 60 } });

    await bus.putEvents([entry({})]);
    await bus.whenIdle();
    await sink.close();

    expect(deadLetters).toEqual([
      expect.objectContaining({
        errorCode: 'HTTP_500',
        attempts: 1,
        exhaustedRetryCondition: 'MaximumEventAgeInSeconds',
      }),
    ]);
  });

  it('keeps handing a dead letter to a failing sink until it takes it', async () => {
    const sink = await startSink(() => 404);
    const taken: DeadLetter[] = [];
    let refusals = 0;
    const bus = await openBus({
      dispatchers: [new HttpTargetDispatcher({ allowLoopbackTargets: true })],
      deadLetterSink: (d) => {
        if (refusals < 2) {
          refusals += 1;
          throw new Error('store unavailable');
        }
        taken.push(d);
      },
    });
    await subscribe(bus, sink.url);

    await bus.putEvents([entry({})]);
    await bus.whenIdle();
    await sink.close();

    expect(refusals).toBe(2);
    expect(taken.map((d) => d.errorCode)).toEqual(['HTTP_404']);
  });

  it('dead-letters an owed delivery whose target was removed, naming why', async () => {
    const failing = await startSink(() => 503);
    const deadLetters: DeadLetter[] = [];
    const bus = await openBus({
      dispatchers: [new HttpTargetDispatcher({ allowLoopbackTargets: true })],
      deadLetterSink: (d) => void deadLetters.push(d),
      backoff: { baseMs: 30, capMs: 30 },
    });
    await subscribe(bus, failing.url);

    await bus.putEvents([entry({})]);
    await bus.topology.removeTargets({ Rule: 'scanned-parcel-sub', EventBusName: BUS, Ids: ['consumer'] });
    await bus.whenIdle();
    await failing.close();

    expect(deadLetters.map((d) => [d.errorCode, d.errorMessage])).toEqual([
      ['NO_RESOURCE', 'Target consumer of rule scanned-parcel-sub no longer exists.'],
    ]);
  });

  it('closes promptly while a dead letter waits to be handed over, and owes it after a restart', async () => {
    const sink = await startSink(() => 400);
    const bus = await openBus({
      dispatchers: [new HttpTargetDispatcher({ allowLoopbackTargets: true })],
      deadLetterSink: () => {
        throw new Error('store unavailable');
      },
      backoff: { baseMs: 60_000, capMs: 60_000 },
    });
    await subscribe(bus, sink.url);
    await bus.putEvents([entry({})]);
    await new Promise((resolve) => setTimeout(resolve, 50));

    const started = Date.now();
    await bus.close();
    open.splice(open.indexOf(bus), 1);
    const taken: DeadLetter[] = [];
    const reopened = await openBus({
      dispatchers: [new HttpTargetDispatcher({ allowLoopbackTargets: true })],
      deadLetterSink: (d) => void taken.push(d),
    });
    await reopened.whenIdle();
    await sink.close();

    expect(Date.now() - started).toBeLessThan(5_000);
    expect(taken.map((d) => d.errorCode)).toEqual(['HTTP_400']);
  });

  it('backs off exponentially with jitter, up to the cap', async () => {
    const sink = await startSink(() => 500);
    const delays: number[] = [];
    const bus = await openBus({
      dispatchers: [new HttpTargetDispatcher({ allowLoopbackTargets: true })],
      backoff: { baseMs: 4, capMs: 20 },
      onDelivery: (report) => {
        if (report.retryInMs !== undefined) delays.push(report.retryInMs);
      },
      deadLetterSink: () => undefined,
    });
    await subscribe(bus, sink.url, { RetryPolicy: { MaximumRetryAttempts: 5 } });

    await bus.putEvents([entry({})]);
    await bus.whenIdle();
    await sink.close();

    // Attempt n waits between half and all of min(cap, base × 2^(n-1)).
    const ceilings = [4, 8, 16, 20, 20];
    expect(delays).toHaveLength(5);
    delays.forEach((delay, i) => {
      expect(delay).toBeGreaterThanOrEqual(ceilings[i] / 2);
      expect(delay).toBeLessThanOrEqual(ceilings[i]);
    });
  });
});
