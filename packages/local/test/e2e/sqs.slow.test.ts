import { rm } from 'node:fs/promises';
import {
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { producerDeadLetterQueueName, producerIngressQueueName } from '@bridgeport/core';
import type { Bridgeport } from '../../src/runtime/bridgeport';
import {
  call,
  createEventType,
  envelope,
  type Sink,
  startSink,
  startTestRuntime,
  subscribe as subscribeTo,
  tempDataDir,
  waitFor,
} from './support';

const ENV = 'sqse2e';
const APPLICATION = 'parcel-tracking';
const INGRESS = producerIngressQueueName(ENV, 'queued_parcel', 1);
const DEAD_LETTERS = producerDeadLetterQueueName(ENV, 'queued_parcel', 1);
const INBOX = 'parcel-inbox';

describe('SQS producers and SQS consumers in the local runtime', () => {
  let dataDir: string;
  let runtime: Bridgeport | undefined;
  let sink: Sink;
  let sqs: SQSClient;
  const lines: string[] = [];

  const start = async (): Promise<Bridgeport> => {
    runtime = await startTestRuntime(dataDir, { environment: ENV, log: (line) => lines.push(line) });
    // startBridgeport sets AWS_ENDPOINT_URL for this process: the client finds the endpoint by itself.
    sqs = new SQSClient({});
    return runtime;
  };
  const stop = async (): Promise<void> => {
    sqs.destroy();
    await runtime?.close();
    runtime = undefined;
  };
  const portal = (route: string) => `${(runtime as Bridgeport).portalUrl}${route}`;
  const queueUrl = async (name: string) =>
    (await sqs.send(new GetQueueUrlCommand({ QueueName: name }))).QueueUrl as string;
  const send = async (body: unknown) =>
    sqs.send(
      new SendMessageCommand({
        QueueUrl: await queueUrl(INGRESS),
        MessageBody: typeof body === 'string' ? body : JSON.stringify(body),
      }),
    );
  const receive = async (name: string) =>
    sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: await queueUrl(name),
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 5,
        MessageAttributeNames: ['All'],
      }),
    );
  const subscribe = (body: Record<string, unknown>): Promise<string> =>
    subscribeTo((runtime as Bridgeport).portalUrl, 'queued_parcel', body);

  beforeAll(async () => {
    dataDir = await tempDataDir('sqs-e2e');
    sink = await startSink();
    await start();
    await createEventType((runtime as Bridgeport).portalUrl, 'queued_parcel', {
      application: APPLICATION,
      description: 'A parcel was queued',
      connection_type: 'SQS',
    });
    await subscribe({ connection_type: 'HTTPS', connection_string: sink.url('/hook') });
    await subscribe({
      connection_type: 'SQS',
      connection_string: `arn:aws:sqs:us-east-1:000000000000:${INBOX}`,
    });
  });

  afterAll(async () => {
    await stop();
    await sink.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('answers POST /{event_type}/{version} on the producer endpoint with 409 naming the ingress queue URL', async () => {
    const posted = await call(
      'POST',
      `${(runtime as Bridgeport).brokerUrl}/queued_parcel/1`,
      envelope('depot-1', { parcel_id: 'http-1', weight_kg: 1 }),
    );

    expect(posted.status).toBe(409);
    expect(posted.body).toEqual({
      message: `queued_parcel version 1 has an SQS producer, not an HTTP one: send its events to the ingress queue ${await queueUrl(INGRESS)}`,
    });
  });

  it('creates the ingress queue and its dead-letter queue from the plan, redriving after maxReceiveCount', async () => {
    const { Attributes } = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: await queueUrl(INGRESS), AttributeNames: ['RedrivePolicy'] }),
    );

    expect(JSON.parse(Attributes?.RedrivePolicy ?? '{}')).toEqual({
      deadLetterTargetArn: `arn:aws:sqs:us-east-1:000000000000:${DEAD_LETTERS}`,
      maxReceiveCount: 3,
    });
    expect(lines).toContain(
      `deployer: SQS producer ${INGRESS} → forwarder → ${ENV}.custom.events.bus is live (dead-letter queue ${DEAD_LETTERS})`,
    );
  });

  it('forwards a message of the ingress queue to the bus: an HTTPS consumer and an SQS consumer receive the event', async () => {
    const message = envelope('depot-1', { parcel_id: 'q-1', weight_kg: 2 });

    await send(message);
    const delivered = await waitFor('the HTTPS delivery', () => sink.on('/hook')[0]);
    const inbox = await receive(INBOX);

    const event = JSON.parse(delivered.body);
    expect(event).toMatchObject({
      source: APPLICATION,
      'detail-type': 'queued_parcel.1',
      account: '000000000000',
      region: 'us-east-1',
      detail: message,
    });
    expect(inbox.Messages?.map((queued) => JSON.parse(queued.Body ?? '{}'))).toEqual([event]);
    await waitFor('the ingress queue to be empty', async () => {
      const { Attributes } = await sqs.send(
        new GetQueueAttributesCommand({ QueueUrl: await queueUrl(INGRESS), AttributeNames: ['All'] }),
      );
      return (
        Attributes?.ApproximateNumberOfMessages === '0' &&
        Attributes.ApproximateNumberOfMessagesNotVisible === '0'
      );
    });
  });

  it('sends an invalid message to the producer dead-letter queue with its validation errors, never to the bus', async () => {
    const before = sink.on('/hook').length;

    const sent = await send(envelope('depot-1', { parcel_id: 42 }));
    const dead = await receive(DEAD_LETTERS);
    await (runtime as Bridgeport).bus.whenIdle();

    const [letter] = dead.Messages ?? [];
    expect(JSON.parse(letter.Body ?? '')).toEqual(envelope('depot-1', { parcel_id: 42 }));
    expect(letter.MessageAttributes?.ERROR_CODE?.StringValue).toBe('VALIDATION_FAILED');
    expect(letter.MessageAttributes?.SOURCE_MESSAGE_ID?.StringValue).toBe(sent.MessageId);
    expect(letter.MessageAttributes?.DETAIL_TYPE?.StringValue).toBe('queued_parcel.1');
    expect(JSON.parse(letter.MessageAttributes?.VALIDATION_ERRORS?.StringValue ?? '[]')).toEqual([
      { path: '$.data.weight_kg', message: 'is required' },
      { path: '$.data.parcel_id', message: 'must be string' },
    ]);
    expect(sink.on('/hook')).toHaveLength(before);
  });

  it("counts what the forwarder published and refused, and each subscription's deliveries, in the insights", async () => {
    await (runtime as Bridgeport).bus.whenIdle();
    const from = new Date(Date.now() - 10 * 60_000).toISOString();

    const response = await call('GET', portal(`/events/queued_parcel/insights?from=${from}&period=60`));

    expect(response.status).toBe(200);
    const [version] = (response.body as { versions: Record<string, unknown>[] }).versions;
    expect(version).toMatchObject({
      version: 1,
      published: 1,
      rejected: { schema: 1, size: 0, auth: 0, total: 1 },
    });
    const subscriptions = version?.subscriptions as { matched: number; delivered: number; failed: number }[];
    expect(subscriptions.map(({ matched, delivered, failed }) => ({ matched, delivered, failed }))).toEqual([
      { matched: 1, delivered: 1, failed: 0 },
      { matched: 1, delivered: 1, failed: 0 },
    ]);
  });

  it('resumes forwarding after a restart', async () => {
    await stop();
    await start();
    const status = await call('GET', portal('/events/queued_parcel/versions/1'));

    await send(envelope('depot-2', { parcel_id: 'q-2', weight_kg: 3 }));
    const delivered = await waitFor('the delivery after the restart', () =>
      sink.on('/hook').find((request) => JSON.parse(request.body).detail.data.parcel_id === 'q-2'),
    );

    expect((status.body as { status: string }).status).toBe('ACTIVE');
    expect(JSON.parse(delivered.body)['detail-type']).toBe('queued_parcel.1');
    expect((runtime as Bridgeport).sqsProducers.list()).toEqual([INGRESS]);
  });

  it('removes the queues and stops forwarding when the event type is deleted', async () => {
    const created = await call('POST', portal('/events'), {
      application: APPLICATION,
      event_type: 'short_queue',
      description: 'Deleted again',
      connection_type: 'SQS',
      data: { type: 'object' },
    });
    const ingress = producerIngressQueueName(ENV, 'short_queue', 1);
    await waitFor('the ingress queue', () => queueUrl(ingress));

    const deleted = await call('DELETE', portal('/events/short_queue'));
    await waitFor('the ingress queue to be removed', async () => {
      try {
        await queueUrl(ingress);
        return false;
      } catch (error) {
        return (error as Error).name === 'QueueDoesNotExist';
      }
    });

    expect([created.status, deleted.status]).toEqual([201, 204]);
    expect((runtime as Bridgeport).sqsProducers.list()).toEqual([INGRESS]);
  });
});
