/**
 * The queue engine of the local SQS. Kept as one class past ~400 lines on purpose: sends, receives, visibility,
 * redrive and compaction all run under one per-queue lock (`enter`/`leave`) over the same in-memory state, and
 * splitting them would spread that lock's protocol over several files. Everything else lives beside it:
 * queue attributes (`attributes.ts`), the queue catalog (`queue-catalog.ts`), the append log
 * (`queue-log.ts`) and the wire format (`wire.ts`).
 */
import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { LOCAL_ACCOUNT_ID, LOCAL_PARTITION, LOCAL_REGION, scopedArn } from '@bridgeport/core';
import {
  APPROXIMATE_COUNTS,
  approximateCounts,
  COMPUTED_ATTRIBUTES,
  checkAttributes,
  checkQueueName,
  checkVisibilityTimeout,
  parseRedrivePolicy,
  QUEUE_ATTRIBUTES,
  queueNameOfArn,
  type StoredQueue,
} from './attributes';
import { QueueDoesNotExistError, SqsError, SqsErrorCode } from './errors';
import { QueueCatalog } from './queue-catalog';
import {
  compact,
  compactionThreshold,
  type Entry,
  type LocalQueueMessage,
  log,
  logLazy,
  openQueue,
  type QueueState,
  wake,
} from './queue-log';
import { attributesSize, parseReceiptHandle, receiptHandle, type SqsMessageAttribute } from './wire';

/** A message handed out by `receive`, with what SQS tells about its delivery. */
export interface ReceivedQueueMessage extends LocalQueueMessage {
  readonly receiptHandle: string;
  readonly receiveCount: number;
  /** Epoch milliseconds of the first receive. */
  readonly firstReceivedAt: number;
}

/** Where SQS targets put messages: a queue that does not exist yet is created with default attributes. */
export interface LocalQueueSink {
  send(queueName: string, body: string): Promise<string>;
}

export interface SendOptions {
  readonly messageAttributes?: Readonly<Record<string, SqsMessageAttribute>>;
  readonly delaySeconds?: number;
  readonly senderId?: string;
}

export interface ReceiveOptions {
  /** 1–10. @default 1 with the API; 10 here */
  readonly maxMessages?: number;
  /** @default the queue's VisibilityTimeout */
  readonly visibilityTimeoutSeconds?: number;
  /** Long polling: wait up to this long for a first message. @default 0 */
  readonly waitMs?: number;
  /** Ends a long poll early (with what is there). */
  readonly signal?: AbortSignal;
}

export interface LocalQueueStoreOptions {
  /** @default LOCAL_ACCOUNT_ID */
  readonly account?: string;
  /** @default LOCAL_REGION */
  readonly region?: string;
  /** @default LOCAL_PARTITION */
  readonly partition?: string;
}

/**
 * The local SQS: durable standard queues under `directory`. Each queue's messages live in an append-only
 * `{name}.jsonl` log (sends are acknowledged after fsync, deletions and receive counts follow it), its
 * attributes in `queues.json`. Visibility timeouts, delays, long polling, retention and redrive to a
 * dead-letter queue behave as SQS's do; after a restart, messages that were in flight are visible again.
 */
export class LocalQueueStore implements LocalQueueSink {
  private readonly catalog: QueueCatalog;
  private readonly open = new Map<string, Promise<QueueState>>();
  private closed = false;
  readonly account: string;
  readonly region: string;
  readonly partition: string;

  constructor(
    private readonly directory: string,
    options: LocalQueueStoreOptions = {},
  ) {
    this.account = options.account ?? LOCAL_ACCOUNT_ID;
    this.region = options.region ?? LOCAL_REGION;
    this.partition = options.partition ?? LOCAL_PARTITION;
    this.catalog = new QueueCatalog(directory);
  }

  /** `arn:aws:sqs:region:account:name`. */
  queueArn(queueName: string): string {
    return scopedArn(this, 'sqs', queueName);
  }

  // ---- queues ------------------------------------------------------------------------------------

  /**
   * Creates a queue, or returns quietly when it exists with the same attributes (SQS's idempotency);
   * different attributes are refused with `QueueNameExists`.
   */
  async createQueue(queueName: string, attributes: Readonly<Record<string, string>> = {}): Promise<void> {
    checkQueueName(queueName);
    const queues = await this.catalog.all();
    const wanted = await checkAttributes(attributes, queueName, (name) => this.queueExists(name));
    const existing = queues.get(queueName);
    if (existing) {
      for (const [name, value] of Object.entries(wanted)) {
        if ((existing.attributes[name] ?? QUEUE_ATTRIBUTES[name]?.default) !== value) {
          throw new SqsError(
            SqsErrorCode.QUEUE_NAME_EXISTS,
            `A queue already exists with the same name and a different value for attribute ${name}`,
            { queueName },
          );
        }
      }
      return;
    }
    const now = Math.floor(Date.now() / 1000);
    queues.set(queueName, { attributes: wanted, createdAt: now, lastModifiedAt: now });
    await this.catalog.save();
  }

  async queueExists(queueName: string): Promise<boolean> {
    return (await this.catalog.all()).has(queueName);
  }

  /** Queue names, sorted, optionally by prefix. */
  async listQueues(prefix = ''): Promise<string[]> {
    return [...(await this.catalog.all()).keys()].filter((name) => name.startsWith(prefix)).sort();
  }

  /** Deletes a queue and its messages. */
  async deleteQueue(queueName: string): Promise<void> {
    const queues = await this.catalog.all();
    if (!queues.has(queueName)) throw new QueueDoesNotExistError(queueName);
    const state = this.open.get(queueName);
    this.open.delete(queueName);
    queues.delete(queueName);
    if (state) {
      const queue = await state;
      queue.closed = true;
      while (queue.compacting) await queue.compacting;
      await queue.file.close();
      wake(queue);
    }
    await rm(path.join(this.directory, `${queueName}.jsonl`), { force: true });
    await this.catalog.save();
  }

  /**
   * The requested attributes (`All` for every one), computed ones included. The message counts walk the queue,
   * so they are computed only when one of them is asked for (a send reading the queue's policy does not).
   */
  async getAttributes(
    queueName: string,
    names: readonly string[] = ['All'],
  ): Promise<Record<string, string>> {
    const stored = await this.catalog.get(queueName);
    for (const name of names) {
      if (
        name !== 'All' &&
        !(name in QUEUE_ATTRIBUTES) &&
        !(COMPUTED_ATTRIBUTES as readonly string[]).includes(name)
      ) {
        throw new SqsError(SqsErrorCode.INVALID_ATTRIBUTE_NAME, `Unknown Attribute ${name}.`, { name });
      }
    }
    const all = names.includes('All');
    const wanted = (name: string) => all || names.includes(name);
    const counts = APPROXIMATE_COUNTS.some(wanted)
      ? approximateCounts((await this.queue(queueName)).messages.values(), Date.now())
      : undefined;
    const values: Record<string, string> = {
      QueueArn: this.queueArn(queueName),
      ...counts,
      CreatedTimestamp: String(stored.createdAt),
      LastModifiedTimestamp: String(stored.lastModifiedAt),
    };
    for (const name of Object.keys(QUEUE_ATTRIBUTES)) {
      const value = stored.attributes[name] ?? QUEUE_ATTRIBUTES[name].default;
      if (value !== '') values[name] = value;
    }
    return Object.fromEntries(Object.entries(values).filter(([name]) => wanted(name)));
  }

  async setAttributes(queueName: string, attributes: Readonly<Record<string, string>>): Promise<void> {
    const stored = await this.catalog.get(queueName);
    const checked = await checkAttributes(attributes, queueName, (name) => this.queueExists(name));
    for (const [name, value] of Object.entries(checked)) {
      if (value === '') delete stored.attributes[name];
      else stored.attributes[name] = value;
    }
    stored.lastModifiedAt = Math.floor(Date.now() / 1000);
    await this.catalog.save();
  }

  /** Removes every message of the queue. */
  async purge(queueName: string): Promise<void> {
    await this.catalog.get(queueName);
    const queue = await this.enter(queueName);
    try {
      queue.messages.clear();
      await log(queue, { t: 'p' });
    } finally {
      this.leave(queue);
    }
  }

  // ---- messages ----------------------------------------------------------------------------------

  /** SQS target delivery: sends to the queue, creating it (default attributes) on first use. */
  async send(queueName: string, body: string): Promise<string> {
    if (!(await this.queueExists(queueName))) await this.createQueue(queueName);
    return (await this.sendMessage(queueName, body)).messageId;
  }

  /** SendMessage: the queue must exist. Resolves once the message is on disk. */
  async sendMessage(queueName: string, body: string, options: SendOptions = {}): Promise<LocalQueueMessage> {
    const [result] = await this.sendMessages(queueName, [{ body, ...options }]);
    if (result instanceof Error) throw result;
    return result;
  }

  /**
   * SendMessageBatch: every valid message is written in one append and becomes visible at once; an entry
   * SQS would refuse comes back as its error, in the entry's place.
   */
  async sendMessages(
    queueName: string,
    entries: readonly (SendOptions & { readonly body: string })[],
  ): Promise<(LocalQueueMessage | SqsError)[]> {
    const stored = await this.catalog.get(queueName);
    const queue = await this.enter(queueName);
    try {
      return await this.sendPrepared(queue, stored, entries);
    } finally {
      this.leave(queue);
    }
  }

  private async sendPrepared(
    queue: QueueState,
    stored: StoredQueue,
    entries: readonly (SendOptions & { readonly body: string })[],
  ): Promise<(LocalQueueMessage | SqsError)[]> {
    const results = entries.map((entry) => {
      try {
        return this.prepare(stored, entry.body, entry);
      } catch (error) {
        if (error instanceof SqsError) return error;
        throw error;
      }
    });
    const messages = results.filter((result): result is LocalQueueMessage => !(result instanceof Error));
    if (messages.length === 0) return results;
    queue.records += messages.length;
    await queue.file.append(
      messages.map((message) => `${JSON.stringify({ t: 's', m: message })}\n`).join(''),
    );
    for (const message of messages) {
      queue.messages.set(message.messageId, {
        message,
        invisibleUntil: 0,
        receiveCount: 0,
        firstReceivedAt: 0,
      });
    }
    wake(queue);
    return results;
  }

  private prepare(stored: StoredQueue, body: string, options: SendOptions): LocalQueueMessage {
    const maxSize = Number(
      stored.attributes.MaximumMessageSize ?? QUEUE_ATTRIBUTES.MaximumMessageSize.default,
    );
    const size = Buffer.byteLength(body) + attributesSize(options.messageAttributes ?? {});
    if (size > maxSize) {
      throw new SqsError(
        SqsErrorCode.INVALID_PARAMETER_VALUE,
        `One or more parameters are invalid. Reason: Message must be shorter than ${maxSize} bytes.`,
      );
    }
    if (body.length === 0) {
      throw new SqsError(
        SqsErrorCode.MISSING_PARAMETER,
        'The request must contain the parameter MessageBody.',
      );
    }
    const delaySeconds =
      options.delaySeconds ?? Number(stored.attributes.DelaySeconds ?? QUEUE_ATTRIBUTES.DelaySeconds.default);
    if (!Number.isInteger(delaySeconds) || delaySeconds < 0 || delaySeconds > 900) {
      throw new SqsError(
        SqsErrorCode.INVALID_PARAMETER_VALUE,
        `Value ${delaySeconds} for parameter DelaySeconds is invalid. Reason: DelaySeconds must be >= 0 and <= 900.`,
      );
    }
    const sentAt = Date.now();
    return {
      messageId: randomUUID(),
      body,
      messageAttributes: options.messageAttributes ?? {},
      sentAt,
      visibleAt: sentAt + delaySeconds * 1000,
      senderId: options.senderId ?? this.account,
    };
  }

  /**
   * ReceiveMessage: up to `maxMessages` visible messages, each made invisible for the visibility timeout.
   * A message received more often than its queue's redrive policy allows moves to the dead-letter queue
   * instead. With `waitMs`, waits for a first message (long polling).
   */
  async receive(queueName: string, options: ReceiveOptions = {}): Promise<ReceivedQueueMessage[]> {
    const deadline = Date.now() + (options.waitMs ?? 0);
    for (;;) {
      const stored = await this.catalog.get(queueName);
      const redrive = await this.redriveOf(stored);
      const queue = await this.enter(queueName);
      let taken: ReturnType<LocalQueueStore['take']>;
      try {
        taken = this.take(queue, stored, options, redrive);
      } finally {
        this.leave(queue);
      }
      const { received, nextVisibleAt, redriven } = taken;
      // Outside the queue's lock: a move enters the dead-letter queue, whose redrive may lead back here.
      for (const { deadLetterQueue, entry } of redriven) await this.moveTo(deadLetterQueue, queue, entry);
      const now = Date.now();
      if (received.length > 0 || now >= deadline || options.signal?.aborted || this.closed) return received;
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          queue.waiters.delete(done);
          options.signal?.removeEventListener('abort', done);
          resolve();
        };
        const timer = setTimeout(done, Math.max(1, Math.min(deadline, nextVisibleAt) - now));
        queue.waiters.add(done);
        options.signal?.addEventListener('abort', done);
      });
    }
  }

  /** DeleteMessage: true when the message was still there. */
  async deleteMessage(queueName: string, receiptHandle: string): Promise<boolean> {
    await this.catalog.get(queueName);
    const { messageId } = parseReceiptHandle(receiptHandle, queueName);
    return this.delete(queueName, messageId);
  }

  /** Deletes a message by its id. */
  async delete(queueName: string, messageId: string): Promise<boolean> {
    const queue = await this.enter(queueName);
    try {
      if (!queue.messages.delete(messageId)) return false;
      await log(queue, { t: 'd', id: messageId });
      return true;
    } finally {
      this.leave(queue);
    }
  }

  /** ChangeMessageVisibility: the message must be in flight. */
  async changeVisibility(
    queueName: string,
    receiptHandle: string,
    visibilityTimeoutSeconds: number,
  ): Promise<void> {
    await this.catalog.get(queueName);
    checkVisibilityTimeout(visibilityTimeoutSeconds);
    const { messageId } = parseReceiptHandle(receiptHandle, queueName);
    const queue = await this.queue(queueName);
    const entry = queue.messages.get(messageId);
    const now = Date.now();
    if (entry === undefined || entry.invisibleUntil <= now) {
      throw new SqsError(
        SqsErrorCode.MESSAGE_NOT_INFLIGHT,
        `Value ${receiptHandle} for parameter ReceiptHandle is invalid. Reason: Message does not exist or is not available for visibility timeout change.`,
      );
    }
    entry.invisibleUntil = now + visibilityTimeoutSeconds * 1000;
    if (visibilityTimeoutSeconds === 0) wake(queue);
  }

  /** Every message currently in the queue, oldest first (for inspection; nothing changes). */
  async peek(queueName: string): Promise<LocalQueueMessage[]> {
    if (!(await this.queueExists(queueName))) return [];
    const queue = await this.queue(queueName);
    return [...queue.messages.values()].map((entry) => entry.message);
  }

  /** Ends every long poll and closes the queue files. */
  async close(): Promise<void> {
    this.closed = true;
    const states = [...this.open.values()];
    this.open.clear();
    for (const state of states) {
      const queue = await state;
      queue.closed = true;
      wake(queue);
      while (queue.compacting) await queue.compacting;
      await queue.file.close();
    }
  }

  // ---- internals ---------------------------------------------------------------------------------

  /** Hands out visible messages; those past their redrive policy's receive count are returned to be moved. */
  private take(
    queue: QueueState,
    stored: StoredQueue,
    options: ReceiveOptions,
    redrive: { readonly deadLetterQueue: string; readonly maxReceiveCount: number } | undefined,
  ): {
    received: ReceivedQueueMessage[];
    nextVisibleAt: number;
    redriven: { deadLetterQueue: string; entry: Entry }[];
  } {
    const max = options.maxMessages ?? 10;
    const visibilityMs =
      (options.visibilityTimeoutSeconds ??
        Number(stored.attributes.VisibilityTimeout ?? QUEUE_ATTRIBUTES.VisibilityTimeout.default)) * 1000;
    const retentionMs =
      Number(stored.attributes.MessageRetentionPeriod ?? QUEUE_ATTRIBUTES.MessageRetentionPeriod.default) *
      1000;
    const now = Date.now();
    let nextVisibleAt = Number.POSITIVE_INFINITY;
    const received: ReceivedQueueMessage[] = [];
    const redriven: { deadLetterQueue: string; entry: Entry }[] = [];
    for (const entry of [...queue.messages.values()]) {
      if (received.length >= max) break;
      const { message } = entry;
      if (queue.messages.get(message.messageId) !== entry) continue; // deleted meanwhile
      if (message.sentAt + retentionMs <= now) {
        queue.messages.delete(message.messageId);
        logLazy(queue, { t: 'd', id: message.messageId });
        continue;
      }
      const visibleAt = Math.max(entry.invisibleUntil, message.visibleAt);
      if (visibleAt > now) {
        nextVisibleAt = Math.min(nextVisibleAt, visibleAt);
        continue;
      }
      if (redrive && entry.receiveCount >= redrive.maxReceiveCount) {
        entry.invisibleUntil = Number.POSITIVE_INFINITY;
        redriven.push({ deadLetterQueue: redrive.deadLetterQueue, entry });
        continue;
      }
      entry.receiveCount += 1;
      if (entry.firstReceivedAt === 0) entry.firstReceivedAt = now;
      entry.invisibleUntil = now + visibilityMs;
      if (visibilityMs > 0) nextVisibleAt = Math.min(nextVisibleAt, entry.invisibleUntil);
      logLazy(queue, { t: 'r', id: message.messageId, n: entry.receiveCount, f: entry.firstReceivedAt });
      received.push({
        ...message,
        receiptHandle: receiptHandle(queue.name, message.messageId),
        receiveCount: entry.receiveCount,
        firstReceivedAt: entry.firstReceivedAt,
      });
    }
    return { received, nextVisibleAt, redriven };
  }

  /** Redrive: the message joins the dead-letter queue (same id, body and attributes), then leaves this one. */
  private async moveTo(deadLetterQueue: string, from: QueueState, entry: Entry): Promise<void> {
    const target = await this.enter(deadLetterQueue);
    const message = { ...entry.message, visibleAt: 0 };
    try {
      await log(target, { t: 's', m: message });
      target.messages.set(message.messageId, {
        message,
        invisibleUntil: 0,
        receiveCount: 0,
        firstReceivedAt: 0,
      });
    } finally {
      this.leave(target);
    }
    wake(target);
    if (from.closed) return; // the queue was deleted meanwhile
    const source = await this.enter(from.name);
    try {
      if (source.messages.get(message.messageId) !== entry) return;
      source.messages.delete(message.messageId);
      await log(source, { t: 'd', id: message.messageId });
    } finally {
      this.leave(source);
    }
  }

  /** The queue's redrive policy when its dead-letter queue exists. */
  private async redriveOf(
    stored: StoredQueue,
  ): Promise<{ deadLetterQueue: string; maxReceiveCount: number } | undefined> {
    const policy = parseRedrivePolicy(stored.attributes.RedrivePolicy);
    const deadLetterQueue = policy ? queueNameOfArn(policy.deadLetterTargetArn) : undefined;
    if (policy === undefined || deadLetterQueue === undefined) return undefined;
    if (!(await this.queueExists(deadLetterQueue))) return undefined;
    return { deadLetterQueue, maxReceiveCount: policy.maxReceiveCount };
  }

  /**
   * Starts an operation that appends to the queue's log: waits while the log is being compacted, and keeps
   * a compaction from starting until `leave`.
   */
  private async enter(queueName: string): Promise<QueueState> {
    for (;;) {
      const queue = await this.queue(queueName);
      if (queue.compacting) {
        await queue.compacting;
        continue;
      }
      queue.busy += 1;
      return queue;
    }
  }

  /** Ends an operation; compacts the log once it holds more than twice the live messages plus 100 records. */
  private leave(queue: QueueState): void {
    queue.busy -= 1;
    if (queue.busy === 0) queue.idle?.();
    if (!queue.compacting && !queue.closed && queue.records > compactionThreshold(queue.messages.size)) {
      queue.compacting = compact(queue).finally(() => {
        queue.compacting = undefined;
      });
    }
  }

  private queue(queueName: string): Promise<QueueState> {
    if (this.closed) return Promise.reject(new Error('The local queue store is closed.'));
    let queue = this.open.get(queueName);
    if (!queue) {
      queue = openQueue(queueName, path.join(this.directory, `${queueName}.jsonl`));
      this.open.set(queueName, queue);
    }
    return queue;
  }
}
