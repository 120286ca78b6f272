import {
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  type Message,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { resolveProducer } from '@bridgeport/broker';
import {
  buildProducerManifest,
  busName,
  LOCAL_ACCOUNT_ID,
  LOCAL_REGION,
  ProducerType,
} from '@bridgeport/core';
import type { AwsEndpoint } from '../../src/aws/endpoint';
import { SqsProducerPollers } from '../../src/deployer/sqs-producers';
import { inProcessEventBridgeClient } from '../../src/runtime/in-process-eventbridge';
import { type LocalAws, startLocalAws } from '../support/local-aws';

const ENV = 'fwd';
const DATA = { type: 'object', required: ['n'], properties: { n: { type: 'number' } } };

describe('SqsProducerPollers', () => {
  let edge: AwsEndpoint;
  let aws: LocalAws;
  let sqs: SQSClient;
  let pollers: SqsProducerPollers;
  const lines: string[] = [];
  const producer = resolveProducer(
    buildProducerManifest(
      { application: 'counter', event_type: 'counted', connection_type: 'SQS', data: DATA } as never,
      { environment: ENV, account: LOCAL_ACCOUNT_ID, region: LOCAL_REGION, version: 1 },
    ),
  );
  if (producer.plan.type !== ProducerType.SQS) throw new Error('the manifest is an SQS producer');
  const { ingressQueueName: ingress, deadLetterQueueName: deadLetters } = producer.plan.sqs;
  const url = async (name: string) => (await sqs.send(new GetQueueUrlCommand({ QueueName: name }))).QueueUrl;

  beforeEach(async () => {
    aws = await startLocalAws('bridgeport-fwd-', ENV);
    ({ edge } = aws);
    sqs = new SQSClient({});
    lines.length = 0;
    pollers = new SqsProducerPollers({
      sqs,
      queues: edge.queues,
      eventBridge: inProcessEventBridgeClient(edge.bus),
      visibilityTimeoutSeconds: 0,
      waitSeconds: 1,
      log: (line) => lines.push(line),
    });
  });

  afterEach(async () => {
    await pollers.close();
    sqs.destroy();
    await aws.close();
  });

  it('leaves messages the bus refused in the queue; the redrive policy ends their retries in the dead-letter queue', async () => {
    // No bus yet: PutEvents refuses every entry, so the forwarder reports them all as batch item failures.
    await pollers.start(producer);
    await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: await url(ingress),
        Entries: [
          {
            Id: 'a',
            MessageBody: JSON.stringify({
              metadata: { event_attributes: { source: 's', target: 't' } },
              data: { n: 1 },
            }),
          },
          {
            Id: 'b',
            MessageBody: JSON.stringify({
              metadata: { event_attributes: { source: 's', target: 't' } },
              data: { n: 2 },
            }),
          },
        ],
      }),
    );

    const redriven: Message[] = [];
    const deadline = Date.now() + 5000;
    while (redriven.length < 2 && Date.now() < deadline) {
      const received = await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: await url(deadLetters),
          MaxNumberOfMessages: 10,
          WaitTimeSeconds: 1,
          MessageAttributeNames: ['All'],
        }),
      );
      redriven.push(...(received.Messages ?? []));
    }

    expect(redriven.map((message) => JSON.parse(message.Body ?? '{}').data.n).sort()).toEqual([1, 2]);
    expect(redriven.every((message) => message.MessageAttributes === undefined)).toBe(true);
    expect(lines).toContain(`forwarder ${ingress}: 2 message(s) left in the queue for redelivery`);
  });

  it('deletes what it forwarded, and stops polling when stopped, deleting the queues', async () => {
    await edge.bus.topology.ensureEventBus(busName(ENV));
    await pollers.start(producer);
    await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: await url(ingress),
        Entries: [
          {
            Id: 'ok',
            MessageBody: JSON.stringify({
              metadata: { event_attributes: { source: 's', target: 't' } },
              data: { n: 3 },
            }),
          },
          { Id: 'bad', MessageBody: 'not json' },
        ],
      }),
    );
    const ingressUrl = await url(ingress);
    const emptied = async () => {
      const { Attributes } = await sqs.send(
        new GetQueueAttributesCommand({ QueueUrl: ingressUrl, AttributeNames: ['All'] }),
      );
      return (
        Attributes?.ApproximateNumberOfMessages === '0' &&
        Attributes.ApproximateNumberOfMessagesNotVisible === '0'
      );
    };
    const deadline = Date.now() + 5000;
    while (!(await emptied()) && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 20));

    const dead = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: await url(deadLetters), MessageAttributeNames: ['ERROR_CODE'] }),
    );
    await pollers.stop(producer.plan, { deleteQueues: true });

    expect(await emptied().catch(() => 'gone')).toBe('gone');
    expect(
      dead.Messages?.map((message) => [message.Body, message.MessageAttributes?.ERROR_CODE?.StringValue]),
    ).toEqual([['not json', 'MALFORMED_JSON']]);
    expect(pollers.list()).toEqual([]);
    await expect(url(deadLetters)).rejects.toMatchObject({ name: 'QueueDoesNotExist' });
  });
});
