import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import {
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { producerIngressQueueName } from '@bridgeport/core';
import type { Bridgeport } from '../../src/runtime/bridgeport';
import { PRINCIPALS_FILE } from '../../src/runtime/principals';
import {
  call,
  envelope,
  PARCEL_DATA_SCHEMA,
  type Sink,
  startSink,
  startTestRuntime,
  tempDataDir,
  waitFor,
} from './support';

const ENV = 'principals';
const INGRESS = producerIngressQueueName(ENV, 'guarded_parcel', 1);
const WAREHOUSE = 'arn:aws:iam::111122223333:role/warehouse-sync';
const INTRUDER = 'arn:aws:iam::444455556666:role/intruder';

describe('an SQS producer admits only its allowed principals, locally too', () => {
  let dataDir: string;
  let runtime: Bridgeport;
  let sink: Sink;
  const clients: SQSClient[] = [];
  /** An SQS client signing with `accessKeyId` (who it is comes from principals.json). */
  const as = (accessKeyId: string): SQSClient => {
    const client = new SQSClient({
      endpoint: runtime.awsUrl,
      region: 'us-east-1',
      credentials: { accessKeyId, secretAccessKey: 'any-secret' },
    });
    clients.push(client);
    return client;
  };
  const portal = (route: string) => `${runtime.portalUrl}${route}`;
  const ingressUrl = async () =>
    (await as('owner').send(new GetQueueUrlCommand({ QueueName: INGRESS }))).QueueUrl as string;
  const message = (parcel: string) =>
    JSON.stringify(envelope('depot-1', { parcel_id: parcel, weight_kg: 1 }));
  const delivered = async (): Promise<string[]> => {
    await runtime.bus.whenIdle();
    return sink
      .on('/guarded')
      .map((received) => (JSON.parse(received.body) as { detail: { data: { parcel_id: string } } }).detail)
      .map((detail) => detail.data.parcel_id);
  };

  beforeAll(async () => {
    dataDir = await tempDataDir('principals');
    await writeFile(
      path.join(dataDir, PRINCIPALS_FILE),
      JSON.stringify({ 'warehouse-key': WAREHOUSE, 'intruder-key': INTRUDER }),
    );
    sink = await startSink();
    runtime = await startTestRuntime(dataDir, { environment: ENV });
  });

  afterAll(async () => {
    for (const client of clients) client.destroy();
    await runtime?.close();
    await sink.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('refuses allowed principals that are not IAM principals with a 400 naming the item', async () => {
    const refused = await call('POST', portal('/events'), {
      application: 'parcel-tracking',
      event_type: 'guarded_parcel',
      description: 'A parcel was queued',
      connection_type: 'SQS',
      data: PARCEL_DATA_SCHEMA,
      allowed_principals: [WAREHOUSE, 'arn:aws:iam::444455556666:group/everyone'],
    });

    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({
      errors: [
        { path: '$.allowed_principals[1]', message: expect.stringMatching(/^must be a 12-digit account id/) },
      ],
    });
  });

  it('puts the allowed principals in the ingress queue policy', async () => {
    const created = await call('POST', portal('/events'), {
      application: 'parcel-tracking',
      event_type: 'guarded_parcel',
      description: 'A parcel was queued',
      connection_type: 'SQS',
      data: PARCEL_DATA_SCHEMA,
      allowed_principals: [WAREHOUSE],
    });
    expect(created.status).toBe(201);
    await waitFor('the SQS producer to be ACTIVE', async () => {
      const found = await call('GET', portal('/events/guarded_parcel/versions/1'));
      return (found.body as { status: string }).status === 'ACTIVE';
    });
    const subscribed = await call('POST', portal('/subscriptions'), {
      event_type: 'guarded_parcel',
      version: 1,
      connection_type: 'HTTPS',
      connection_string: sink.url('/guarded'),
    });
    const id = (subscribed.body as { id: string }).id;
    await waitFor('the subscription to be ACTIVE', async () => {
      const found = await call('GET', portal(`/subscriptions/${id}`));
      return (found.body as { status: string }).status === 'ACTIVE';
    });

    const { Attributes } = await as('owner').send(
      new GetQueueAttributesCommand({ QueueUrl: await ingressUrl(), AttributeNames: ['Policy', 'QueueArn'] }),
    );

    expect(JSON.parse(Attributes?.Policy ?? '{}')).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'AllowProducersToSend',
          Effect: 'Allow',
          Principal: { AWS: [WAREHOUSE] },
          Action: ['sqs:SendMessage', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl'],
          Resource: Attributes?.QueueArn,
        },
      ],
    });
  });

  it('takes an allowed principal’s message onto the bus and refuses another account’s with AccessDenied', async () => {
    const url = await ingressUrl();

    const sent = await as('warehouse-key').send(
      new SendMessageCommand({ QueueUrl: url, MessageBody: message('allowed') }),
    );
    const refused = await as('intruder-key')
      .send(new SendMessageCommand({ QueueUrl: url, MessageBody: message('intruder') }))
      .then(
        () => undefined,
        (error: unknown) => error as Error & { $metadata?: { httpStatusCode?: number } },
      );
    const refusedBatch = await as('intruder-key')
      .send(
        new SendMessageBatchCommand({ QueueUrl: url, Entries: [{ Id: '1', MessageBody: message('batch') }] }),
      )
      .then(
        () => undefined,
        (error: unknown) => error as Error,
      );

    expect(sent.MessageId).toEqual(expect.any(String));
    expect(refused?.name).toBe('AccessDenied');
    expect(refused?.$metadata?.httpStatusCode).toBe(403);
    expect(refused?.message).toBe(
      `User: ${INTRUDER} is not authorized to perform: sqs:sendmessage on resource: arn:aws:sqs:us-east-1:000000000000:${INGRESS} because no resource-based policy allows the sqs:sendmessage action`,
    );
    expect(refusedBatch?.name).toBe('AccessDenied');
    await waitFor('the allowed message on the bus', () => sink.on('/guarded').length > 0);
    expect(await delivered()).toEqual(['allowed']);
  });

  it('lets the queue’s own account send, as its IAM policies would in AWS', async () => {
    const sent = await as('owner').send(
      new SendMessageCommand({ QueueUrl: await ingressUrl(), MessageBody: message('own-account') }),
    );

    expect(sent.MessageId).toEqual(expect.any(String));
    await waitFor('the own account’s message on the bus', () => sink.on('/guarded').length > 1);
    expect(await delivered()).toEqual(['allowed', 'own-account']);
  });
});
