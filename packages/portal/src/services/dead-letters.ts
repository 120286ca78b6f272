import {
  type EventBridgeClient,
  PutEventsCommand,
  type PutEventsRequestEntry,
} from '@aws-sdk/client-eventbridge';
import {
  busName,
  consumerDeadLetterQueueName,
  DeadLetterAttribute,
  deadLetteredEvent,
  type JsonObject,
  NotFoundError,
  REDRIVE_DETAIL_TYPE,
  REDRIVE_SOURCE,
  type RedriveDetail,
  ValidationError,
  type ValidationProblem,
} from '@bridgeport/core';
import type { DeadLetterQueues, HeldMessage } from '../adapters/dead-letter-queue';
import type { PortalConfig } from '../config';
import type { SubscriptionRecord } from '../store/records';
import { step } from './step';

/** One dead letter of a subscription: a message of its dead-letter queue, as EventBridge wrote it. */
export interface DeadLetterView {
  /** The message id in the dead-letter queue. */
  readonly id: string;
  readonly subscription_id: string;
  /** The event, with its original id (for a redrive that failed again: the original event, not the request). */
  readonly event: JsonObject | string;
  readonly error_code: string;
  readonly error_message: string;
  readonly exhausted_retry_condition?: string;
  readonly retry_attempts?: number;
  readonly rule_arn?: string;
  readonly target_arn?: string;
  /** ISO-8601 time the event was dead-lettered. */
  readonly failed_at: string;
}

export interface DeadLetterList {
  readonly items: DeadLetterView[];
  /** Messages in the queue (SQS's approximate count): more than `items` when the listing was limited. */
  readonly approximate_count: number;
}

export interface RedriveResult {
  /** Dead letters put back on their way to the subscription; they left the list. */
  readonly redriven: string[];
  /** Dead letters that could not be redriven; they stay in the list. */
  readonly failed: { readonly id: string; readonly error: string }[];
  /** Requested ids that are not in the dead-letter queue. */
  readonly not_found: string[];
  /** Dead letters left in the queue after this redrive (approximate). */
  readonly remaining: number;
  readonly rate_per_second: number;
  readonly duration_ms: number;
}

/** Most dead letters one listing or one redrive reads. */
export const MAX_DEAD_LETTERS_PER_CALL = 100;
/** Redrive rate bounds (events per second). */
export const REDRIVE_RATE = { MIN: 5, DEFAULT: 25, MAX: 100 } as const;
/** PutEvents: at most 10 entries, 256 KiB in all (a margin is kept for the request's own fields). */
const PUT_EVENTS_ENTRIES = 10;
const PUT_EVENTS_BYTES = 240 * 1024;

export interface DeadLetterServiceOptions {
  readonly queues: DeadLetterQueues;
  readonly eventBridge: EventBridgeClient;
  readonly config: PortalConfig;
  /** Waits between redrive batches (tests may pass a fake). @default setTimeout */
  readonly sleep?: (ms: number) => Promise<void>;
}

/**
 * A subscription's dead letters: listed, discarded and redriven through its dead-letter queue, the one truth. A
 * redrive puts one request per dead letter on the bus that only the subscription's redrive rule matches; the rule
 * delivers the original event to the subscription's target with its retry policy, and a failure lands in the same
 * queue again as a new dead letter.
 */
export class DeadLetterService {
  private readonly queues: DeadLetterQueues;
  private readonly eventBridge: EventBridgeClient;
  private readonly config: PortalConfig;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(options: DeadLetterServiceOptions) {
    this.queues = options.queues;
    this.eventBridge = options.eventBridge;
    this.config = options.config;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  /** `GET /subscriptions/{id}/dead-letters`: oldest first, at most `limit`. */
  async list(subscription: SubscriptionRecord, limit: number): Promise<DeadLetterList> {
    const queueUrl = await this.queueUrl(subscription);
    if (queueUrl === undefined) return { items: [], approximate_count: 0 };
    const scan = await step('Reading the dead-letter queue', () => this.queues.scan(queueUrl, limit));
    await step('Releasing the dead-letter queue', () => this.queues.release(queueUrl, scan.messages));
    const count = await step('Counting the dead letters', () => this.queues.count(queueUrl));
    const items = scan.messages.sort((a, b) => a.sentAt - b.sentAt).map((m) => view(subscription.id, m));
    return { items, approximate_count: Math.max(count, items.length) };
  }

  /** `DELETE /subscriptions/{id}/dead-letters/{dl_id}`. */
  async discard(subscription: SubscriptionRecord, deadLetterId: string): Promise<void> {
    const queueUrl = await this.queueUrl(subscription);
    const scan =
      queueUrl === undefined
        ? undefined
        : await step('Reading the dead-letter queue', () =>
            this.queues.scan(queueUrl, Number.POSITIVE_INFINITY, (held) =>
              held.some((message) => message.messageId === deadLetterId),
            ),
          );
    const found = scan?.messages.find((message) => message.messageId === deadLetterId);
    if (queueUrl !== undefined && scan !== undefined) {
      const others = scan.messages.filter((message) => message !== found);
      await step('Releasing the dead-letter queue', () => this.queues.release(queueUrl, others));
      if (found !== undefined) {
        const failed = await step('Discarding the dead letter', () => this.queues.delete(queueUrl, [found]));
        if (failed.length === 0) return;
      }
    }
    throw new NotFoundError(`Dead letter ${deadLetterId} of subscription ${subscription.id} does not exist`, {
      context: { subscription_id: subscription.id, dead_letter_id: deadLetterId },
    });
  }

  /** `POST /subscriptions/{id}/dead-letters/redrive`. */
  async redrive(subscription: SubscriptionRecord, input: unknown): Promise<RedriveResult> {
    const request = readRedriveRequest(input);
    const started = Date.now();
    const queueUrl = await this.queueUrl(subscription);
    if (queueUrl === undefined) {
      return {
        redriven: [],
        failed: [],
        not_found: [...(request.ids ?? [])],
        remaining: 0,
        rate_per_second: request.ratePerSecond,
        duration_ms: Date.now() - started,
      };
    }
    const wanted = request.ids === undefined ? undefined : new Set(request.ids);
    // Every message is read before any is redriven, so a redrive that fails again during this call is not
    // picked up a second time.
    const scan = await step('Reading the dead-letter queue', () =>
      this.queues.scan(
        queueUrl,
        wanted === undefined ? MAX_DEAD_LETTERS_PER_CALL : Number.POSITIVE_INFINITY,
        (held) => wanted !== undefined && held.filter((m) => wanted.has(m.messageId)).length === wanted.size,
      ),
    );
    const selected = scan.messages
      .filter((message) => wanted === undefined || wanted.has(message.messageId))
      .sort((a, b) => a.sentAt - b.sentAt);
    const unselected = scan.messages.filter((message) => !selected.includes(message));
    await step('Releasing the dead-letter queue', () => this.queues.release(queueUrl, unselected));

    const redriven: string[] = [];
    const failed: { id: string; error: string }[] = [];
    const items: RedriveItem[] = [];
    for (const message of selected) {
      const item = this.entry(subscription, message);
      if (typeof item === 'string') failed.push({ id: message.messageId, error: item });
      else items.push(item);
    }
    let sent = 0;
    for (const batch of putEventsBatches(items, request.ratePerSecond)) {
      // Keeps the rate: the batch starts no earlier than `sent / rate` seconds after the start.
      const due = started + (sent / request.ratePerSecond) * 1000;
      if (due > Date.now()) await this.sleep(due - Date.now());
      sent += batch.length;
      const outcome = await this.put(batch);
      const done = batch.filter((_, index) => outcome[index] === undefined).map((item) => item.message);
      batch.forEach((item, index) => {
        const error = outcome[index];
        if (error !== undefined) failed.push({ id: item.message.messageId, error });
      });
      const undeleted = await step('Removing redriven dead letters', () =>
        this.queues.delete(queueUrl, done),
      );
      for (const message of done)
        if (!undeleted.includes(message.messageId)) redriven.push(message.messageId);
      for (const id of undeleted)
        failed.push({ id, error: 'Redriven, but could not be removed from the dead-letter queue' });
    }
    const failedIds = new Set(failed.map((failure) => failure.id));
    await step('Releasing the dead-letter queue', () =>
      this.queues.release(
        queueUrl,
        selected.filter((message) => failedIds.has(message.messageId)),
      ),
    );
    const found = new Set(selected.map((message) => message.messageId));
    return {
      redriven,
      failed,
      not_found: (request.ids ?? []).filter((id) => !found.has(id)),
      remaining: await step('Counting the dead letters', () => this.queues.count(queueUrl)),
      rate_per_second: request.ratePerSecond,
      duration_ms: Date.now() - started,
    };
  }

  /** Puts one batch; the error of each entry that failed (undefined for those put). */
  private async put(batch: readonly RedriveItem[]): Promise<(string | undefined)[]> {
    try {
      const result = await this.eventBridge.send(
        new PutEventsCommand({ Entries: batch.map((item) => item.entry) }),
      );
      return batch.map((_, index) => {
        const entry = result.Entries?.[index];
        return entry?.EventId
          ? undefined
          : `${entry?.ErrorCode ?? 'PutEvents'}: ${entry?.ErrorMessage ?? ''}`;
      });
    } catch (error) {
      const reason = `PutEvents failed: ${(error as Error).name}`;
      return batch.map(() => reason);
    }
  }

  private entry(subscription: SubscriptionRecord, message: HeldMessage): RedriveItem | string {
    const event = deadLetteredEvent(message.body);
    if (event === undefined) return 'The dead letter does not hold an event';
    const detail: RedriveDetail = {
      subscription_id: subscription.id,
      dead_letter_id: message.messageId,
      event,
    };
    const entry: PutEventsRequestEntry = {
      EventBusName: busName(this.config.environment),
      Source: REDRIVE_SOURCE,
      DetailType: REDRIVE_DETAIL_TYPE,
      Detail: JSON.stringify(detail),
    };
    const bytes = Buffer.byteLength(entry.Detail ?? '') + REDRIVE_SOURCE.length + REDRIVE_DETAIL_TYPE.length;
    if (bytes > PUT_EVENTS_BYTES) return 'The event is too large to redrive';
    return { message, entry, bytes };
  }

  private queueUrl(subscription: SubscriptionRecord): Promise<string | undefined> {
    const name = consumerDeadLetterQueueName(
      this.config.environment,
      subscription.event_type,
      subscription.version,
      subscription.id,
    );
    return step('Finding the dead-letter queue', () => this.queues.url(name));
  }
}

interface RedriveItem {
  readonly message: HeldMessage;
  readonly entry: PutEventsRequestEntry;
  readonly bytes: number;
}

/** Groups redrive entries into PutEvents requests (≤10 entries, ≤ the size limit, ≤ one second's rate). */
function* putEventsBatches(items: readonly RedriveItem[], ratePerSecond: number): Generator<RedriveItem[]> {
  const most = Math.min(PUT_EVENTS_ENTRIES, ratePerSecond);
  let batch: RedriveItem[] = [];
  let bytes = 0;
  for (const item of items) {
    if (batch.length === most || bytes + item.bytes > PUT_EVENTS_BYTES) {
      yield batch;
      batch = [];
      bytes = 0;
    }
    batch.push(item);
    bytes += item.bytes;
  }
  if (batch.length > 0) yield batch;
}

interface RedriveRequest {
  readonly ids?: readonly string[];
  readonly ratePerSecond: number;
}

function readRedriveRequest(input: unknown): RedriveRequest {
  const body = input ?? {};
  const problems: ValidationProblem[] = [];
  if (typeof body !== 'object' || Array.isArray(body)) {
    throw new ValidationError('The redrive request is not valid', [
      { path: '$', message: 'must be a JSON object' },
    ]);
  }
  const { ids, rate_per_second: rate, ...rest } = body as Record<string, unknown>;
  for (const name of Object.keys(rest)) problems.push({ path: `$.${name}`, message: 'is not a known field' });
  if (
    ids !== undefined &&
    (!Array.isArray(ids) ||
      ids.length < 1 ||
      ids.length > MAX_DEAD_LETTERS_PER_CALL ||
      !ids.every((id) => typeof id === 'string' && /^[A-Za-z0-9-]{1,100}$/.test(id)) ||
      new Set(ids).size !== ids.length)
  ) {
    problems.push({
      path: '$.ids',
      message: `must be 1 to ${MAX_DEAD_LETTERS_PER_CALL} distinct dead-letter ids`,
    });
  }
  if (
    rate !== undefined &&
    !(Number.isInteger(rate) && (rate as number) >= REDRIVE_RATE.MIN && (rate as number) <= REDRIVE_RATE.MAX)
  ) {
    problems.push({
      path: '$.rate_per_second',
      message: `must be an integer from ${REDRIVE_RATE.MIN} to ${REDRIVE_RATE.MAX}`,
    });
  }
  if (problems.length > 0) throw new ValidationError('The redrive request is not valid', problems);
  return {
    ...(ids === undefined ? {} : { ids: ids as string[] }),
    ratePerSecond: (rate as number | undefined) ?? REDRIVE_RATE.DEFAULT,
  };
}

function view(subscriptionId: string, message: HeldMessage): DeadLetterView {
  const a = message.attributes;
  const retries = a[DeadLetterAttribute.RETRY_ATTEMPTS];
  return {
    id: message.messageId,
    subscription_id: subscriptionId,
    event: deadLetteredEvent(message.body) ?? message.body,
    error_code: a[DeadLetterAttribute.ERROR_CODE] ?? 'UNKNOWN',
    error_message: a[DeadLetterAttribute.ERROR_MESSAGE] ?? '',
    ...(a[DeadLetterAttribute.EXHAUSTED_RETRY_CONDITION] === undefined
      ? {}
      : { exhausted_retry_condition: a[DeadLetterAttribute.EXHAUSTED_RETRY_CONDITION] }),
    ...(retries === undefined || !/^\d+$/.test(retries) ? {} : { retry_attempts: Number(retries) }),
    ...(a[DeadLetterAttribute.RULE_ARN] === undefined ? {} : { rule_arn: a[DeadLetterAttribute.RULE_ARN] }),
    ...(a[DeadLetterAttribute.TARGET_ARN] === undefined
      ? {}
      : { target_arn: a[DeadLetterAttribute.TARGET_ARN] }),
    failed_at: new Date(message.sentAt).toISOString(),
  };
}
