import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { GroupCommitFile } from '../durable-file';
import { TargetDeliveryError } from '../errors';
import { type Delivery, parseArn, type TargetDispatcher } from './dispatcher';

export interface LocalQueueMessage {
  readonly messageId: string;
  readonly body: string;
  readonly attributes: Readonly<Record<string, string>>;
  /** Epoch milliseconds. */
  readonly sentAt: number;
}

/** Where SQS targets put messages. */
export interface LocalQueueSink {
  send(queueName: string, body: string, attributes?: Readonly<Record<string, string>>): Promise<string>;
}

/**
 * A durable local queue store: one append-only file per queue under `directory`. Messages are kept
 * until deleted; `receive` hands out messages that are not currently in flight (visibility timeout).
 */
export class LocalQueueStore implements LocalQueueSink {
  private readonly queues = new Map<string, Promise<QueueState>>();

  constructor(
    private readonly directory: string,
    private readonly options: { readonly visibilityTimeoutMs?: number } = {},
  ) {}

  async send(
    queueName: string,
    body: string,
    attributes: Readonly<Record<string, string>> = {},
  ): Promise<string> {
    const queue = await this.queue(queueName);
    const message: LocalQueueMessage = { messageId: randomUUID(), body, attributes, sentAt: Date.now() };
    await queue.file.append(`${JSON.stringify({ t: 's', m: message })}\n`);
    queue.messages.set(message.messageId, { message, invisibleUntil: 0 });
    return message.messageId;
  }

  /** Up to `max` visible messages, made invisible for the visibility timeout (default 30 s). */
  async receive(queueName: string, max = 10): Promise<LocalQueueMessage[]> {
    const queue = await this.queue(queueName);
    const now = Date.now();
    const received: LocalQueueMessage[] = [];
    for (const entry of queue.messages.values()) {
      if (received.length >= max) break;
      if (entry.invisibleUntil > now) continue;
      entry.invisibleUntil = now + (this.options.visibilityTimeoutMs ?? 30_000);
      received.push(entry.message);
    }
    return received;
  }

  async delete(queueName: string, messageId: string): Promise<boolean> {
    const queue = await this.queue(queueName);
    if (!queue.messages.delete(messageId)) return false;
    await queue.file.append(`${JSON.stringify({ t: 'd', id: messageId })}\n`);
    return true;
  }

  /** Every message currently in the queue, oldest first (for inspection). */
  async peek(queueName: string): Promise<LocalQueueMessage[]> {
    const queue = await this.queue(queueName);
    return [...queue.messages.values()].map((entry) => entry.message);
  }

  async close(): Promise<void> {
    for (const queue of this.queues.values()) await (await queue).file.close();
    this.queues.clear();
  }

  private queue(queueName: string): Promise<QueueState> {
    if (!/^[A-Za-z0-9_-]{1,80}(\.fifo)?$/.test(queueName)) {
      return Promise.reject(
        new TargetDeliveryError('NO_RESOURCE', `Invalid queue name ${queueName}.`, false),
      );
    }
    let queue = this.queues.get(queueName);
    if (!queue) {
      queue = openQueue(path.join(this.directory, `${queueName}.jsonl`));
      this.queues.set(queueName, queue);
    }
    return queue;
  }
}

interface QueueState {
  readonly file: GroupCommitFile;
  readonly messages: Map<string, { message: LocalQueueMessage; invisibleUntil: number }>;
}

async function openQueue(filePath: string): Promise<QueueState> {
  const messages: QueueState['messages'] = new Map();
  try {
    for (const line of (await readFile(filePath, 'utf8')).split('\n')) {
      if (!line) continue;
      try {
        const record = JSON.parse(line) as { t: 's'; m: LocalQueueMessage } | { t: 'd'; id: string };
        if (record.t === 's') messages.set(record.m.messageId, { message: record.m, invisibleUntil: 0 });
        else messages.delete(record.id);
      } catch {
        // torn last line: never acknowledged
      }
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  return { file: await GroupCommitFile.open(filePath), messages };
}

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
    try {
      await this.queues.send(queueName, delivery.payload);
    } catch (error) {
      if (error instanceof TargetDeliveryError) throw error;
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
