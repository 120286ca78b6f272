import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { LocalQueueStore } from '../../src/aws/sqs/queue-store';
import type { DeadLetter } from '../../src/bus/types';
import { deadLetterQueueSink } from '../../src/runtime/dead-letters';

describe('deadLetterQueueSink', () => {
  let dir: string;
  let queues: LocalQueueStore;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'bridgeport-dead-letters-'));
    queues = new LocalQueueStore(path.join(dir, 'queues'));
    await queues.createQueue('orders-dlq');
  });

  afterAll(async () => {
    await queues.close();
    await rm(dir, { recursive: true, force: true });
  });

  const deadLetter = (deadLetterArn?: string): DeadLetter => ({
    eventBusName: 'local.custom.events.bus',
    ruleName: 'rule',
    ruleArn: 'arn:aws:events:us-east-1:000000000000:rule/local.custom.events.bus/rule',
    targetId: 'abcdefghijkl-target',
    targetArn: 'arn:aws:events:us-east-1:000000000000:api-destination/orders',
    ...(deadLetterArn === undefined ? {} : { deadLetterArn }),
    event: {
      version: '0',
      id: 'e1',
      'detail-type': 't.1',
      source: 'app',
      account: '000000000000',
      time: '2026-11-26T08:00:00Z',
      region: 'us-east-1',
      resources: [],
      detail: {},
    },
    errorCode: 'HTTP_500',
    errorMessage: 'http://127.0.0.1:1/x answered HTTP 500',
    attempts: 4,
    exhaustedRetryCondition: 'MaximumRetryAttempts',
    failedAt: '2026-11-26T08:00:01.000Z',
  });

  it("sends a dead letter to the target's dead-letter queue as EventBridge does: the event, the failure as attributes", async () => {
    const fallback: DeadLetter[] = [];
    const sink = deadLetterQueueSink({ queues, fallback: (letter) => void fallback.push(letter) });

    await sink(deadLetter('arn:aws:sqs:us-east-1:000000000000:orders-dlq'));

    const [message] = await queues.receive('orders-dlq');
    expect(fallback).toEqual([]);
    expect(JSON.parse(message?.body ?? '')).toEqual(deadLetter().event);
    const text = (value: string) => ({ DataType: 'String', StringValue: value });
    expect(message?.messageAttributes).toEqual({
      ERROR_CODE: text('HTTP_500'),
      ERROR_MESSAGE: text('http://127.0.0.1:1/x answered HTTP 500'),
      EXHAUSTED_RETRY_CONDITION: text('MaximumRetryAttempts'),
      RETRY_ATTEMPTS: text('3'),
      RULE_ARN: text('arn:aws:events:us-east-1:000000000000:rule/local.custom.events.bus/rule'),
      TARGET_ARN: text('arn:aws:events:us-east-1:000000000000:api-destination/orders'),
    });
  });

  it('keeps dead letters of targets without a dead-letter queue, or whose queue is gone, in the fallback', async () => {
    const fallback: (string | undefined)[] = [];
    const sink = deadLetterQueueSink({
      queues,
      fallback: (letter) => void fallback.push(letter.deadLetterArn),
    });

    await sink(deadLetter());
    await sink(deadLetter('arn:aws:sqs:us-east-1:000000000000:missing-dlq'));

    expect(fallback).toEqual([undefined, 'arn:aws:sqs:us-east-1:000000000000:missing-dlq']);
  });
});
