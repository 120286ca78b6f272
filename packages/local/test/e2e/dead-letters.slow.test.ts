import { GetQueueUrlCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { consumerDeadLetterQueueName, ruleName } from '@bridgeport/core';
import type { Bridgeport } from '../../src/runtime/bridgeport';
import {
  authHeaders,
  call,
  createEventType,
  publish as publishEvent,
  type Sink,
  startSink,
  startSuiteRuntime,
  subscribe as subscribeTo,
  type TestRuntime,
  waitFor,
} from './support';

const ENV = 'e2e';

interface DeadLetter {
  readonly id: string;
  readonly event: { readonly id: string; readonly detail: unknown };
  readonly error_code: string;
  readonly rule_arn: string;
}

describe('dead letters: one truth in the dead-letter queue, redrive and discard', () => {
  let suite: TestRuntime;
  let runtime: Bridgeport;
  let failing: Sink;
  let healthy: Sink;
  let failingId: string;
  let healthyId: string;
  const portal = (route: string) => suite.portal(route);

  const subscribe = (url: string, retries: number): Promise<string> =>
    subscribeTo(runtime.portalUrl, 'scanned_parcel', {
      connection_string: url,
      retry_policy: { maximum_retry_attempts: retries, maximum_event_age_seconds: 60 },
    });
  const publish = async (parcel: string): Promise<string> => {
    const response = await publishEvent(runtime, 'scanned_parcel', { parcel_id: parcel, weight_kg: 1 });
    expect(response.status).toBe(200);
    return (response.body as { event_id: string }).event_id;
  };
  const deadLetters = async (id: string): Promise<DeadLetter[]> => {
    const response = await call('GET', portal(`/subscriptions/${id}/dead-letters`));
    expect(response.status).toBe(200);
    return (response.body as { items: DeadLetter[] }).items;
  };
  const eventIds = (sink: Sink) => sink.received.map((request) => JSON.parse(request.body).id as string);

  beforeAll(async () => {
    failing = await startSink();
    healthy = await startSink();
    suite = await startSuiteRuntime('dead-letters', { environment: ENV, retryCapMs: 40 });
    runtime = suite.runtime;
    await createEventType(runtime.portalUrl, 'scanned_parcel');
    failingId = await subscribe(failing.url('/parcels'), 1);
    healthyId = await subscribe(healthy.url('/parcels'), 1);
  });

  afterAll(async () => {
    await suite?.close();
    await failing.close();
    await healthy.close();
  });

  let published: string[];

  it('dead-letters what a consumer refuses (HTTP 500) and what it cannot reach (down) into its dead-letter queue', async () => {
    failing.always('/parcels', 500);
    published = [await publish('p1'), await publish('p2')];
    await runtime.bus.whenIdle();
    const port = failing.port;
    await failing.close();
    published.push(await publish('p3'));
    await runtime.bus.whenIdle();

    const listed = await deadLetters(failingId);

    expect(listed.map((letter) => letter.event.id)).toEqual(published);
    expect(listed.map((letter) => letter.error_code)).toEqual(['HTTP_500', 'HTTP_500', expect.any(String)]);
    expect(listed[2]?.error_code).not.toBe('HTTP_500');
    expect(new Set(listed.map((letter) => letter.rule_arn))).toEqual(
      new Set([expect.stringContaining(`/${ruleName(ENV, 'scanned_parcel', 1, failingId)}`)]),
    );
    expect(await deadLetters(healthyId)).toEqual([]);
    expect(eventIds(healthy)).toEqual(published);
    failing = await startSink(port);
  });

  it('shows the same dead letters to `aws sqs receive-message` on the queue the target names', async () => {
    const sqs = new SQSClient({ endpoint: runtime.awsUrl });
    const { QueueUrl } = await sqs.send(
      new GetQueueUrlCommand({ QueueName: consumerDeadLetterQueueName(ENV, 'scanned_parcel', 1, failingId) }),
    );
    const received = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl,
        MaxNumberOfMessages: 10,
        VisibilityTimeout: 0,
        MessageAttributeNames: ['All'],
      }),
    );
    sqs.destroy();

    const listed = await deadLetters(failingId);
    expect(received.Messages?.map((message) => message.MessageId).sort()).toEqual(
      listed.map((letter) => letter.id).sort(),
    );
    expect(received.Messages?.map((message) => JSON.parse(message.Body ?? '').id).sort()).toEqual(
      [...published].sort(),
    );
    expect(received.Messages?.[0]?.MessageAttributes?.RULE_ARN?.StringValue).toContain(
      ruleName(ENV, 'scanned_parcel', 1, failingId),
    );
  });

  it('discards one dead letter; discarding it again answers 404', async () => {
    const [, second] = await deadLetters(failingId);
    const id = second?.id ?? '';

    const discarded = await call('DELETE', portal(`/subscriptions/${failingId}/dead-letters/${id}`));
    const again = await call('DELETE', portal(`/subscriptions/${failingId}/dead-letters/${id}`));

    expect(discarded.status).toBe(204);
    expect(again.status).toBe(404);
    expect((await deadLetters(failingId)).map((letter) => letter.event.id)).toEqual([
      published[0],
      published[2],
    ]);
  });

  it('redrives to the recovered consumer only: each event once, with its original id; the list empties', async () => {
    const healthyBefore = eventIds(healthy);

    const redrive = await call('POST', portal(`/subscriptions/${failingId}/dead-letters/redrive`));
    expect(redrive.status).toBe(200);
    await runtime.bus.whenIdle();

    expect(redrive.body).toMatchObject({ failed: [], not_found: [], remaining: 0, rate_per_second: 25 });
    expect((redrive.body as { redriven: string[] }).redriven).toHaveLength(2);
    await waitFor('both redriven events', () => failing.received.length >= 2);
    expect(eventIds(failing)).toEqual([published[0], published[2]]);
    expect(eventIds(healthy)).toEqual(healthyBefore);
    expect(await deadLetters(failingId)).toEqual([]);
  });

  it('brings a redrive that fails again back as a new dead letter of the same event', async () => {
    failing.always('/parcels', 500);
    const eventId = await publish('p4');
    await runtime.bus.whenIdle();
    const [first] = await deadLetters(failingId);

    const redrive = await call('POST', portal(`/subscriptions/${failingId}/dead-letters/redrive`), {
      ids: [first?.id],
    });
    await runtime.bus.whenIdle();
    const [again] = await waitFor('the new dead letter', async () => {
      const listed = await deadLetters(failingId);
      return listed.length === 1 && listed[0]?.id !== first?.id ? listed : undefined;
    });

    expect((redrive.body as { redriven: string[] }).redriven).toEqual([first?.id]);
    expect(again?.event.id).toBe(eventId);
    expect(again?.event.detail).toEqual(first?.event.detail);
  });

  it("refuses to redrive or discard for a caller outside the subscription's team (403), changing nothing", async () => {
    const [letter] = await deadLetters(failingId);
    const outsider = { headers: await authHeaders({ team: 'someone-else' }) };

    const redrive = await call(
      'POST',
      portal(`/subscriptions/${failingId}/dead-letters/redrive`),
      undefined,
      outsider,
    );
    const discard = await call(
      'DELETE',
      portal(`/subscriptions/${failingId}/dead-letters/${letter?.id}`),
      undefined,
      outsider,
    );

    expect(redrive.status).toBe(403);
    expect(discard.status).toBe(403);
    expect((await deadLetters(failingId)).map((item) => item.id)).toEqual([letter?.id]);
  });

  it('refuses a malformed redrive request with 400 naming the field, and reports unknown ids', async () => {
    const malformed = await call('POST', portal(`/subscriptions/${failingId}/dead-letters/redrive`), {
      ids: 'all',
      rate_per_second: 1000,
    });
    const unknown = await call('POST', portal(`/subscriptions/${failingId}/dead-letters/redrive`), {
      ids: ['no-such-dead-letter'],
    });

    expect(malformed.status).toBe(400);
    expect(JSON.stringify(malformed.body)).toContain('$.ids');
    expect(JSON.stringify(malformed.body)).toContain('$.rate_per_second');
    expect(unknown.body).toMatchObject({ redriven: [], not_found: ['no-such-dead-letter'] });
    expect(await deadLetters(failingId)).toHaveLength(1);
  });
});
