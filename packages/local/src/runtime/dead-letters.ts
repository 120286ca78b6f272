import { DeadLetterAttribute } from '@bridgeport/core';
import type { LocalQueueStore } from '../aws/sqs/queue-store';
import type { SqsMessageAttribute } from '../aws/sqs/wire';
import { sqsQueueName } from '../bus/targets/sqs';
import type { DeadLetter, DeadLetterSink } from '../bus/types';

/**
 * Sends the bus's dead letters to the queue a target's `DeadLetterConfig.Arn` names, the way EventBridge does:
 * the event as the message body, the failure as message attributes (`ERROR_CODE`, `ERROR_MESSAGE`,
 * `EXHAUSTED_RETRY_CONDITION`, `RETRY_ATTEMPTS`, `RULE_ARN`, `TARGET_ARN`). That queue is the one truth: the
 * portal and `aws sqs receive-message` both read it. Dead letters of a target without a dead-letter queue, or
 * whose queue does not exist, go to `fallback` (a file in the data directory) instead of being dropped.
 */
export function deadLetterQueueSink(options: {
  readonly queues: LocalQueueStore;
  readonly fallback: DeadLetterSink;
}): DeadLetterSink {
  const { queues, fallback } = options;
  return async (deadLetter) => {
    const queueName =
      deadLetter.deadLetterArn === undefined ? undefined : sqsQueueName(deadLetter.deadLetterArn);
    if (queueName === undefined || !(await queues.queueExists(queueName))) {
      await fallback(deadLetter);
      return;
    }
    await queues.sendMessage(queueName, JSON.stringify(deadLetter.event), {
      messageAttributes: deadLetterAttributes(deadLetter),
    });
  };
}

/** EventBridge's message attributes for a dead letter. */
export function deadLetterAttributes(deadLetter: DeadLetter): Record<string, SqsMessageAttribute> {
  const text = (value: string): SqsMessageAttribute => ({ DataType: 'String', StringValue: value });
  return {
    [DeadLetterAttribute.ERROR_CODE]: text(deadLetter.errorCode),
    [DeadLetterAttribute.ERROR_MESSAGE]: text(deadLetter.errorMessage || deadLetter.errorCode),
    ...(deadLetter.exhaustedRetryCondition === undefined
      ? {}
      : { [DeadLetterAttribute.EXHAUSTED_RETRY_CONDITION]: text(deadLetter.exhaustedRetryCondition) }),
    [DeadLetterAttribute.RETRY_ATTEMPTS]: text(String(Math.max(0, deadLetter.attempts - 1))),
    [DeadLetterAttribute.RULE_ARN]: text(deadLetter.ruleArn),
    ...(deadLetter.targetArn === undefined
      ? {}
      : { [DeadLetterAttribute.TARGET_ARN]: text(deadLetter.targetArn) }),
  };
}
