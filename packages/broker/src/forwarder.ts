import {
  type EventBridgeClient,
  PutEventsCommand,
  type PutEventsRequestEntry,
} from '@aws-sdk/client-eventbridge';
import { type MessageAttributeValue, SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import {
  InputLimit,
  jsonTextTooDeep,
  parseDetailType,
  RejectionReason,
  type ValidationProblem,
} from '@bridgeport/core';
import type { Logger } from '@bridgeport/edge';
import {
  buildEventEntry,
  DEFAULT_MAX_EVENT_SIZE_BYTES,
  type EventRoute,
  eventEntrySize,
  MAX_ENTRIES_PER_PUT_EVENTS,
  packBatches,
} from './events';
import { brokerLogger } from './logger';
import { noProducerMetrics, type ProducerMetrics } from './metrics';

/** Why a message went to the producer's dead-letter queue instead of the bus (the `ERROR_CODE` attribute). */
export const DeadLetterReason = {
  MALFORMED_JSON: 'MALFORMED_JSON',
  VALIDATION_FAILED: 'VALIDATION_FAILED',
  EVENT_TOO_LARGE: 'EVENT_TOO_LARGE',
} as const;
export type DeadLetterReason = (typeof DeadLetterReason)[keyof typeof DeadLetterReason];

/** Message attributes the forwarder sets on a dead-lettered message. */
export const DeadLetterAttribute = {
  ERROR_CODE: 'ERROR_CODE',
  ERROR_MESSAGE: 'ERROR_MESSAGE',
  /** JSON array of `{path, message}`. */
  VALIDATION_ERRORS: 'VALIDATION_ERRORS',
  SOURCE_MESSAGE_ID: 'SOURCE_MESSAGE_ID',
  DETAIL_TYPE: 'DETAIL_TYPE',
} as const;

/** Longest `VALIDATION_ERRORS` attribute written; further problems are summarized. */
export const MAX_VALIDATION_ERRORS_ATTRIBUTE_LENGTH = 8 * 1024;

/** The part of an SQS record the forwarder reads. */
export interface ForwarderMessage {
  readonly messageId: string;
  readonly body: string;
}

/** The producer a forwarder serves: where its events go and how they are validated. */
export interface ForwardedProducer {
  readonly route: EventRoute;
  readonly validate: (payload: unknown) => ValidationProblem[];
}

export interface ForwardBatchOptions {
  readonly producer: ForwardedProducer;
  readonly eventBridge: EventBridgeClient;
  readonly sqs: SQSClient;
  /** URL of the producer's dead-letter queue, where invalid messages go. */
  readonly deadLetterQueueUrl: string;
  /** Size limit of one event and of one PutEvents request. @default DEFAULT_MAX_EVENT_SIZE_BYTES */
  readonly maxEventSizeBytes?: number;
  /** @default MAX_ENTRIES_PER_PUT_EVENTS */
  readonly maxEntriesPerRequest?: number;
  /** @default brokerLogger */
  readonly logger?: Logger;
  /** Counts published and refused events (`powertoolsProducerMetrics()` in Lambda). @default noProducerMetrics */
  readonly metrics?: ProducerMetrics;
}

/** What became of each message. `batchItemFailures` is the Lambda partial batch response. */
export interface ForwardBatchResult {
  readonly batchItemFailures: { readonly itemIdentifier: string }[];
  /** Message ids put on the bus. */
  readonly published: string[];
  /** Message ids sent to the dead-letter queue (never retried). */
  readonly deadLettered: string[];
}

interface Accepted {
  readonly messageId: string;
  readonly entry: PutEventsRequestEntry;
  readonly size: number;
}

interface Rejected {
  readonly messageId: string;
  readonly body: string;
  readonly reason: DeadLetterReason;
  readonly message: string;
  readonly problems: readonly ValidationProblem[];
}

function examine(
  message: ForwarderMessage,
  producer: ForwardedProducer,
  maxEventSizeBytes: number,
): Accepted | Rejected {
  const { messageId, body } = message;
  let envelope: unknown;
  try {
    envelope = JSON.parse(body) as unknown;
  } catch {
    return {
      messageId,
      body,
      reason: DeadLetterReason.MALFORMED_JSON,
      message: 'The message body is not valid JSON',
      problems: [{ path: '$', message: 'is not valid JSON' }],
    };
  }
  const problems = jsonTextTooDeep(body, InputLimit.MAX_JSON_DEPTH)
    ? [{ path: '$', message: `nests objects and arrays deeper than ${InputLimit.MAX_JSON_DEPTH} levels` }]
    : producer.validate(envelope);
  if (problems.length > 0) {
    return {
      messageId,
      body,
      reason: DeadLetterReason.VALIDATION_FAILED,
      message: `The event does not match the schema of ${producer.route.detailType}`,
      problems,
    };
  }
  const entry = buildEventEntry(producer.route, envelope);
  const size = eventEntrySize(entry);
  if (size > maxEventSizeBytes) {
    const text = `The event is ${size} bytes; the limit is ${maxEventSizeBytes} bytes`;
    return {
      messageId,
      body,
      reason: DeadLetterReason.EVENT_TOO_LARGE,
      message: text,
      problems: [{ path: '$', message: text }],
    };
  }
  return { messageId, entry, size };
}

/** `problems` as JSON within `MAX_VALIDATION_ERRORS_ATTRIBUTE_LENGTH`, the last item saying how many were left out. */
export function summarizeProblems(problems: readonly ValidationProblem[]): string {
  const kept: ValidationProblem[] = [];
  for (let i = 0; i < problems.length; i++) {
    const problem = problems[i] as ValidationProblem;
    const remaining = problems.length - i;
    const candidate = [...kept, problem];
    const withNote =
      remaining > 1 ? [...candidate, { path: '$', message: `and ${remaining - 1} more` }] : candidate;
    if (JSON.stringify(withNote).length > MAX_VALIDATION_ERRORS_ATTRIBUTE_LENGTH) {
      return JSON.stringify([...kept, { path: '$', message: `and ${remaining} more` }]);
    }
    kept.push(problem);
  }
  return JSON.stringify(kept);
}

function stringAttribute(value: string): MessageAttributeValue {
  return { DataType: 'String', StringValue: value };
}

function deadLetterCommand(rejected: Rejected, detailType: string, queueUrl: string): SendMessageCommand {
  return new SendMessageCommand({
    QueueUrl: queueUrl,
    MessageBody: rejected.body === '' ? '""' : rejected.body,
    MessageAttributes: {
      [DeadLetterAttribute.ERROR_CODE]: stringAttribute(rejected.reason),
      [DeadLetterAttribute.ERROR_MESSAGE]: stringAttribute(rejected.message),
      [DeadLetterAttribute.VALIDATION_ERRORS]: stringAttribute(summarizeProblems(rejected.problems)),
      [DeadLetterAttribute.SOURCE_MESSAGE_ID]: stringAttribute(rejected.messageId),
      [DeadLetterAttribute.DETAIL_TYPE]: stringAttribute(detailType),
    },
  });
}

/**
 * Forwards one SQS batch of a producer's ingress queue to the bus. Each message is parsed and validated
 * against the producer's envelope schema; valid ones go out in PutEvents requests of at most 10 entries
 * within the size limit; invalid or oversize ones go to the dead-letter queue with their problems and are
 * not retried. Messages whose PutEvents call failed or whose entry was refused (throttling, internal
 * failure…), and messages that could not be dead-lettered, come back in `batchItemFailures` so that only
 * they are retried (the queue's redrive policy ends the retries).
 */
export async function forwardBatch(
  messages: readonly ForwarderMessage[],
  options: ForwardBatchOptions,
): Promise<ForwardBatchResult> {
  const maxEventSizeBytes = options.maxEventSizeBytes ?? DEFAULT_MAX_EVENT_SIZE_BYTES;
  const logger = options.logger ?? brokerLogger;
  const { route } = options.producer;
  const metrics = options.metrics ?? noProducerMetrics;
  const parsed = parseDetailType(route.detailType);
  const subject =
    parsed === undefined
      ? undefined
      : { busName: route.busName, eventType: parsed.eventType, version: parsed.version };
  const accepted: Accepted[] = [];
  const rejected: Rejected[] = [];
  for (const message of messages) {
    const outcome = examine(message, options.producer, maxEventSizeBytes);
    if ('entry' in outcome) accepted.push(outcome);
    else rejected.push(outcome);
  }

  const failed: string[] = [];
  const published: string[] = [];
  const deadLettered: string[] = [];

  const sends = await Promise.allSettled(
    rejected.map((item) =>
      options.sqs.send(deadLetterCommand(item, route.detailType, options.deadLetterQueueUrl)),
    ),
  );
  sends.forEach((send, index) => {
    const item = rejected[index] as Rejected;
    if (send.status === 'fulfilled') {
      deadLettered.push(item.messageId);
      if (subject !== undefined) {
        metrics.rejected(
          subject,
          item.reason === DeadLetterReason.EVENT_TOO_LARGE ? RejectionReason.SIZE : RejectionReason.SCHEMA,
        );
      }
      logger.warn('Message sent to the dead-letter queue', {
        messageId: item.messageId,
        reason: item.reason,
        problems: item.problems.length,
      });
    } else {
      failed.push(item.messageId);
      logger.error('Sending a message to the dead-letter queue failed', {
        messageId: item.messageId,
        error: send.reason,
      });
    }
  });

  const batches = packBatches(accepted, {
    maxEntries: options.maxEntriesPerRequest ?? MAX_ENTRIES_PER_PUT_EVENTS,
    maxBytes: maxEventSizeBytes,
  });
  for (const batch of batches) {
    try {
      const output = await options.eventBridge.send(
        new PutEventsCommand({ Entries: batch.map((item) => item.entry) }),
      );
      batch.forEach((item, index) => {
        const result = output.Entries?.[index];
        if (result?.EventId !== undefined && result.ErrorCode === undefined) {
          published.push(item.messageId);
          if (subject !== undefined) metrics.published(subject, item.size);
        } else {
          failed.push(item.messageId);
          logger.warn('The bus refused an event; the message will be retried', {
            messageId: item.messageId,
            errorCode: result?.ErrorCode ?? 'MissingEventId',
          });
        }
      });
    } catch (error) {
      failed.push(...batch.map((item) => item.messageId));
      logger.error('PutEvents failed; the batch will be retried', {
        size: batch.length,
        error,
      });
    }
  }

  return {
    batchItemFailures: failed.map((itemIdentifier) => ({ itemIdentifier })),
    published,
    deadLettered,
  };
}
