import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  ChangeMessageVisibilityBatchCommand,
  ChangeMessageVisibilityCommand,
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  DeleteMessageCommand,
  DeleteQueueCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ListQueuesCommand,
  PurgeQueueCommand,
  QueueDoesNotExist,
  QueueNameExists,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  SetQueueAttributesCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { type AwsEndpoint, startAwsEndpoint } from '../../../src/index';

const ENV_KEYS = ['AWS_ENDPOINT_URL', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_REGION'] as const;
const ARN = 'arn:aws:sqs:us-east-1:000000000000';

describe('the local SQS with the AWS SDK v3 SQSClient', () => {
  let dataDir: string;
  let endpoint: AwsEndpoint;
  let sqs: SQSClient;
  const savedEnv: Partial<Record<(typeof ENV_KEYS)[number], string>> = {};

  const open = async (port = 0) => {
    endpoint = await startAwsEndpoint({ port, dataDir });
    process.env.AWS_ENDPOINT_URL = endpoint.url;
    sqs = new SQSClient({});
  };
  const reopen = async () => {
    const { port } = endpoint;
    sqs.destroy();
    await endpoint.close();
    await open(port); // queue URLs name the port
  };
  const create = async (name: string, attributes?: Record<string, string>) =>
    (await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }))).QueueUrl as string;
  const receive = (
    QueueUrl: string,
    extra: Partial<ConstructorParameters<typeof ReceiveMessageCommand>[0]> = {},
  ) => sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, ...extra }));

  beforeAll(() => {
    for (const key of ENV_KEYS) savedEnv[key] = process.env[key];
    process.env.AWS_ACCESS_KEY_ID = 'any-key';
    process.env.AWS_SECRET_ACCESS_KEY = 'any-secret';
    process.env.AWS_REGION = 'us-east-1';
  });

  beforeEach(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'bridgeport-sqs-'));
    await open();
  });

  afterEach(async () => {
    sqs.destroy();
    await endpoint.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  afterAll(() => {
    for (const key of ENV_KEYS) {
      if (savedEnv[key] === undefined) delete process.env[key];
      else process.env[key] = savedEnv[key];
    }
  });

  it('creates, finds, lists and deletes queues by URL', async () => {
    const url = await create('orders');
    await create('orders-dlq');
    const again = await create('orders');
    const found = await sqs.send(new GetQueueUrlCommand({ QueueName: 'orders' }));
    const listed = await sqs.send(new ListQueuesCommand({ QueueNamePrefix: 'orders' }));
    await sqs.send(new DeleteQueueCommand({ QueueUrl: url }));
    const after = await sqs.send(new ListQueuesCommand({}));

    expect(url).toBe(`http://127.0.0.1:${endpoint.port}/queue/us-east-1/000000000000/orders`);
    expect(again).toBe(url);
    expect(found.QueueUrl).toBe(url);
    expect(listed.QueueUrls).toEqual([url, `${url}-dlq`]);
    expect(after.QueueUrls).toEqual([`${url}-dlq`]);
  });

  it('answers a missing queue with QueueDoesNotExist (AWS.SimpleQueueService.NonExistentQueue)', async () => {
    const missing = `${endpoint.url}/000000000000/nowhere`;

    const byName = sqs.send(new GetQueueUrlCommand({ QueueName: 'nowhere' }));
    const byUrl = sqs.send(new SendMessageCommand({ QueueUrl: missing, MessageBody: 'x' }));

    await expect(byName).rejects.toBeInstanceOf(QueueDoesNotExist);
    await expect(byUrl).rejects.toMatchObject({
      name: 'QueueDoesNotExist',
      Code: 'AWS.SimpleQueueService.NonExistentQueue',
      message: 'The specified queue does not exist.',
      $metadata: { httpStatusCode: 400 },
    });
  });

  it('refuses to create an existing queue with different attributes', async () => {
    await create('orders', { VisibilityTimeout: '30' });

    await expect(create('orders', { VisibilityTimeout: '60' })).rejects.toBeInstanceOf(QueueNameExists);
    await expect(create('orders', { VisibilityTimeout: '30' })).resolves.toContain('/orders');
  });

  it('reads and sets queue attributes: ARN, message count, redrive policy', async () => {
    const url = await create('orders');
    await create('orders-dlq');
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'one' }));
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'two' }));
    await sqs.send(
      new SetQueueAttributesCommand({
        QueueUrl: url,
        Attributes: {
          VisibilityTimeout: '45',
          RedrivePolicy: JSON.stringify({ deadLetterTargetArn: `${ARN}:orders-dlq`, maxReceiveCount: '2' }),
        },
      }),
    );

    const { Attributes } = await sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: url,
        AttributeNames: ['QueueArn', 'ApproximateNumberOfMessages', 'RedrivePolicy', 'VisibilityTimeout'],
      }),
    );
    const refused = sqs.send(
      new SetQueueAttributesCommand({
        QueueUrl: url,
        Attributes: {
          RedrivePolicy: JSON.stringify({ deadLetterTargetArn: `${ARN}:gone`, maxReceiveCount: 2 }),
        },
      }),
    );

    expect(Attributes).toEqual({
      QueueArn: `${ARN}:orders`,
      ApproximateNumberOfMessages: '2',
      RedrivePolicy: `{"deadLetterTargetArn":"${ARN}:orders-dlq","maxReceiveCount":2}`,
      VisibilityTimeout: '45',
    });
    await expect(refused).rejects.toMatchObject({
      name: 'InvalidAttributeValue',
      message: 'Invalid value for the parameter RedrivePolicy. Reason: Dead letter target does not exist.',
    });
  });

  it('sends and receives messages with their attributes and receive count, then deletes them', async () => {
    const url = await create('orders');
    const sent = await sqs.send(
      new SendMessageCommand({
        QueueUrl: url,
        MessageBody: '{"order":1}',
        MessageAttributes: {
          origin: { DataType: 'String', StringValue: 'shop' },
          blob: { DataType: 'Binary', BinaryValue: Uint8Array.from([1, 2, 3]) },
        },
      }),
    );
    const batch = await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: url,
        Entries: [
          { Id: 'a', MessageBody: 'second' },
          { Id: 'b', MessageBody: 'third' },
        ],
      }),
    );

    const first = await receive(url, {
      MessageAttributeNames: ['All'],
      MessageSystemAttributeNames: ['ApproximateReceiveCount', 'SentTimestamp'],
    });
    const none = await receive(url);
    const messages = first.Messages ?? [];
    await sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: messages[0].ReceiptHandle }));
    const deleted = await sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: url,
        Entries: [
          { Id: 'x', ReceiptHandle: messages[1].ReceiptHandle },
          { Id: 'y', ReceiptHandle: 'not-a-handle' },
        ],
      }),
    );
    const { Attributes } = await sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: url,
        AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
      }),
    );

    expect(sent.MD5OfMessageAttributes).toMatch(/^[0-9a-f]{32}$/);
    expect(batch.Successful?.map((entry) => entry.Id)).toEqual(['a', 'b']);
    expect(messages.map((message) => message.Body)).toEqual(['{"order":1}', 'second', 'third']);
    expect(messages[0]).toMatchObject({
      MessageId: sent.MessageId,
      MD5OfMessageAttributes: sent.MD5OfMessageAttributes,
      MessageAttributes: {
        origin: { DataType: 'String', StringValue: 'shop' },
        blob: { DataType: 'Binary', BinaryValue: Uint8Array.from([1, 2, 3]) },
      },
      Attributes: { ApproximateReceiveCount: '1', SentTimestamp: expect.stringMatching(/^\d{13}$/) },
    });
    expect(none).not.toHaveProperty('Messages');
    expect(deleted.Successful).toEqual([{ Id: 'x' }]);
    expect(deleted.Failed).toEqual([
      expect.objectContaining({ Id: 'y', Code: 'ReceiptHandleIsInvalid', SenderFault: true }),
    ]);
    expect(Attributes).toEqual({
      ApproximateNumberOfMessages: '0',
      ApproximateNumberOfMessagesNotVisible: '1',
    });
  });

  it('sends without walking the queue; only the message counts walk it', async () => {
    const url = await create('orders');
    for (const body of ['one', 'two', 'three']) {
      await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: body }));
    }
    const walkedMaps = jest.spyOn(Map.prototype, 'values');
    /** Whether a walk went over the queue's messages (the map from message id to its delivery state). */
    const walkedTheQueue = (maps: readonly unknown[]) =>
      maps.some(
        (map) =>
          map instanceof Map &&
          [...Map.prototype.entries.call(map)].some(
            ([, value]) => (value as { message?: { body?: unknown } }).message?.body === 'one',
          ),
      );

    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'four' }));
    await sqs.send(
      new SendMessageBatchCommand({ QueueUrl: url, Entries: [{ Id: 'five', MessageBody: 'five' }] }),
    );
    const duringSends = [...walkedMaps.mock.contexts];
    walkedMaps.mockClear();
    const { Attributes } = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessages'] }),
    );
    const duringCount = [...walkedMaps.mock.contexts];
    walkedMaps.mockRestore();

    expect(walkedTheQueue(duringSends)).toBe(false);
    expect(walkedTheQueue(duringCount)).toBe(true);
    expect(Attributes).toEqual({ ApproximateNumberOfMessages: '5' });
  });

  it('hides a received message for its visibility timeout, then delivers it again', async () => {
    const url = await create('orders');
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'again' }));

    const first = await receive(url, {
      VisibilityTimeout: 1,
      MessageSystemAttributeNames: ['ApproximateReceiveCount'],
    });
    const hidden = await receive(url);
    const started = Date.now();
    const second = await receive(url, {
      WaitTimeSeconds: 5,
      MessageSystemAttributeNames: ['ApproximateReceiveCount'],
    });
    const waited = Date.now() - started;
    await sqs.send(
      new ChangeMessageVisibilityCommand({
        QueueUrl: url,
        ReceiptHandle: second.Messages?.[0].ReceiptHandle,
        VisibilityTimeout: 0,
      }),
    );
    const third = await receive(url);

    expect(first.Messages?.[0].Attributes?.ApproximateReceiveCount).toBe('1');
    expect(hidden.Messages ?? []).toEqual([]);
    expect(second.Messages?.[0]).toMatchObject({
      Body: 'again',
      Attributes: { ApproximateReceiveCount: '2' },
    });
    expect(waited).toBeGreaterThan(500);
    expect(waited).toBeLessThan(3000);
    expect(third.Messages?.map((message) => message.Body)).toEqual(['again']);
  });

  it('long-polls: a waiting receive returns as soon as a message is sent', async () => {
    const url = await create('orders');

    const started = Date.now();
    const waiting = receive(url, { WaitTimeSeconds: 10 });
    await new Promise((resolve) => setTimeout(resolve, 200));
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'late' }));
    const received = await waiting;
    const empty = Date.now();
    const nothing = await receive(url, { WaitTimeSeconds: 1 });

    expect(received.Messages?.map((message) => message.Body)).toEqual(['late']);
    expect(empty - started).toBeLessThan(2000);
    expect(nothing.Messages ?? []).toEqual([]);
    expect(Date.now() - empty).toBeGreaterThanOrEqual(950);
  });

  it('moves a message to the dead-letter queue after maxReceiveCount receives', async () => {
    const dlq = await create('orders-dlq');
    const url = await create('orders', {
      RedrivePolicy: JSON.stringify({ deadLetterTargetArn: `${ARN}:orders-dlq`, maxReceiveCount: 2 }),
    });
    const sent = await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'poison' }));

    const counts: string[] = [];
    for (let attempt = 0; attempt < 3; attempt += 1) {
      const received = await receive(url, { VisibilityTimeout: 0, AttributeNames: ['All'] });
      counts.push(
        ...(received.Messages ?? []).map((message) => message.Attributes?.ApproximateReceiveCount ?? ''),
      );
    }
    const dead = await receive(dlq);

    expect(counts).toEqual(['1', '2']);
    expect(dead.Messages?.map((message) => [message.MessageId, message.Body])).toEqual([
      [sent.MessageId, 'poison'],
    ]);
  });

  it('keeps every queue created concurrently across a restart', async () => {
    const names = Array.from({ length: 8 }, (_, index) => `parallel-${index}`);

    await Promise.all(names.map((name) => create(name)));
    await reopen();
    const listed = await sqs.send(new ListQueuesCommand({ QueueNamePrefix: 'parallel-' }));

    expect(listed.QueueUrls).toEqual(
      names.map((name) => `${endpoint.url}/queue/us-east-1/000000000000/${name}`),
    );
  });

  it('changes the visibility of several messages at once', async () => {
    const url = await create('orders');
    await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: url,
        Entries: [
          { Id: 'a', MessageBody: 'one' },
          { Id: 'b', MessageBody: 'two' },
        ],
      }),
    );
    const received = (await receive(url)).Messages ?? [];

    const changed = await sqs.send(
      new ChangeMessageVisibilityBatchCommand({
        QueueUrl: url,
        Entries: [
          { Id: 'a', ReceiptHandle: received[0].ReceiptHandle, VisibilityTimeout: 0 },
          { Id: 'b', ReceiptHandle: 'bogus', VisibilityTimeout: 0 },
        ],
      }),
    );
    const again = await receive(url);

    expect(changed.Successful).toEqual([{ Id: 'a' }]);
    expect(changed.Failed).toEqual([expect.objectContaining({ Id: 'b', Code: 'ReceiptHandleIsInvalid' })]);
    expect(again.Messages?.map((message) => message.Body)).toEqual(['one']);
  });

  it('fails a batch entry without a VisibilityTimeout, as SQS does, and changes the others', async () => {
    const url = await create('orders');
    await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: url,
        Entries: [
          { Id: 'a', MessageBody: 'one' },
          { Id: 'b', MessageBody: 'two' },
        ],
      }),
    );
    const received = (await receive(url, { MaxNumberOfMessages: 2 })).Messages ?? [];
    const handle = (body: string) => received.find((message) => message.Body === body)?.ReceiptHandle;

    const changed = await sqs.send(
      new ChangeMessageVisibilityBatchCommand({
        QueueUrl: url,
        Entries: [
          { Id: 'a', ReceiptHandle: handle('one'), VisibilityTimeout: 0 },
          { Id: 'b', ReceiptHandle: handle('two') },
        ],
      }),
    );
    const again = await receive(url, { MaxNumberOfMessages: 2 });

    expect(changed.Successful).toEqual([{ Id: 'a' }]);
    expect(changed.Failed).toEqual([
      {
        Id: 'b',
        SenderFault: true,
        Code: 'MissingParameter',
        Message:
          'The request must contain the parameter ChangeMessageVisibilityBatchRequestEntry.2.VisibilityTimeout.',
      },
    ]);
    // Only the changed message is visible again; the failed entry's message keeps its timeout.
    expect(again.Messages?.map((message) => message.Body)).toEqual(['one']);
  });

  it('purges a queue', async () => {
    const url = await create('orders');
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'gone' }));

    await sqs.send(new PurgeQueueCommand({ QueueUrl: url }));

    expect((await receive(url)).Messages ?? []).toEqual([]);
  });

  it('keeps queues and messages across a restart; in-flight messages are visible again', async () => {
    await create('orders-dlq');
    const url = await create('orders', {
      VisibilityTimeout: '600',
      RedrivePolicy: JSON.stringify({ deadLetterTargetArn: `${ARN}:orders-dlq`, maxReceiveCount: 3 }),
    });
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'in flight' }));
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'deleted' }));
    const received = await receive(url);
    await sqs.send(
      new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: received.Messages?.[1].ReceiptHandle }),
    );

    await reopen();
    const after = await receive(url, { MessageSystemAttributeNames: ['ApproximateReceiveCount'] });
    const { Attributes } = await sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: url,
        AttributeNames: ['VisibilityTimeout', 'RedrivePolicy'],
      }),
    );

    expect(
      after.Messages?.map((message) => [message.Body, message.Attributes?.ApproximateReceiveCount]),
    ).toEqual([['in flight', '2']]);
    expect(Attributes).toEqual({
      VisibilityTimeout: '600',
      RedrivePolicy: `{"deadLetterTargetArn":"${ARN}:orders-dlq","maxReceiveCount":3}`,
    });
  });

  it('validates batches and parameters as SQS does', async () => {
    const url = await create('orders');

    const empty = sqs.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: [] }));
    const duplicate = sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: url,
        Entries: [
          { Id: 'a', MessageBody: '1' },
          { Id: 'a', MessageBody: '2' },
        ],
      }),
    );
    const tooMany = receive(url, { MaxNumberOfMessages: 11 });
    const notInFlight = sqs.send(
      new ChangeMessageVisibilityCommand({
        QueueUrl: url,
        ReceiptHandle: Buffer.from(`orders ${'0'.repeat(8)} nonce`).toString('base64'),
        VisibilityTimeout: 5,
      }),
    );

    await expect(empty).rejects.toMatchObject({ name: 'EmptyBatchRequest' });
    await expect(duplicate).rejects.toMatchObject({
      name: 'BatchEntryIdsNotDistinct',
      message: 'Id a repeated.',
    });
    await expect(tooMany).rejects.toMatchObject({
      name: 'InvalidParameterValue',
      message:
        'Value 11 for parameter MaxNumberOfMessages is invalid. Reason: Must be between 1 and 10, if provided.',
    });
    await expect(notInFlight).rejects.toMatchObject({ name: 'MessageNotInflight' });
  });
});
