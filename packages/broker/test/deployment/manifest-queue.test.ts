import { ChangeMessageVisibilityCommand, SQSClient } from '@aws-sdk/client-sqs';
import { silentLogger } from '@bridgeport/edge';
import type { SQSRecord } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { createManifestQueueConsumer, retryDelaySeconds } from '../../src/deployment/manifest-queue';
import type { DeploymentTrigger, S3ObjectEvent } from '../../src/deployment/trigger';

const QUEUE_URL = 'https://sqs.eu-west-1.amazonaws.com/123456789012/dev-manifest-events';
const sqsMock = mockClient(SQSClient);

function record(messageId: string, body: string, receiveCount = 1): SQSRecord {
  return {
    messageId,
    receiptHandle: `handle-${messageId}`,
    body,
    attributes: {
      ApproximateReceiveCount: String(receiveCount),
      SentTimestamp: '0',
      SenderId: 'events.amazonaws.com',
      ApproximateFirstReceiveTimestamp: '0',
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:eu-west-1:123456789012:dev-manifest-events',
    awsRegion: 'eu-west-1',
  };
}

const event = (key: string): string =>
  JSON.stringify({
    id: key,
    'detail-type': 'Object Created',
    detail: { bucket: { name: 'b' }, object: { key } },
  });

describe('retryDelaySeconds', () => {
  it('doubles from 30 s per receive, capped at 15 minutes', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 20].map(retryDelaySeconds)).toEqual([30, 60, 120, 240, 480, 900, 900, 900]);
  });
});

describe('createManifestQueueConsumer', () => {
  const handled: string[] = [];
  const trigger: DeploymentTrigger = {
    async handle(received: S3ObjectEvent) {
      const key = received.detail.object?.key ?? '';
      handled.push(key);
      if (key.startsWith('fail')) throw new Error('Rate exceeded');
      return { started: false, reason: 'not-a-manifest' };
    },
  };
  const consumer = createManifestQueueConsumer({
    trigger,
    sqs: new SQSClient({ region: 'eu-west-1' }),
    queueUrl: QUEUE_URL,
    logger: silentLogger,
  });

  beforeEach(() => {
    sqsMock.reset();
    handled.length = 0;
  });

  it('reports only the failed messages, each made invisible for its backoff', async () => {
    sqsMock.on(ChangeMessageVisibilityCommand).resolves({});

    const result = await consumer.handle([
      record('m1', event('ok/1/deploy.json')),
      record('m2', event('fail/1/deploy.json'), 3),
    ]);

    expect(handled).toEqual(['ok/1/deploy.json', 'fail/1/deploy.json']);
    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: 'm2' }] });
    expect(sqsMock.commandCalls(ChangeMessageVisibilityCommand).map((call) => call.args[0].input)).toEqual([
      { QueueUrl: QUEUE_URL, ReceiptHandle: 'handle-m2', VisibilityTimeout: 120 },
    ]);
  });

  it('still reports the failure when the backoff cannot be set', async () => {
    sqsMock.on(ChangeMessageVisibilityCommand).rejects(new Error('AccessDenied'));

    const result = await consumer.handle([record('m3', event('fail/2/deploy.json'))]);

    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: 'm3' }] });
  });

  it('drops a message that is not JSON instead of retrying it forever', async () => {
    const result = await consumer.handle([record('m4', 'not json')]);

    expect(result).toEqual({ batchItemFailures: [] });
    expect(handled).toEqual([]);
  });
});
