import { createHash, randomUUID } from 'node:crypto';
import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { LOCAL_ACCOUNT_ID, LOCAL_PARTITION, LOCAL_REGION, scopedArn } from '@bridgeport/core';
import { GroupCommitFile, writeFileAtomic } from '../../bus/durable-file';
import { QueueDoesNotExistError, SqsError, SqsErrorCode } from './errors';

/** A message attribute as SQS carries it; binary values are bytes. */
export interface SqsMessageAttribute {
  readonly DataType: string;
  readonly StringValue?: string;
  /** Base64, as the AWS JSON protocol writes blobs. */
  readonly BinaryValue?: string;
}

export interface LocalQueueMessage {
  readonly messageId: string;
  readonly body: string;
  readonly messageAttributes: Readonly<Record<string, SqsMessageAttribute>>;
  /** Epoch milliseconds. */
  readonly sentAt: number;
  /** Epoch milliseconds before which the message is not delivered (DelaySeconds). */
  readonly visibleAt: number;
  /** Access key or account of the sender. */
  readonly senderId: string;
}

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

/** A queue's redrive policy, parsed. */
export interface RedrivePolicy {
  readonly deadLetterTargetArn: string;
  readonly maxReceiveCount: number;
}

/** Queue attributes a caller may set, with their defaults and limits. */
const SETTABLE: Record<string, { readonly default: string; readonly min?: number; readonly max?: number }> = {
  DelaySeconds: { default: '0', min: 0, max: 900 },
  MaximumMessageSize: { default: '262144', min: 1024, max: 1_048_576 },
  MessageRetentionPeriod: { default: '345600', min: 60, max: 1_209_600 },
  ReceiveMessageWaitTimeSeconds: { default: '0', min: 0, max: 20 },
  VisibilityTimeout: { default: '30', min: 0, max: 43_200 },
  RedrivePolicy: { default: '' },
  RedriveAllowPolicy: { default: '' },
  Policy: { default: '' },
  SqsManagedSseEnabled: { default: 'true' },
  KmsMasterKeyId: { default: '' },
  KmsDataKeyReusePeriodSeconds: { default: '300', min: 60, max: 86_400 },
};

/** Attributes only SQS computes. */
const COMPUTED = [
  'ApproximateNumberOfMessages',
  'ApproximateNumberOfMessagesNotVisible',
  'ApproximateNumberOfMessagesDelayed',
  'CreatedTimestamp',
  'LastModifiedTimestamp',
  'QueueArn',
] as const;

const QUEUE_NAME = /^[A-Za-z0-9_-]{1,80}$/;
const METADATA_FILE = 'queues.json';

interface StoredQueue {
  attributes: Record<string, string>;
  /** Epoch seconds. */
  createdAt: number;
  lastModifiedAt: number;
}

interface Entry {
  message: LocalQueueMessage;
  invisibleUntil: number;
  receiveCount: number;
  firstReceivedAt: number;
}

interface QueueState {
  readonly name: string;
  readonly filePath: string;
  /** Replaced by compaction. */
  file: GroupCommitFile;
  /** Records in the current log file. */
  records: number;
  readonly messages: Map<string, Entry>;
  readonly waiters: Set<() => void>;
  /** Operations between `enter` and `leave`: they append to `file` and change `messages`. */
  busy: number;
  /** Set while the log is rewritten; operations wait for it before they start. */
  compacting: Promise<void> | undefined;
  /** Called when `busy` drops to 0 while a compaction waits. */
  idle: (() => void) | undefined;
  closed: boolean;
}

type LogRecord =
  | { t: 's'; m: LocalQueueMessage & { attributes?: unknown } }
  | { t: 'd'; id: string }
  | { t: 'r'; id: string; n: number; f: number }
  | { t: 'p' };

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
  private metadata: Promise<Map<string, StoredQueue>> | undefined;
  private readonly open = new Map<string, Promise<QueueState>>();
  private closed = false;
  private saving: Promise<void> = Promise.resolve();
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
    const queues = await this.queues();
    const wanted = await this.checkAttributes(attributes, queueName);
    const existing = queues.get(queueName);
    if (existing) {
      for (const [name, value] of Object.entries(wanted)) {
        if ((existing.attributes[name] ?? SETTABLE[name]?.default) !== value) {
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
    await this.saveMetadata();
  }

  async queueExists(queueName: string): Promise<boolean> {
    return (await this.queues()).has(queueName);
  }

  /** Queue names, sorted, optionally by prefix. */
  async listQueues(prefix = ''): Promise<string[]> {
    return [...(await this.queues()).keys()].filter((name) => name.startsWith(prefix)).sort();
  }

  /** Deletes a queue and its messages. */
  async deleteQueue(queueName: string): Promise<void> {
    const queues = await this.queues();
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
    await this.saveMetadata();
  }

  /** The requested attributes (`All` for every one), computed ones included. */
  async getAttributes(
    queueName: string,
    names: readonly string[] = ['All'],
  ): Promise<Record<string, string>> {
    const stored = await this.stored(queueName);
    for (const name of names) {
      if (name !== 'All' && !(name in SETTABLE) && !(COMPUTED as readonly string[]).includes(name)) {
        throw new SqsError(SqsErrorCode.INVALID_ATTRIBUTE_NAME, `Unknown Attribute ${name}.`, { name });
      }
    }
    const all = names.includes('All');
    const wanted = (name: string) => all || names.includes(name);
    const queue = await this.queue(queueName);
    const now = Date.now();
    let visible = 0;
    let inFlight = 0;
    let delayed = 0;
    for (const entry of queue.messages.values()) {
      if (entry.message.visibleAt > now && entry.receiveCount === 0) delayed += 1;
      else if (entry.invisibleUntil > now) inFlight += 1;
      else visible += 1;
    }
    const values: Record<string, string> = {
      QueueArn: this.queueArn(queueName),
      ApproximateNumberOfMessages: String(visible),
      ApproximateNumberOfMessagesNotVisible: String(inFlight),
      ApproximateNumberOfMessagesDelayed: String(delayed),
      CreatedTimestamp: String(stored.createdAt),
      LastModifiedTimestamp: String(stored.lastModifiedAt),
    };
    for (const name of Object.keys(SETTABLE)) {
      const value = stored.attributes[name] ?? SETTABLE[name].default;
      if (value !== '') values[name] = value;
    }
    return Object.fromEntries(Object.entries(values).filter(([name]) => wanted(name)));
  }

  async setAttributes(queueName: string, attributes: Readonly<Record<string, string>>): Promise<void> {
    const stored = await this.stored(queueName);
    const checked = await this.checkAttributes(attributes, queueName);
    for (const [name, value] of Object.entries(checked)) {
      if (value === '') delete stored.attributes[name];
      else stored.attributes[name] = value;
    }
    stored.lastModifiedAt = Math.floor(Date.now() / 1000);
    await this.saveMetadata();
  }

  /** Removes every message of the queue. */
  async purge(queueName: string): Promise<void> {
    await this.stored(queueName);
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
    const stored = await this.stored(queueName);
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
    const maxSize = Number(stored.attributes.MaximumMessageSize ?? SETTABLE.MaximumMessageSize.default);
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
      options.delaySeconds ?? Number(stored.attributes.DelaySeconds ?? SETTABLE.DelaySeconds.default);
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
      const stored = await this.stored(queueName);
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
    await this.stored(queueName);
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
    await this.stored(queueName);
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
        Number(stored.attributes.VisibilityTimeout ?? SETTABLE.VisibilityTimeout.default)) * 1000;
    const retentionMs =
      Number(stored.attributes.MessageRetentionPeriod ?? SETTABLE.MessageRetentionPeriod.default) * 1000;
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

  private async checkAttributes(
    attributes: Readonly<Record<string, string>>,
    queueName: string,
  ): Promise<Record<string, string>> {
    const checked: Record<string, string> = {};
    for (const [name, raw] of Object.entries(attributes)) {
      const spec = SETTABLE[name];
      if (spec === undefined || name === 'FifoQueue') {
        if (name === 'FifoQueue' && raw === 'false') continue;
        throw new SqsError(SqsErrorCode.INVALID_ATTRIBUTE_NAME, `Unknown Attribute ${name}.`, { name });
      }
      const value = String(raw);
      if (spec.min !== undefined && spec.max !== undefined) {
        const number = Number(value);
        if (value.trim() === '' || !Number.isInteger(number) || number < spec.min || number > spec.max) {
          throw invalidAttributeValue(name, value, `must be an integer from ${spec.min} to ${spec.max}`);
        }
      }
      if (name === 'RedrivePolicy' && value !== '') {
        const policy = parseRedrivePolicy(value);
        if (policy === undefined) {
          throw invalidAttributeValue(
            name,
            value,
            'Redrive policy must be a JSON object with deadLetterTargetArn and maxReceiveCount (1 to 1000).',
          );
        }
        const target = queueNameOfArn(policy.deadLetterTargetArn);
        if (target === undefined || target === queueName || !(await this.queueExists(target))) {
          throw invalidAttributeValue(name, value, 'Dead letter target does not exist.');
        }
        checked[name] = JSON.stringify(policy);
        continue;
      }
      checked[name] = value;
    }
    return checked;
  }

  private queues(): Promise<Map<string, StoredQueue>> {
    this.metadata ??= this.loadMetadata();
    return this.metadata;
  }

  private async stored(queueName: string): Promise<StoredQueue> {
    const stored = (await this.queues()).get(queueName);
    if (stored === undefined) throw new QueueDoesNotExistError(queueName);
    return stored;
  }

  private async loadMetadata(): Promise<Map<string, StoredQueue>> {
    await mkdir(this.directory, { recursive: true });
    const queues = new Map<string, StoredQueue>();
    try {
      const saved = JSON.parse(await readFile(path.join(this.directory, METADATA_FILE), 'utf8')) as {
        queues?: Record<string, StoredQueue>;
      };
      for (const [name, queue] of Object.entries(saved.queues ?? {})) queues.set(name, queue);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    // Queues that SQS targets filled before queues had attributes: defaults.
    for (const file of await readdir(this.directory)) {
      const name = file.endsWith('.jsonl') ? file.slice(0, -'.jsonl'.length) : undefined;
      if (name !== undefined && QUEUE_NAME.test(name) && !queues.has(name)) {
        const now = Math.floor(Date.now() / 1000);
        queues.set(name, { attributes: {}, createdAt: now, lastModifiedAt: now });
      }
    }
    return queues;
  }

  /** Writes `queues.json`; writes are serialized, each one with the state at its turn. */
  private saveMetadata(): Promise<void> {
    const write = this.saving.then(async () => {
      const queues = await this.queues();
      await writeFileAtomic(
        path.join(this.directory, METADATA_FILE),
        `${JSON.stringify({ queues: Object.fromEntries(queues) }, null, 2)}\n`,
      );
    });
    this.saving = write.catch(() => undefined);
    return write;
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

async function openQueue(name: string, filePath: string): Promise<QueueState> {
  const messages: QueueState['messages'] = new Map();
  let records = 0;
  try {
    for (const line of (await readFile(filePath, 'utf8')).split('\n')) {
      if (!line) continue;
      records += 1;
      let record: LogRecord;
      try {
        record = JSON.parse(line) as LogRecord;
      } catch {
        continue; // torn last line: never acknowledged
      }
      if (record.t === 's') {
        const { attributes: _legacy, ...stored } = record.m;
        const message: LocalQueueMessage = {
          ...stored,
          messageAttributes: stored.messageAttributes ?? {},
          visibleAt: stored.visibleAt ?? stored.sentAt,
          senderId: stored.senderId ?? LOCAL_ACCOUNT_ID,
        };
        const counted = record.m as { receiveCount?: number; firstReceivedAt?: number };
        messages.set(message.messageId, {
          message,
          invisibleUntil: 0,
          receiveCount: counted.receiveCount ?? 0,
          firstReceivedAt: counted.firstReceivedAt ?? 0,
        });
      } else if (record.t === 'd') messages.delete(record.id);
      else if (record.t === 'p') messages.clear();
      else if (record.t === 'r') {
        const entry = messages.get(record.id);
        if (entry) {
          entry.receiveCount = record.n;
          entry.firstReceivedAt = record.f;
        }
      }
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  // Compaction: a log mostly made of deleted messages is rewritten with the live ones.
  if (records > compactionThreshold(messages.size)) {
    await writeFileAtomic(filePath, liveRecords(messages));
    records = messages.size;
  }
  return {
    name,
    filePath,
    file: await GroupCommitFile.open(filePath),
    records,
    messages,
    waiters: new Set(),
    busy: 0,
    compacting: undefined,
    idle: undefined,
    closed: false,
  };
}

/** A log with more records than this (for so many live messages) is rewritten. */
function compactionThreshold(liveMessages: number): number {
  return 2 * liveMessages + 100;
}

/** The log of a queue holding just `messages`: one send record each, receive counts included. */
function liveRecords(messages: ReadonlyMap<string, Entry>): string {
  let text = '';
  for (const entry of messages.values()) {
    text += `${JSON.stringify({
      t: 's',
      m: { ...entry.message, receiveCount: entry.receiveCount, firstReceivedAt: entry.firstReceivedAt },
    })}\n`;
  }
  return text;
}

/**
 * Rewrites a running queue's log with its live messages and continues in a new file. Runs with the queue
 * locked: operations that started finish first (their records are in the old log and their changes in
 * `messages`), later ones wait until the new log is open.
 */
async function compact(queue: QueueState): Promise<void> {
  if (queue.busy > 0) {
    await new Promise<void>((resolve) => {
      queue.idle = resolve;
    });
    queue.idle = undefined;
  }
  if (queue.closed) return;
  const previous = queue.file;
  try {
    await previous.sync();
    await writeFileAtomic(queue.filePath, liveRecords(queue.messages));
  } catch (error) {
    console.warn(`${queue.filePath}: compaction failed, the log is kept as it is: ${String(error)}`);
    return;
  }
  queue.file = await GroupCommitFile.open(queue.filePath);
  queue.records = queue.messages.size;
  await previous.close();
}

function log(queue: QueueState, record: LogRecord): Promise<void> {
  queue.records += 1;
  return queue.file.append(`${JSON.stringify(record)}\n`);
}

function logLazy(queue: QueueState, record: LogRecord): void {
  queue.records += 1;
  queue.file.appendLazy(`${JSON.stringify(record)}\n`);
}

function wake(queue: QueueState): void {
  for (const waiter of [...queue.waiters]) waiter();
}

function checkQueueName(queueName: string): void {
  if (queueName.endsWith('.fifo')) {
    throw new SqsError(
      SqsErrorCode.UNSUPPORTED_OPERATION,
      'FIFO queues are not supported by the local runtime; use a standard queue.',
    );
  }
  if (!QUEUE_NAME.test(queueName)) {
    throw new SqsError(
      SqsErrorCode.INVALID_PARAMETER_VALUE,
      'Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length',
    );
  }
}

export function checkVisibilityTimeout(seconds: number): void {
  if (!Number.isInteger(seconds) || seconds < 0 || seconds > 43_200) {
    throw new SqsError(
      SqsErrorCode.INVALID_PARAMETER_VALUE,
      `Value ${seconds} for parameter VisibilityTimeout is invalid. Reason: Must be >= 0 and <= 43200.`,
    );
  }
}

function invalidAttributeValue(name: string, value: string, reason: string): SqsError {
  return new SqsError(
    SqsErrorCode.INVALID_ATTRIBUTE_VALUE,
    `Invalid value for the parameter ${name}. Reason: ${reason}`,
    { name, value },
  );
}

/** A RedrivePolicy attribute (maxReceiveCount may be a string, as SQS returns it), or undefined. */
export function parseRedrivePolicy(value: string | undefined): RedrivePolicy | undefined {
  if (!value) return undefined;
  try {
    const parsed = JSON.parse(value) as { deadLetterTargetArn?: unknown; maxReceiveCount?: unknown };
    const maxReceiveCount = Number(parsed.maxReceiveCount);
    if (
      typeof parsed.deadLetterTargetArn !== 'string' ||
      !Number.isInteger(maxReceiveCount) ||
      maxReceiveCount < 1 ||
      maxReceiveCount > 1000
    )
      return undefined;
    return { deadLetterTargetArn: parsed.deadLetterTargetArn, maxReceiveCount };
  } catch {
    return undefined;
  }
}

/** `arn:…:sqs:region:account:name` → name. */
function queueNameOfArn(arn: string): string | undefined {
  const parts = arn.split(':');
  return parts.length === 6 && parts[0] === 'arn' && parts[2] === 'sqs' ? parts[5] : undefined;
}

function receiptHandle(queueName: string, messageId: string): string {
  return Buffer.from(`${queueName} ${messageId} ${randomUUID()}`).toString('base64');
}

function parseReceiptHandle(handle: string, queueName: string): { messageId: string } {
  const [queue, messageId, nonce] = Buffer.from(handle, 'base64').toString('utf8').split(' ');
  if (queue !== queueName || !messageId || !nonce) {
    throw new SqsError(
      SqsErrorCode.RECEIPT_HANDLE_IS_INVALID,
      `The input receipt handle "${handle}" is not a valid receipt handle.`,
    );
  }
  return { messageId };
}

function attributesSize(attributes: Readonly<Record<string, SqsMessageAttribute>>): number {
  let size = 0;
  for (const [name, attribute] of Object.entries(attributes)) {
    size += Buffer.byteLength(name) + Buffer.byteLength(attribute.DataType);
    size += attribute.StringValue !== undefined ? Buffer.byteLength(attribute.StringValue) : 0;
    size += attribute.BinaryValue !== undefined ? Buffer.from(attribute.BinaryValue, 'base64').length : 0;
  }
  return size;
}

/** MD5 (hex) of a message body, as SQS returns it in `MD5OfBody` / `MD5OfMessageBody`. */
export function md5OfBody(body: string): string {
  return createHash('md5').update(body, 'utf8').digest('hex');
}

/** MD5 (hex) of message attributes, by SQS's documented encoding; undefined when there are none. */
export function md5OfMessageAttributes(
  attributes: Readonly<Record<string, SqsMessageAttribute>>,
): string | undefined {
  const names = Object.keys(attributes).sort();
  if (names.length === 0) return undefined;
  const hash = createHash('md5');
  const lengthPrefixed = (bytes: Buffer) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(bytes.length);
    hash.update(length);
    hash.update(bytes);
  };
  for (const name of names) {
    const attribute = attributes[name];
    lengthPrefixed(Buffer.from(name, 'utf8'));
    lengthPrefixed(Buffer.from(attribute.DataType, 'utf8'));
    if (attribute.BinaryValue !== undefined) {
      hash.update(Buffer.from([2]));
      lengthPrefixed(Buffer.from(attribute.BinaryValue, 'base64'));
    } else {
      hash.update(Buffer.from([1]));
      lengthPrefixed(Buffer.from(attribute.StringValue ?? '', 'utf8'));
    }
  }
  return hash.digest('hex');
}
