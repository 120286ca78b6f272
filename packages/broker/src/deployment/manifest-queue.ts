import { ChangeMessageVisibilityCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { Logger } from '@bridgeport/edge';
import type { SQSBatchResponse, SQSRecord } from 'aws-lambda';
import { brokerLogger } from '../logger';
import type { DeploymentTrigger, S3ObjectEvent } from './trigger';

/** Backoff of a manifest event whose handling failed: 30 s, 60 s, 120 s… at most 15 minutes. */
export const ManifestRetryBackoff = { BASE_SECONDS: 30, MAX_SECONDS: 900 } as const;

/** Seconds a failed message stays invisible before its `receiveCount + 1`-th try. */
export function retryDelaySeconds(receiveCount: number): number {
  const exponent = Math.max(0, Math.min(receiveCount - 1, 10));
  return Math.min(ManifestRetryBackoff.MAX_SECONDS, ManifestRetryBackoff.BASE_SECONDS * 2 ** exponent);
}

export interface ManifestQueueConsumerOptions {
  readonly trigger: DeploymentTrigger;
  readonly sqs: SQSClient;
  /** The manifest events queue (for `ChangeMessageVisibility`). */
  readonly queueUrl: string;
  /** @default brokerLogger */
  readonly logger?: Logger;
}

/**
 * The deployment trigger behind its SQS queue (rule → queue → trigger): each message is one S3 event as
 * EventBridge delivered it. A message whose handling fails (the bucket cannot be read, the pipeline cannot be
 * started: throttling, the queued-executions cap) is reported as a batch item failure after its visibility is
 * extended by an exponential backoff, so a bad hour is retried at widening intervals until the queue's redrive
 * policy moves it to the dead-letter queue. A message that is not an event is dropped with a log line.
 */
export function createManifestQueueConsumer(options: ManifestQueueConsumerOptions) {
  const logger = options.logger ?? brokerLogger;
  return {
    async handle(records: readonly SQSRecord[]): Promise<SQSBatchResponse> {
      const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
      for (const record of records) {
        let event: S3ObjectEvent;
        try {
          event = JSON.parse(record.body) as S3ObjectEvent;
        } catch (error) {
          logger.error('Dropping a manifest event message that is not JSON', {
            messageId: record.messageId,
            error,
          });
          continue;
        }
        try {
          await options.trigger.handle(event);
        } catch (error) {
          const receiveCount = Number(record.attributes.ApproximateReceiveCount) || 1;
          const delay = retryDelaySeconds(receiveCount);
          logger.warn('Manifest event not handled; retried later', {
            messageId: record.messageId,
            receiveCount,
            retryInSeconds: delay,
            error,
          });
          await options.sqs
            .send(
              new ChangeMessageVisibilityCommand({
                QueueUrl: options.queueUrl,
                ReceiptHandle: record.receiptHandle,
                VisibilityTimeout: delay,
              }),
            )
            .catch((visibilityError: unknown) =>
              logger.warn('Cannot back off the retry; it follows the queue visibility timeout', {
                messageId: record.messageId,
                error: visibilityError,
              }),
            );
          batchItemFailures.push({ itemIdentifier: record.messageId });
        }
      }
      return { batchItemFailures };
    },
  };
}
