/**
 * The local EventBridge bus. Kept as one class past ~400 lines on purpose: accepting an event (PutEvents,
 * scheduled and replayed events) and owing its deliveries share one piece of state, the per-target lanes with
 * their in-flight counts, retry timers and the outstanding count that `whenIdle()` and `close()` wait on, and
 * every delivery step (attempt, retry, dead letter, settle) is on the hot path, where a split would add calls
 * across objects. Everything else lives beside it: the request and entry rules (`put-events-entry.ts`), the
 * target's body (`payload.ts`), routing (`topology.ts`), the event log (`event-store.ts`), archives, replays,
 * the scheduler and the target dispatchers.
 */
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { DEFAULT_MAX_EVENT_SIZE_BYTES, eventEntrySize } from '@bridgeport/broker';
import { LOCAL_ACCOUNT_ID, LOCAL_REGION } from '@bridgeport/core';
import type { ApiDestinations } from '../deployer/api-destinations';
import { EventArchives } from './archive';
import { FileDeadLetterStore } from './dead-letters';
import { BusValidationError, TargetDeliveryError } from './errors';
import { type DeliveryAddress, EventStore, type StoredEvent } from './event-store';
import { renderPayload } from './payload';
import { formatTime, invalidArgument, toDate, validateEntryCount } from './put-events-entry';
import { Replays } from './replays';
import { RuleScheduler, type RuleSchedulerOptions } from './scheduler';
import { type TargetDispatcher, TargetDispatchers } from './targets/dispatcher';
import { DEFAULT_EVENT_BUS, Topology } from './topology';
import {
  type DeadLetter,
  type DeadLetterSink,
  type DeliveryReport,
  type EventBridgeEvent,
  ExhaustedRetryCondition,
  type PutEventsEntry,
  type PutEventsResult,
  type PutEventsResultEntry,
  type RuleDescription,
  type TargetDefinition,
} from './types';

/** EventBridge's limit on one PutEvents request. */
/** The broker's limit, so the injector, the forwarder and the local bus refuse the same events. */
export { DEFAULT_MAX_EVENT_SIZE_BYTES };
export const DEFAULT_RETRY_ATTEMPTS = 185;
export const DEFAULT_MAXIMUM_EVENT_AGE_SECONDS = 86_400;

export interface BackoffOptions {
  /** First retry delay before jitter. Default 1000 ms. */
  readonly baseMs?: number;
  /** Largest delay. Default 60 000 ms. */
  readonly capMs?: number;
}

export interface LocalBusOptions {
  /** Directory for the event log, the topology and the default dead-letter store. */
  readonly dataDir: string;
  /** Default `LOCAL_ACCOUNT_ID`. */
  readonly account?: string;
  /** Default `LOCAL_REGION`. */
  readonly region?: string;
  /** Default `aws`. */
  readonly partition?: string;
  /** Total size limit of one PutEvents request (EventBridge's formula). Default 256 KiB. */
  readonly maxEventSizeBytes?: number;
  /** How targets are reached, by ARN kind. Without any, nothing can be delivered (everything dead-letters). */
  readonly dispatchers?: readonly TargetDispatcher[];
  /** Where undeliverable events go. Default: a `FileDeadLetterStore` at `<dataDir>/dead-letters.jsonl`. */
  readonly deadLetterSink?: DeadLetterSink;
  readonly backoff?: BackoffOptions;
  /** Concurrent deliveries per target. Default 64. */
  readonly maxConcurrencyPerTarget?: number;
  /** Observer of every delivery outcome (metrics, logs, tests). */
  readonly onDelivery?: (report: DeliveryReport) => void;
  /** Observer of the rules each accepted (or replayed) event matched (metrics). */
  readonly onMatched?: (eventBusName: string, ruleNames: readonly string[]) => void;
  /** Event log segment size. Default 32 MiB. */
  readonly segmentBytes?: number;
  /** Rules per bus. Default 300. */
  readonly maxRulesPerBus?: number;
  /** Events a replay puts back per second at most. Default 500. */
  readonly replayRatePerSecond?: number;
  /** The API destinations (and their connections) the EventBridge API lists. Default: none. */
  readonly apiDestinations?: ApiDestinations;
  /** The clock and tick of scheduled rules. Default: `Date.now`, looking for due rules every second. */
  readonly scheduler?: Pick<RuleSchedulerOptions, 'now' | 'tickMs'>;
}

interface Job {
  readonly stored: StoredEvent;
  readonly index: number;
  attempts: number;
}

interface Lane {
  inFlight: number;
  readonly queue: Job[];
  head: number;
}

/**
 * The local EventBridge bus: PutEvents acknowledges an event only once it is in the durable event log;
 * matching rules' targets are then delivered at least once, with retries per each target's RetryPolicy
 * and exponential backoff with jitter, and undeliverable events go to the dead-letter sink. Pending
 * deliveries survive a restart (or a crash) and resume on `LocalBus.open`.
 */
export class LocalBus {
  readonly topology: Topology;
  readonly dispatchers: TargetDispatchers;
  readonly account: string;
  readonly region: string;
  readonly maxEventSizeBytes: number;
  /** The default dead-letter store, when no sink was given. */
  readonly deadLetters: FileDeadLetterStore | undefined;
  /** The buses' archives (`ListArchives`, `DescribeArchive`); every accepted event is archived by its bus. */
  readonly archives: EventArchives;
  private replayRunner: Replays | undefined;
  readonly apiDestinations: ApiDestinations | undefined;
  /** Runs the rules that have a `ScheduleExpression`. */
  readonly scheduler: RuleScheduler;
  private readonly store: EventStore;
  private readonly sink: DeadLetterSink;
  private readonly lanes = new Map<string, Lane>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly sleepers = new Set<() => void>();
  private readonly running = new Set<Promise<void>>();
  private readonly baseMs: number;
  private readonly capMs: number;
  private readonly maxConcurrency: number;
  private readonly onDelivery: ((report: DeliveryReport) => void) | undefined;
  private readonly onMatched: LocalBusOptions['onMatched'];
  private closed = false;
  private idleWaiters: (() => void)[] = [];
  private outstanding = 0;

  private constructor(
    options: LocalBusOptions,
    parts: {
      topology: Topology;
      store: EventStore;
      archives: EventArchives;
      deadLetters?: FileDeadLetterStore;
    },
  ) {
    this.topology = parts.topology;
    this.archives = parts.archives;
    this.store = parts.store;
    this.deadLetters = parts.deadLetters;
    this.account = options.account ?? LOCAL_ACCOUNT_ID;
    this.region = options.region ?? LOCAL_REGION;
    this.maxEventSizeBytes = options.maxEventSizeBytes ?? DEFAULT_MAX_EVENT_SIZE_BYTES;
    this.dispatchers = new TargetDispatchers(options.dispatchers ?? []);
    const fallbackSink = parts.deadLetters?.sink;
    this.sink = options.deadLetterSink ?? fallbackSink ?? (() => undefined);
    this.baseMs = options.backoff?.baseMs ?? 1000;
    this.capMs = options.backoff?.capMs ?? 60_000;
    this.maxConcurrency = options.maxConcurrencyPerTarget ?? 64;
    this.onDelivery = options.onDelivery;
    this.onMatched = options.onMatched;
    this.apiDestinations = options.apiDestinations;
    this.scheduler = new RuleScheduler({
      topology: this.topology,
      account: this.account,
      region: this.region,
      emit: (eventBusName, ruleName, event) => this.putRuleEvent(eventBusName, ruleName, event),
      ...options.scheduler,
    });
  }

  /** Opens (or creates) the bus in `dataDir` and resumes every delivery still owed. */
  static async open(options: LocalBusOptions): Promise<LocalBus> {
    const account = options.account ?? LOCAL_ACCOUNT_ID;
    const region = options.region ?? LOCAL_REGION;
    const topology = await Topology.open(path.join(options.dataDir, 'topology.json'), {
      account,
      region,
      partition: options.partition,
      maxRulesPerBus: options.maxRulesPerBus,
      ...(options.scheduler?.now === undefined ? {} : { now: options.scheduler.now }),
    });
    const { store, recovered } = await EventStore.open(path.join(options.dataDir, 'events'), {
      segmentBytes: options.segmentBytes,
    });
    const deadLetters = options.deadLetterSink
      ? undefined
      : await FileDeadLetterStore.open(path.join(options.dataDir, 'dead-letters.jsonl'));
    const archives = await EventArchives.open(path.join(options.dataDir, 'archives'));
    const bus = new LocalBus(options, { topology, store, archives, deadLetters });
    const partition = options.partition ?? 'aws';
    bus.replayRunner = await Replays.open({
      archives,
      file: path.join(options.dataDir, 'replays.json'),
      target: (busArn, event, ruleArns) => bus.putReplayedEvent(busArn, event, ruleArns),
      replayArn: (name) => `arn:${partition}:events:${region}:${account}:replay/${name}`,
      ruleExists: (busArn, ruleArn) => {
        const busName = topology.resolveBusName(busArn);
        const ruleName = ruleArn.slice(ruleArn.lastIndexOf('/') + 1);
        return (
          topology.findRule(busName, ruleName) !== undefined &&
          topology.ruleArn(busName, ruleName) === ruleArn
        );
      },
      ratePerSecond: options.replayRatePerSecond,
    });
    for (const { stored, index, attempts } of recovered) bus.enqueue({ stored, index, attempts });
    return bus;
  }

  /** Replays from the archives (`StartReplay`, `DescribeReplay`, `ListReplays`, `CancelReplay`). */
  get replays(): Replays {
    if (this.replayRunner === undefined) throw new Error('The bus is not open.');
    return this.replayRunner;
  }

  /**
   * Puts a replayed event back on its bus, routed only to the rules in `ruleArns` (every rule when undefined).
   * It is not archived again.
   */
  async putReplayedEvent(
    busArn: string,
    event: EventBridgeEvent,
    ruleArns: readonly string[] | undefined,
  ): Promise<void> {
    if (this.closed) throw new Error('The bus is closed.');
    const eventBusName = this.topology.resolveBusName(busArn);
    const allowed = ruleArns === undefined ? undefined : new Set(ruleArns);
    const deliveries = this.topology
      .route(eventBusName, event)
      .filter(
        (address) =>
          allowed === undefined || allowed.has(this.topology.ruleArn(eventBusName, address.ruleName)),
      );
    if (deliveries.length === 0) return;
    const [record] = await this.store.append([
      { eventBusName, event, eventJson: JSON.stringify(event), deliveries },
    ]);
    if (record === undefined) return;
    this.reportMatched(record);
    for (let index = 0; index < record.deliveries.length; index += 1) {
      this.enqueue({ stored: record, index, attempts: 0 });
    }
  }

  /** Registers how to deliver to another kind of target (takes precedence over earlier ones). */
  registerDispatcher(dispatcher: TargetDispatcher): void {
    this.dispatchers.register(dispatcher);
  }

  /**
   * PutEvents: validates the request (1–10 entries, total size) and each entry, builds the events,
   * routes them, stores them durably and only then answers. Per-entry failures are reported in
   * `Entries` (index-aligned) and counted in `FailedEntryCount`.
   */
  async putEvents(entries: readonly PutEventsEntry[]): Promise<PutEventsResult> {
    if (this.closed) throw new Error('The bus is closed.');
    validateEntryCount(entries);
    const size = entries.reduce((total, entry) => total + eventEntrySize(entry), 0);
    if (size > this.maxEventSizeBytes) {
      throw new BusValidationError('Total size of the entries in the request is over the limit.');
    }
    const results: PutEventsResultEntry[] = new Array(entries.length);
    const accepted: {
      position: number;
      eventBusName: string;
      event: EventBridgeEvent;
      eventJson: string;
      deliveries: DeliveryAddress[];
    }[] = [];
    const now = new Date();
    entries.forEach((entry, position) => {
      const built = this.buildEvent(entry, now);
      if (!('event' in built)) {
        results[position] = built;
        return;
      }
      const deliveries = this.topology.route(built.eventBusName, built.event);
      accepted.push({ position, ...built, deliveries });
    });
    if (accepted.length > 0) {
      const stored = await this.store.append(accepted);
      const busName = accepted[0].eventBusName;
      if (accepted.every((item) => item.eventBusName === busName)) this.archives.record(busName, accepted);
      else {
        for (const name of new Set(accepted.map((item) => item.eventBusName))) {
          this.archives.record(
            name,
            accepted.filter((item) => item.eventBusName === name),
          );
        }
      }
      for (let i = 0; i < stored.length; i += 1) {
        const record = stored[i];
        results[accepted[i].position] = { EventId: record.event.id };
        this.reportMatched(record);
        for (let index = 0; index < record.deliveries.length; index += 1) {
          this.enqueue({ stored: record, index, attempts: 0 });
        }
      }
    }
    return { FailedEntryCount: entries.length - accepted.length, Entries: results };
  }

  /** Stores an event EventBridge itself sends (a scheduled rule's) and delivers it to that rule's targets only. */
  async putRuleEvent(eventBusName: string, ruleName: string, event: EventBridgeEvent): Promise<void> {
    if (this.closed) return;
    const deliveries = this.topology.routeToRule(eventBusName, ruleName);
    if (deliveries.length === 0) return;
    const [record] = await this.store.append([
      { eventBusName, event, eventJson: JSON.stringify(event), deliveries },
    ]);
    if (record === undefined) return;
    for (let index = 0; index < record.deliveries.length; index += 1) {
      this.enqueue({ stored: record, index, attempts: 0 });
    }
  }

  /** Resolves when no delivery is in flight, queued or waiting for a retry (for tests and shutdown). */
  whenIdle(): Promise<void> {
    if (this.outstanding === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Number of deliveries not yet completed (queued, in flight or waiting to retry). */
  get pendingDeliveries(): number {
    return this.outstanding;
  }

  /** Stops delivering, waits for in-flight attempts and closes the log. Owed deliveries resume on the next open. */
  async close(): Promise<void> {
    if (this.closed) return;
    await this.scheduler.close();
    this.closed = true;
    await this.replayRunner?.close();
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    for (const wake of this.sleepers) wake();
    await Promise.allSettled([...this.running]);
    await this.topology.flush();
    await this.store.close();
    await this.archives.close();
    await this.deadLetters?.close();
    await this.dispatchers.close();
  }

  // ---- building events ---------------------------------------------------------------------

  private buildEvent(
    entry: PutEventsEntry,
    now: Date,
  ): { eventBusName: string; event: EventBridgeEvent; eventJson: string } | PutEventsResultEntry {
    if (typeof entry.Source !== 'string' || entry.Source === '') {
      return invalidArgument('Source');
    }
    // Sources starting with `aws.` are AWS services' own: PutEvents refuses them, entry by entry.
    if (entry.Source.startsWith('aws.')) {
      return { ErrorCode: 'NotAuthorizedForSourceException', ErrorMessage: 'Not authorized for the source.' };
    }
    if (typeof entry.DetailType !== 'string' || entry.DetailType === '') {
      return invalidArgument('DetailType');
    }
    if (typeof entry.Detail !== 'string' || entry.Detail === '') {
      return invalidArgument('Detail');
    }
    let detail: unknown;
    try {
      detail = JSON.parse(entry.Detail);
    } catch {
      detail = undefined;
    }
    if (typeof detail !== 'object' || detail === null || Array.isArray(detail)) {
      return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' };
    }
    const eventBusName = this.topology.resolveBusName(entry.EventBusName);
    if (!this.topology.hasEventBus(eventBusName)) {
      return {
        ErrorCode: 'ResourceNotFoundException',
        ErrorMessage: `Event bus ${eventBusName} does not exist.`,
      };
    }
    const time = entry.Time === undefined ? now : toDate(entry.Time);
    if (!time) return { ErrorCode: 'InvalidArgument', ErrorMessage: 'Parameter Time is not valid.' };
    const resources = entry.Resources ?? [];
    if (!Array.isArray(resources) || resources.some((resource) => typeof resource !== 'string')) {
      return { ErrorCode: 'InvalidArgument', ErrorMessage: 'Parameter Resources is not valid.' };
    }
    const event: EventBridgeEvent = {
      version: '0',
      id: randomUUID(),
      'detail-type': entry.DetailType,
      source: entry.Source,
      account: this.account,
      time: formatTime(time),
      region: this.region,
      resources: [...resources],
      detail,
    };
    return { eventBusName: eventBusName || DEFAULT_EVENT_BUS, event, eventJson: JSON.stringify(event) };
  }

  // ---- delivery ----------------------------------------------------------------------------

  private enqueue(job: Job): void {
    this.outstanding += 1;
    this.push(job);
  }

  private push(job: Job): void {
    if (this.closed) return;
    const address = job.stored.deliveries[job.index];
    const key = `${job.stored.eventBusName}\u0000${address.ruleName}\u0000${address.targetId}`;
    let lane = this.lanes.get(key);
    if (!lane) {
      lane = { inFlight: 0, queue: [], head: 0 };
      this.lanes.set(key, lane);
    }
    lane.queue.push(job);
    this.drain(key, lane);
  }

  private drain(key: string, lane: Lane): void {
    while (!this.closed && lane.inFlight < this.maxConcurrency && lane.head < lane.queue.length) {
      const job = lane.queue[lane.head++];
      if (lane.head > 1024 && lane.head * 2 > lane.queue.length) {
        lane.queue.splice(0, lane.head);
        lane.head = 0;
      }
      lane.inFlight += 1;
      const run = this.attempt(job).finally(() => {
        lane.inFlight -= 1;
        this.running.delete(run);
        if (lane.inFlight === 0 && lane.head >= lane.queue.length) {
          this.lanes.delete(key);
        } else {
          this.drain(key, lane);
        }
      });
      this.running.add(run);
    }
  }

  private async attempt(job: Job): Promise<void> {
    const { stored, index } = job;
    const address = stored.deliveries[index];
    const routed = this.topology.findTarget(stored.eventBusName, address.ruleName, address.targetId);
    const rule = routed?.rule ?? this.topology.findRule(stored.eventBusName, address.ruleName);
    if (!routed) {
      await this.deadLetter(job, rule, undefined, {
        code: 'NO_RESOURCE',
        message: `Target ${address.targetId} of rule ${address.ruleName} no longer exists.`,
      });
      return;
    }
    const dispatcher = this.dispatchers.resolve(routed.target.Arn);
    if (!dispatcher) {
      // Retryable: a dispatcher may be registered after the bus opened.
      job.attempts += 1;
      await this.retryOrDeadLetter(
        job,
        routed.rule,
        routed.target,
        new TargetDeliveryError(
          'UNSUPPORTED_TARGET',
          `No local delivery is configured for ${routed.target.Arn}.`,
          true,
        ),
      );
      return;
    }
    job.attempts += 1;
    try {
      const payload = renderPayload(routed.target, stored, routed.rule);
      if (payload === undefined) {
        throw new TargetDeliveryError(
          'INVALID_INPUT_TRANSFORMATION',
          `The InputTransformer of target ${routed.target.Id} did not produce valid JSON.`,
          false,
        );
      }
      await dispatcher.deliver({
        event: stored.event,
        eventJson: stored.eventJson,
        payload,
        rule: routed.rule,
        target: routed.target,
        attempt: job.attempts,
      });
    } catch (error) {
      const failure =
        error instanceof TargetDeliveryError
          ? error
          : new TargetDeliveryError(
              'DELIVERY_ERROR',
              error instanceof Error ? error.message : String(error),
              true,
            );
      await this.retryOrDeadLetter(job, routed.rule, routed.target, failure);
      return;
    }
    this.store.markDone(stored.seq, index);
    this.report(job, 'delivered');
    this.settle();
  }

  private async retryOrDeadLetter(
    job: Job,
    rule: RuleDescription,
    target: TargetDefinition,
    failure: TargetDeliveryError,
  ): Promise<void> {
    const failureInfo = { code: failure.code, message: failure.message };
    if (!failure.retryable) {
      await this.deadLetter(job, rule, target, failureInfo);
      return;
    }
    const maxRetries = target.RetryPolicy?.MaximumRetryAttempts ?? DEFAULT_RETRY_ATTEMPTS;
    const maxAgeMs =
      (target.RetryPolicy?.MaximumEventAgeInSeconds ?? DEFAULT_MAXIMUM_EVENT_AGE_SECONDS) * 1000;
    if (job.attempts - 1 >= maxRetries) {
      await this.deadLetter(job, rule, target, failureInfo, ExhaustedRetryCondition.MAXIMUM_RETRY_ATTEMPTS);
      return;
    }
    const delay = this.backoff(job.attempts);
    if (Date.now() + delay - job.stored.ingestedAt > maxAgeMs) {
      await this.deadLetter(job, rule, target, failureInfo, ExhaustedRetryCondition.MAXIMUM_EVENT_AGE);
      return;
    }
    this.store.recordAttempts(job.stored.seq, job.index, job.attempts);
    this.report(job, 'retrying', failureInfo, delay);
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.push(job);
    }, delay);
    this.timers.add(timer);
  }

  private async deadLetter(
    job: Job,
    rule: RuleDescription | undefined,
    target: TargetDefinition | undefined,
    failure: { code: string; message: string },
    exhausted?: ExhaustedRetryCondition,
  ): Promise<void> {
    const address = job.stored.deliveries[job.index];
    const deadLetter: DeadLetter = {
      eventBusName: job.stored.eventBusName,
      ruleName: address.ruleName,
      ruleArn: rule?.Arn ?? this.topology.ruleArn(job.stored.eventBusName, address.ruleName),
      targetId: address.targetId,
      ...(target ? { targetArn: target.Arn } : {}),
      ...(target?.DeadLetterConfig?.Arn ? { deadLetterArn: target.DeadLetterConfig.Arn } : {}),
      event: job.stored.event,
      errorCode: failure.code,
      errorMessage: failure.message,
      attempts: job.attempts,
      ...(exhausted ? { exhaustedRetryCondition: exhausted } : {}),
      failedAt: new Date().toISOString(),
    };
    for (let handOver = 1; ; handOver += 1) {
      try {
        await this.sink(deadLetter);
        break;
      } catch {
        if (this.closed) return; // owed: resumes (and dead-letters again) after a restart
        await this.sleep(this.backoff(handOver));
      }
    }
    this.store.markDone(job.stored.seq, job.index);
    this.report(job, 'dead-lettered', failure, undefined, target?.DeadLetterConfig?.Arn);
    this.settle();
  }

  /** A delay that `close()` cuts short. */
  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = (): void => {
        clearTimeout(timer);
        this.sleepers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.sleepers.add(wake);
    });
  }

  private backoff(attempts: number): number {
    const exponential = Math.min(this.capMs, this.baseMs * 2 ** Math.min(attempts - 1, 30));
    return Math.round(exponential / 2 + Math.random() * (exponential / 2));
  }

  private report(
    job: Job,
    outcome: DeliveryReport['outcome'],
    failure?: { code: string; message: string },
    retryInMs?: number,
    deadLetterArn?: string,
  ): void {
    if (!this.onDelivery) return;
    const address = job.stored.deliveries[job.index];
    this.onDelivery({
      eventBusName: job.stored.eventBusName,
      ruleName: address.ruleName,
      targetId: address.targetId,
      eventId: job.stored.event.id,
      attempt: job.attempts,
      outcome,
      ...(failure ? { errorCode: failure.code, errorMessage: failure.message } : {}),
      ...(retryInMs !== undefined ? { retryInMs } : {}),
      ingestedAt: job.stored.ingestedAt,
      ...(deadLetterArn === undefined ? {} : { deadLetterArn }),
    });
  }

  private reportMatched(record: StoredEvent): void {
    const { deliveries } = record;
    if (!this.onMatched || deliveries.length === 0) return;
    // Most events match one rule with one target: no set to build for them.
    const ruleNames =
      deliveries.length === 1
        ? [deliveries[0].ruleName]
        : [...new Set(deliveries.map((address) => address.ruleName))];
    this.onMatched(record.eventBusName, ruleNames);
  }

  private settle(): void {
    this.outstanding -= 1;
    if (this.outstanding === 0) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const resolve of waiters) resolve();
    }
  }
}
