import { SqsError } from '../../aws/sqs/errors';
import type { LocalQueueSink } from '../../aws/sqs/queue-store';
import { TargetDeliveryError } from '../errors';
import { type Delivery, parseArn, type TargetDispatcher } from './dispatcher';

/** SQS targets (`arn:…:sqs:region:account:queue`): the payload becomes a message of the local queue. */
export class SqsTargetDispatcher implements TargetDispatcher {
  readonly kind = 'SQS';

  /** With `closeQueues`, closing the dispatcher (when the bus closes) closes the queue store too. */
  constructor(
    private readonly queues: LocalQueueSink & { close?(): Promise<void> },
    private readonly options: { readonly closeQueues?: boolean } = {},
  ) {}

  async close(): Promise<void> {
    if (this.options.closeQueues) await this.queues.close?.();
  }

  canDeliver(arn: string): boolean {
    return sqsQueueName(arn) !== undefined;
  }

  async deliver(delivery: Delivery): Promise<void> {
    const queueName = sqsQueueName(delivery.target.Arn) ?? '';
    if (!/^[A-Za-z0-9_-]{1,80}$/.test(queueName)) {
      throw new TargetDeliveryError('NO_RESOURCE', `Invalid queue name ${queueName}.`, false);
    }
    try {
      await this.queues.send(queueName, delivery.payload);
    } catch (error) {
      if (error instanceof TargetDeliveryError) throw error;
      if (error instanceof SqsError) {
        throw new TargetDeliveryError(
          'SQS_ERROR',
          `Sending to queue ${queueName} failed: ${error.message}`,
          false,
          { cause: error },
        );
      }
      throw new TargetDeliveryError(
        'SQS_ERROR',
        `Sending to queue ${queueName} failed: ${(error as Error).message}`,
        true,
        {
          cause: error,
        },
      );
    }
  }
}

/** `arn:…:sqs:region:account:name` → name. */
export function sqsQueueName(arn: string): string | undefined {
  const parsed = parseArn(arn);
  return parsed?.service === 'sqs' && parsed.resource ? parsed.resource : undefined;
}
