import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import {
  CreateQueueCommand,
  DeleteQueueCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  SetQueueAttributesCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { forwardBatch, type ProducerMetrics, type ResolvedProducer } from '@bridgeport/broker';
import { type ProducerPlan, ProducerType } from '@bridgeport/core';
import { type Logger, silentLogger } from '@bridgeport/edge';
import { SqsError, SqsErrorCode } from '../aws/sqs/errors';
import type { LocalQueueStore } from '../aws/sqs/queue-store';

/** Runs SQS producers locally: what the deployer asks of it. */
export interface SqsProducerRunner {
  /** Creates the producer's ingress queue and dead-letter queue, then starts forwarding (replacing a running one). */
  start(producer: ResolvedProducer): Promise<void>;
  /** Stops forwarding; with `deleteQueues`, deletes both queues too (the stack's removal). */
  stop(plan: ProducerPlan, options?: { readonly deleteQueues?: boolean }): Promise<void>;
  /** Stops every forwarder; queues and their messages stay. */
  close(): Promise<void>;
}

export interface SqsProducerPollersOptions {
  /** Creates and deletes the queues, and sends invalid messages to the dead-letter queue (the forwarder's client). */
  readonly sqs: SQSClient;
  /** The local queues: the event source mapping receives from and deletes in them directly. */
  readonly queues: LocalQueueStore;
  /** Where valid events go: the in-process client of the local bus. */
  readonly eventBridge: EventBridgeClient;
  /** @default the broker's default (256 KiB) */
  readonly maxEventSizeBytes?: number;
  /** The forwarder's logger. @default silent */
  readonly logger?: Logger;
  /** The forwarder's metrics (published and refused events). @default none */
  readonly metrics?: ProducerMetrics;
  /** Progress lines (dead-lettered messages, failures). */
  readonly log?: (line: string) => void;
  /** Messages per batch, as the event source mapping's batch size. @default 10 */
  readonly batchSize?: number;
  /** Long polling wait of one receive. @default 20 s */
  readonly waitSeconds?: number;
  /** Pause after an unexpected failure. @default 1000 ms */
  readonly errorBackoffMs?: number;
  /** The ingress queue's visibility timeout: six times the forwarder's 30 s timeout, as deployed. @default 180 */
  readonly visibilityTimeoutSeconds?: number;
}

interface Poller {
  readonly abort: AbortController;
  readonly done: Promise<void>;
}

/**
 * The ingress queue's policy, as `SqsProducer` deploys it: the allowed principals (an account id stands for its
 * root) may send; the local SQS refuses other accounts' principals (`AccessDenied`).
 */
export function ingressQueuePolicy(
  allowedPrincipals: readonly string[],
  queueArn: string,
  partition: string,
): Record<string, unknown> {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'AllowProducersToSend',
        Effect: 'Allow',
        Principal: {
          AWS: allowedPrincipals.map((principal) =>
            /^\d{12}$/.test(principal) ? `arn:${partition}:iam::${principal}:root` : principal,
          ),
        },
        Action: ['sqs:SendMessage', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl'],
        Resource: queueArn,
      },
    ],
  };
}

/** The dead-letter queue's retention, as deployed (14 days). */
const DEAD_LETTER_RETENTION_SECONDS = '1209600';

/**
 * The local stand-in for an SQS producer's stack: its ingress queue, with a redrive policy to its dead-letter
 * queue after the plan's `maxReceiveCount`, and the Lambda event source mapping that feeds the broker's own
 * `forwardBatch` (batches of up to 10, long polling, reportBatchItemFailures): messages it put on the bus or
 * dead-lettered are deleted, `batchItemFailures` stay in the queue and come back after the visibility timeout.
 */
export class SqsProducerPollers implements SqsProducerRunner {
  private readonly running = new Map<string, Poller>();
  private readonly log: (line: string) => void;

  constructor(private readonly options: SqsProducerPollersOptions) {
    this.log = options.log ?? (() => undefined);
  }

  /** Ingress queues being polled. */
  list(): string[] {
    return [...this.running.keys()].sort();
  }

  async start(producer: ResolvedProducer): Promise<void> {
    const { plan } = producer;
    if (plan.type !== ProducerType.SQS) throw new Error(`${plan.detailType} is not an SQS producer.`);
    const ingress = plan.sqs;
    const { sqs } = this.options;
    const dlq = await sqs.send(
      new CreateQueueCommand({
        QueueName: ingress.deadLetterQueueName,
        Attributes: { MessageRetentionPeriod: DEAD_LETTER_RETENTION_SECONDS },
      }),
    );
    const dlqArn = (
      await sqs.send(new GetQueueAttributesCommand({ QueueUrl: dlq.QueueUrl, AttributeNames: ['QueueArn'] }))
    ).Attributes?.QueueArn;
    // Create, then set: the attributes of an existing ingress queue follow the plan (CreateQueue would refuse).
    const created = await sqs.send(new CreateQueueCommand({ QueueName: ingress.ingressQueueName }));
    const { queues } = this.options;
    await sqs.send(
      new SetQueueAttributesCommand({
        QueueUrl: created.QueueUrl,
        Attributes: {
          VisibilityTimeout: String(this.options.visibilityTimeoutSeconds ?? 180),
          RedrivePolicy: JSON.stringify({
            deadLetterTargetArn: dlqArn,
            maxReceiveCount: ingress.maxReceiveCount,
          }),
          Policy: JSON.stringify(
            ingressQueuePolicy(
              ingress.allowedPrincipals,
              queues.queueArn(ingress.ingressQueueName),
              queues.partition,
            ),
          ),
        },
      }),
    );
    await this.stopPoller(ingress.ingressQueueName);
    const abort = new AbortController();
    const done = this.poll(producer, ingress.ingressQueueName, dlq.QueueUrl ?? '', abort.signal);
    this.running.set(ingress.ingressQueueName, { abort, done });
  }

  async stop(plan: ProducerPlan, options: { readonly deleteQueues?: boolean } = {}): Promise<void> {
    if (plan.type !== ProducerType.SQS) return;
    await this.stopPoller(plan.sqs.ingressQueueName);
    if (!options.deleteQueues) return;
    for (const queueName of [plan.sqs.ingressQueueName, plan.sqs.deadLetterQueueName]) {
      try {
        const { QueueUrl } = await this.options.sqs.send(new GetQueueUrlCommand({ QueueName: queueName }));
        await this.options.sqs.send(new DeleteQueueCommand({ QueueUrl }));
      } catch (error) {
        if ((error as Error).name !== 'QueueDoesNotExist') throw error;
      }
    }
  }

  async close(): Promise<void> {
    await Promise.all([...this.running.keys()].map((queueName) => this.stopPoller(queueName)));
  }

  private async stopPoller(queueName: string): Promise<void> {
    const poller = this.running.get(queueName);
    if (poller === undefined) return;
    this.running.delete(queueName);
    poller.abort.abort();
    await poller.done;
  }

  private async poll(
    producer: ResolvedProducer,
    queueName: string,
    deadLetterQueueUrl: string,
    signal: AbortSignal,
  ): Promise<void> {
    const { queues } = this.options;
    while (!signal.aborted) {
      try {
        const messages = await queues.receive(queueName, {
          maxMessages: this.options.batchSize ?? 10,
          waitMs: (this.options.waitSeconds ?? 20) * 1000,
          signal,
        });
        if (messages.length === 0) continue;
        const result = await forwardBatch(
          messages.map((message) => ({ messageId: message.messageId, body: message.body })),
          {
            producer,
            eventBridge: this.options.eventBridge,
            sqs: this.options.sqs,
            deadLetterQueueUrl,
            maxEventSizeBytes: this.options.maxEventSizeBytes,
            logger: this.options.logger ?? silentLogger,
            ...(this.options.metrics === undefined ? {} : { metrics: this.options.metrics }),
          },
        );
        const failed = new Set(result.batchItemFailures.map((failure) => failure.itemIdentifier));
        for (const message of messages) {
          if (!failed.has(message.messageId)) await queues.deleteMessage(queueName, message.receiptHandle);
        }
        if (result.deadLettered.length > 0) {
          this.log(
            `forwarder ${queueName}: ${result.deadLettered.length} invalid message(s) sent to the dead-letter queue (${result.deadLettered.join(', ')})`,
          );
        }
        if (failed.size > 0) {
          this.log(`forwarder ${queueName}: ${failed.size} message(s) left in the queue for redelivery`);
        }
      } catch (error) {
        if (error instanceof SqsError && error.code === SqsErrorCode.QUEUE_DOES_NOT_EXIST) {
          this.log(`forwarder ${queueName}: the queue is gone; forwarding stopped`);
          return;
        }
        if (signal.aborted) return;
        this.log(`forwarder ${queueName}: ${error instanceof Error ? error.message : String(error)}`);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, this.options.errorBackoffMs ?? 1000);
          signal.addEventListener('abort', () => {
            clearTimeout(timer);
            resolve();
          });
        });
      }
    }
  }
}
