import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { Readable } from 'node:stream';
import {
  DeleteRuleCommand,
  type EventBridgeClient,
  ListRulesCommand,
  ListTargetsByRuleCommand,
  PutRuleCommand,
  PutTargetsCommand,
  RemoveTargetsCommand,
} from '@aws-sdk/client-eventbridge';
import {
  GetObjectCommand,
  type GetObjectCommandOutput,
  ListObjectsV2Command,
  type S3Client,
} from '@aws-sdk/client-s3';
import {
  CreateQueueCommand,
  DeleteQueueCommand,
  GetQueueUrlCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { resolveProducer, s3ManifestVersions } from '@bridgeport/broker';
import {
  type ConsumerPlan,
  ConsumerType,
  consumerPlan,
  DeploymentAction,
  DeploymentStatus,
  type HttpsConsumerTarget,
  isLifecycleChange,
  type ManifestKey,
  type ManifestVersionReader,
  type ProducerPlan,
  ProducerType,
  parseConsumerManifest,
  parseManifestKey,
  parseProducerManifest,
  reconcileManifest,
  SUBSCRIPTION_HEADER,
  scopedArn,
  type ValidationProblem,
} from '@bridgeport/core';
import type { S3Notifications, S3ObjectNotification } from '../aws/s3/server';
import { writeFileAtomic } from '../bus/durable-file';
import type { ApiDestinationDetails, ApiDestinations } from './api-destinations';
import type { ProducerRoutes } from './producers';
import type { SqsProducerRunner } from './sqs-producers';

/** Where the deployer records deployment statuses: the portal's `EventStore` (the portal reads them there). */
export interface DeploymentStatusStore {
  setProducerStatus(
    eventType: string,
    version: number,
    status: DeploymentStatus,
    reason?: string,
  ): Promise<boolean>;
  setSubscriptionStatus(subscriptionId: string, status: DeploymentStatus, reason?: string): Promise<boolean>;
  /**
   * The version's record, for its recorded status: with it (and `stateFile`), a restart leaves the status of a
   * producer that is ACTIVE with unchanged content alone instead of recording DEPLOYING and ACTIVE again.
   */
  getVersion?(eventType: string, version: number): Promise<{ readonly status: string } | undefined>;
  /** The subscription's record, for its recorded status (see `getVersion`). */
  getSubscription?(subscriptionId: string): Promise<{ readonly status: string } | undefined>;
}

export interface LocalDeployerOptions {
  readonly s3: S3Client;
  readonly eventBridge: EventBridgeClient;
  readonly notifications: S3Notifications;
  readonly publisherBucket: string;
  readonly subscriberBucket: string;
  /** The environment's bus: rules on it that the deployer made but no manifest asks for are removed. */
  readonly busName: string;
  readonly statuses: DeploymentStatusStore;
  readonly producers: ProducerRoutes;
  readonly destinations: ApiDestinations;
  /**
   * Runs SQS producers (ingress queue, dead-letter queue, forwarder); the deployer closes it when it closes.
   * @default none: SQS producers are recorded FAILED
   */
  readonly sqsProducers?: SqsProducerRunner;
  /**
   * Creates each consumer's dead-letter queue (and deletes it with the consumer), as the consumer stack does.
   * @default none: dead letters of consumers go to the runtime's file of unrouted dead letters
   */
  readonly sqs?: SQSClient;
  /** ARN partition of the local account. @default 'aws' */
  readonly partition?: string;
  readonly log?: (message: string) => void;
  /**
   * Longest that applying or removing one manifest may take. Beyond it the change is abandoned, recorded FAILED
   * with the reason, and tried again on the manifest's next change or at the next start.
   * @default 15 000 ms
   */
  readonly taskTimeoutMs?: number;
  /** Longest that `close()` waits for changes being applied before abandoning them. @default 5000 ms */
  readonly closeTimeoutMs?: number;
  /** Most manifests applied at the same time (changes of one manifest are always applied one at a time). @default 8 */
  readonly concurrency?: number;
  /**
   * A file where the deployer keeps a digest of the content each manifest was last applied from, so that a
   * restart does not record statuses again for manifests that are ACTIVE with the same content.
   * @default none: every manifest's status is recorded again at start
   */
  readonly stateFile?: string;
  /** HTTPS consumers may be on this machine (plain http included). @default true */
  readonly allowLoopbackTargets?: boolean;
}

/** The work owed for one manifest key: at most one run at a time, later changes coalesced into one more run. */
interface KeyWork {
  /** A change arrived that the current run (if any) has not read yet. */
  again: boolean;
  /** The run in progress, to abandon it. */
  controller: AbortController | undefined;
  /** Settles once no run is owed for the key. */
  done: Promise<void>;
}

/** Why a run was abandoned. */
const Abandoned = { TIMEOUT: 'timeout', CLOSING: 'closing' } as const;

const STATE_FORMAT = 1;

/** What one applied manifest created, so that its removal tears down exactly that. */
type Applied =
  | { readonly kind: 'producer'; readonly plan: ProducerPlan }
  | { readonly kind: 'consumer'; readonly plan: ConsumerPlan; readonly targetArn: string };

/** Rules the local deployer creates carry this description prefix; it is how orphans are recognised. */
export const DEPLOYED_RULE_DESCRIPTION = 'Deployed by the Bridgeport local deployer for subscription';

/**
 * The local stand-in for the deployment pipeline. It listens to the publisher and subscriber buckets and,
 * for each manifest, applies core's plan: a producer route for the local producer endpoint, or a rule on the
 * local EventBridge (the plan's pattern, target, retry policy and dead-letter queue) through the EventBridge
 * API. A removed manifest tears the same down. Statuses go where the portal reads them: DEPLOYING, then
 * ACTIVE or FAILED with the reason.
 *
 * A change is applied by reading the manifest as it is now: present, it is applied; gone, what it made is torn
 * down. Changes of one manifest are applied one at a time, and changes that arrive while one is being applied
 * are coalesced into a single further run, which reads the latest content. Different manifests are applied
 * side by side (up to `concurrency`), so one that is slow never holds up the others, and every run is bounded
 * by `taskTimeoutMs`.
 */
export class LocalDeployer {
  private readonly applied = new Map<string, Applied>();
  private readonly work = new Map<string, KeyWork>();
  private readonly slots: Semaphore;
  /** Digest of the content each manifest was last made ACTIVE from (persisted to `stateFile`). */
  private readonly digests = new Map<string, string>();
  private saving: Promise<void> = Promise.resolve();
  private reconciling: Promise<void> | undefined;
  private unsubscribe: (() => void)[] = [];
  private closed = false;
  private closing: Promise<void> | undefined;
  private readonly partition: string;
  private readonly taskTimeoutMs: number;
  private readonly closeTimeoutMs: number;
  private readonly log: (message: string) => void;
  private readonly manifests: ManifestVersionReader;

  constructor(private readonly options: LocalDeployerOptions) {
    this.manifests = s3ManifestVersions(options.s3);
    this.partition = options.partition ?? 'aws';
    this.log = options.log ?? (() => undefined);
    this.taskTimeoutMs = options.taskTimeoutMs ?? 15_000;
    this.closeTimeoutMs = options.closeTimeoutMs ?? 5000;
    this.slots = new Semaphore(options.concurrency ?? 8);
  }

  /**
   * Starts listening to both buckets, then brings the local bus in line with their contents. Rejects when the
   * buckets cannot be read; a manifest that cannot be applied is logged (and its status recorded) instead.
   */
  async start(): Promise<void> {
    const { notifications, publisherBucket, subscriberBucket } = this.options;
    await this.loadState();
    for (const bucket of [publisherBucket, subscriberBucket]) {
      this.unsubscribe.push(notifications.onChange((change) => this.onChange(change), bucket));
    }
    this.reconciling = this.reconcile();
    try {
      await this.reconciling;
    } finally {
      this.reconciling = undefined;
    }
    await this.whenIdle();
  }

  /** Resolves once every change received so far has been applied (or abandoned after `taskTimeoutMs`). */
  async whenIdle(): Promise<void> {
    while (this.work.size > 0 || this.reconciling !== undefined) {
      await Promise.all([
        this.reconciling?.catch(() => undefined),
        ...[...this.work.values()].map((work) => work.done),
      ]);
    }
    await this.saving;
  }

  /** Manifest keys currently applied, by bucket kind. */
  appliedKeys(): { producers: string[]; consumers: string[] } {
    const producers: string[] = [];
    const consumers: string[] = [];
    for (const [key, applied] of this.applied)
      (applied.kind === 'producer' ? producers : consumers).push(key);
    return { producers: producers.sort(), consumers: consumers.sort() };
  }

  /**
   * Stops listening, waits up to `closeTimeoutMs` for the changes being applied, then abandons the rest (the
   * next start applies them from the buckets). Always settles within about `closeTimeoutMs`.
   */
  close(): Promise<void> {
    this.closing ??= (async () => {
      this.closed = true;
      for (const unsubscribe of this.unsubscribe) unsubscribe();
      this.unsubscribe = [];
      if ((await settlesWithin(this.whenIdle(), this.closeTimeoutMs)) === false) {
        const abandoned = [...this.work.keys()];
        for (const work of this.work.values()) work.controller?.abort(Abandoned.CLOSING);
        this.log(
          `deployer: closing; abandoned applying ${abandoned.join(', ')} (applied again at the next start)`,
        );
        await settlesWithin(this.whenIdle(), 1000);
      }
      await settlesWithin(this.saving, 1000);
      await this.options.sqsProducers?.close();
    })();
    return this.closing;
  }

  private onChange(change: S3ObjectNotification): void {
    const key = parseManifestKey(change.key);
    if (key === undefined) return;
    if (change.bucket !== this.bucketOf(key)) return;
    // Lifecycle expiry removes noncurrent versions only: what is deployed stays as it is.
    if (isLifecycleChange(change)) return;
    void this.schedule(change.key, key, false);
  }

  private bucketOf(key: ManifestKey): string {
    return key.kind === 'producer' ? this.options.publisherBucket : this.options.subscriberBucket;
  }

  /**
   * Owes one more run for `objectKey`: starts one, or (a run being owed or in progress) makes sure one more
   * follows. Resolves once no run is owed for the key. `quiet` runs (at start) leave an ACTIVE status of
   * unchanged content alone.
   */
  private schedule(objectKey: string, key: ManifestKey, quiet: boolean): Promise<void> {
    const existing = this.work.get(objectKey);
    if (existing !== undefined) {
      existing.again = true;
      return existing.done;
    }
    const work: KeyWork = { again: true, controller: undefined, done: Promise.resolve() };
    this.work.set(objectKey, work);
    work.done = this.drain(objectKey, key, work, quiet);
    return work.done;
  }

  private async drain(objectKey: string, key: ManifestKey, work: KeyWork, quiet: boolean): Promise<void> {
    let quietRun = quiet;
    try {
      while (work.again && !this.closed) {
        await this.slots.acquire();
        try {
          if (this.closed) break;
          work.again = false;
          await this.run(objectKey, key, work, quietRun);
          quietRun = false;
        } finally {
          this.slots.release();
        }
      }
    } finally {
      this.work.delete(objectKey);
    }
  }

  /** One run for a key, bounded by `taskTimeoutMs`; never rejects. */
  private async run(objectKey: string, key: ManifestKey, work: KeyWork, quiet: boolean): Promise<void> {
    const controller = new AbortController();
    work.controller = controller;
    const timer = setTimeout(() => controller.abort(Abandoned.TIMEOUT), this.taskTimeoutMs);
    const abandoned = new Promise<void>((resolve) =>
      controller.signal.addEventListener('abort', () => resolve(), { once: true }),
    );
    let failure: unknown;
    const task = this.sync(objectKey, key, controller.signal, quiet).catch((error: unknown) => {
      failure = error;
    });
    try {
      await Promise.race([task, abandoned]);
    } finally {
      clearTimeout(timer);
      work.controller = undefined;
    }
    const reason: unknown = controller.signal.reason;
    if (controller.signal.aborted && reason === Abandoned.CLOSING) return;
    if (controller.signal.aborted && reason === Abandoned.TIMEOUT) {
      await this.recordFailure(
        key,
        objectKey,
        `Applying the manifest did not finish within ${this.taskTimeoutMs / 1000} s; it is applied again on its next change or at the next start.`,
      );
    } else if (failure !== undefined) {
      await this.recordFailure(key, objectKey, `The manifest could not be applied: ${describe(failure)}`);
    }
  }

  /** Records FAILED for the manifest's producer or subscription (bounded; a failure to record is logged). */
  private async recordFailure(key: ManifestKey, objectKey: string, reason: string): Promise<void> {
    this.log(`deployer: ${key.kind} ${objectKey} FAILED: ${reason}`);
    this.forget(objectKey);
    const { statuses } = this.options;
    const recorded =
      key.kind === 'producer'
        ? statuses.setProducerStatus(key.eventType, key.version, DeploymentStatus.FAILED, reason)
        : statuses.setSubscriptionStatus(key.subscriptionId, DeploymentStatus.FAILED, reason);
    const outcome = await settlesWithin(
      recorded.catch((error: unknown) => this.log(`deployer: ${objectKey}: ${describe(error)}`)),
      this.taskTimeoutMs,
    );
    if (outcome === false) this.log(`deployer: ${objectKey}: recording FAILED did not finish in time`);
  }

  // ---- reconciliation ------------------------------------------------------------------------

  /** Applies every manifest in the buckets, then removes what is applied but no longer asked for. */
  private async reconcile(): Promise<void> {
    const wanted = new Set<string>();
    const runs: Promise<void>[] = [];
    for (const bucket of [this.options.publisherBucket, this.options.subscriberBucket]) {
      for (const objectKey of await this.bounded((signal) => this.listKeys(bucket, signal))) {
        const key = parseManifestKey(objectKey);
        if (key === undefined || bucket !== this.bucketOf(key)) continue;
        wanted.add(objectKey);
        runs.push(this.schedule(objectKey, key, true));
      }
    }
    await Promise.all(runs);
    const gone: Promise<void>[] = [];
    for (const objectKey of [...this.applied.keys(), ...this.digests.keys()]) {
      const key = parseManifestKey(objectKey);
      if (key !== undefined && !wanted.has(objectKey)) gone.push(this.schedule(objectKey, key, false));
    }
    await Promise.all(gone);
    if (!this.closed) await this.bounded((signal) => this.removeOrphanRules(wanted, signal));
  }

  /** Runs `work` with a signal that aborts after `taskTimeoutMs`; rejects then. */
  private async bounded<T>(work: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const signal = AbortSignal.timeout(this.taskTimeoutMs);
    const abandoned = new Promise<never>((_, reject) =>
      signal.addEventListener(
        'abort',
        () => reject(new Error(`Gave up after ${this.taskTimeoutMs / 1000} s`)),
        {
          once: true,
        },
      ),
    );
    abandoned.catch(() => undefined);
    return Promise.race([work(signal), abandoned]);
  }

  /**
   * Rules this deployer made (by their description) whose subscription has no manifest any more: neither
   * listed at start (`wanted`), nor applied, nor being applied.
   */
  private async removeOrphanRules(wanted: ReadonlySet<string>, signal: AbortSignal): Promise<void> {
    const live = (): Set<string> => {
      const ids = new Set<string>();
      for (const objectKey of [...wanted, ...this.applied.keys(), ...this.work.keys()]) {
        const key = parseManifestKey(objectKey);
        if (key?.kind === 'consumer') ids.add(key.subscriptionId);
      }
      return ids;
    };
    const { eventBridge, busName } = this.options;
    const removed: string[] = [];
    let nextToken: string | undefined;
    do {
      const page = await eventBridge.send(
        new ListRulesCommand({ EventBusName: busName, NextToken: nextToken }),
        {
          abortSignal: signal,
        },
      );
      for (const rule of page.Rules ?? []) {
        const description = rule.Description ?? '';
        if (!rule.Name || !description.startsWith(DEPLOYED_RULE_DESCRIPTION)) continue;
        const subscriptionId = description.slice(DEPLOYED_RULE_DESCRIPTION.length).trim();
        if (live().has(subscriptionId)) continue;
        const targets = await eventBridge.send(
          new ListTargetsByRuleCommand({ Rule: rule.Name, EventBusName: busName }),
          { abortSignal: signal },
        );
        if (live().has(subscriptionId)) continue;
        const ids = (targets.Targets ?? []).flatMap((target) => (target.Id ? [target.Id] : []));
        await this.deleteRule(rule.Name, busName, ids, signal);
        for (const target of targets.Targets ?? [])
          if (target.Arn) await this.options.destinations.remove(target.Arn);
        removed.push(subscriptionId);
        this.log(`deployer: removed rule ${rule.Name}, whose manifest is gone`);
      }
      nextToken = page.NextToken;
    } while (nextToken);
    // A subscription whose manifest arrived while its rule was being removed as an orphan: apply it again.
    for (const objectKey of [...this.applied.keys(), ...this.work.keys()]) {
      const key = parseManifestKey(objectKey);
      if (key?.kind === 'consumer' && removed.includes(key.subscriptionId))
        void this.schedule(objectKey, key, false);
    }
  }

  private async listKeys(bucket: string, signal: AbortSignal): Promise<string[]> {
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const page = await this.options.s3.send(
        new ListObjectsV2Command({ Bucket: bucket, ContinuationToken: token }),
        { abortSignal: signal },
      );
      for (const object of page.Contents ?? []) if (object.Key) keys.push(object.Key);
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return keys;
  }

  // ---- applying plans ------------------------------------------------------------------------

  /**
   * Brings one manifest key in line with its bucket by the pipeline's rule (core's `reconcileManifest`): the
   * current version is applied, a delete marker (or no version at all) tears it down. Every step checks
   * `signal` first, so a run abandoned after `taskTimeoutMs` changes nothing more.
   */
  private async sync(
    objectKey: string,
    key: ManifestKey,
    signal: AbortSignal,
    quiet: boolean,
  ): Promise<void> {
    const bucket = this.bucketOf(key);
    const decision = await reconcileManifest(this.manifests, bucket, objectKey);
    signal.throwIfAborted();
    const text =
      decision.action === DeploymentAction.DEPLOY
        ? await this.read(bucket, objectKey, signal, decision.versionId)
        : undefined;
    signal.throwIfAborted();
    if (text === undefined) {
      await this.destroy(objectKey, signal);
      return;
    }
    const digest = digestOf(text);
    const record = this.recorder(key, signal, quiet && (await this.unchanged(objectKey, key, digest)));
    if (key.kind === 'producer') await this.deployProducer(objectKey, text, record, signal);
    else await this.deployConsumer(objectKey, key, text, record, signal);
    if (signal.aborted) return;
    if (record.outcome === DeploymentStatus.ACTIVE) this.remember(objectKey, digest);
    else if (record.outcome === DeploymentStatus.FAILED) this.forget(objectKey);
  }

  /**
   * How a run records statuses: DEPLOYING, then ACTIVE or FAILED. A quiet recorder (a restart, the manifest ACTIVE
   * with the same content) records nothing unless the manifest fails.
   */
  private recorder(key: ManifestKey, signal: AbortSignal, quiet: boolean): StatusRecorder {
    const { statuses } = this.options;
    const set = async (status: DeploymentStatus, reason?: string): Promise<void> => {
      signal.throwIfAborted();
      recorder.outcome = status;
      if (quiet && status !== DeploymentStatus.FAILED) return;
      if (key.kind === 'producer')
        await statuses.setProducerStatus(key.eventType, key.version, status, reason);
      else await statuses.setSubscriptionStatus(key.subscriptionId, status, reason);
    };
    const recorder: StatusRecorder = {
      outcome: undefined,
      deploying: () => set(DeploymentStatus.DEPLOYING),
      active: () => set(DeploymentStatus.ACTIVE),
      failed: (reason) => set(DeploymentStatus.FAILED, reason),
    };
    return recorder;
  }

  /** Whether the manifest was made ACTIVE from this very content and its status still says ACTIVE. */
  private async unchanged(objectKey: string, key: ManifestKey, digest: string): Promise<boolean> {
    if (this.digests.get(objectKey) !== digest) return false;
    const { statuses } = this.options;
    try {
      const record =
        key.kind === 'producer'
          ? await statuses.getVersion?.(key.eventType, key.version)
          : await statuses.getSubscription?.(key.subscriptionId);
      return record?.status === DeploymentStatus.ACTIVE;
    } catch (error) {
      this.log(
        `deployer: ${objectKey}: the recorded status cannot be read (${describe(error)}); recording it again`,
      );
      return false;
    }
  }

  private async deployProducer(
    objectKey: string,
    text: string,
    record: StatusRecorder,
    signal: AbortSignal,
  ): Promise<void> {
    const { producers } = this.options;
    await record.deploying();
    const parsed = parseProducerManifest(text, objectKey);
    if (!parsed.ok) {
      await this.fail(
        'producer',
        objectKey,
        `The manifest is not valid: ${summarize(parsed.errors)}`,
        record,
      );
      return;
    }
    const producer = resolveProducer(parsed.value);
    const { plan } = producer;
    const previous = this.applied.get(objectKey);
    if (plan.type === ProducerType.SQS) {
      const { sqsProducers } = this.options;
      if (sqsProducers === undefined) {
        producers.delete(plan.eventType, plan.version);
        this.applied.delete(objectKey);
        const reason = `${plan.type} producers have no local ingress; the local runtime serves HTTPS producers only.`;
        await this.fail('producer', objectKey, reason, record);
        return;
      }
      try {
        if (
          previous?.kind === 'producer' &&
          (previous.plan.type !== ProducerType.SQS ||
            previous.plan.sqs.ingressQueueName !== plan.sqs.ingressQueueName)
        ) {
          signal.throwIfAborted();
          await sqsProducers.stop(previous.plan, { deleteQueues: true });
        }
        signal.throwIfAborted();
        await sqsProducers.start(producer);
      } catch (error) {
        if (signal.aborted) throw error;
        await this.fail(
          'producer',
          objectKey,
          `The ingress queue could not be deployed: ${describe(error)}`,
          record,
        );
        return;
      }
      signal.throwIfAborted();
      // Resolvable on the producer endpoint, which answers 409 naming the ingress queue.
      producers.set(producer);
      this.applied.set(objectKey, { kind: 'producer', plan });
      await record.active();
      this.log(
        `deployer: SQS producer ${plan.sqs.ingressQueueName} → forwarder → ${plan.busName} is live (dead-letter queue ${plan.sqs.deadLetterQueueName})`,
      );
      return;
    }
    if (previous?.kind === 'producer' && previous.plan.type === ProducerType.SQS) {
      signal.throwIfAborted();
      await this.options.sqsProducers?.stop(previous.plan, { deleteQueues: true });
    }
    signal.throwIfAborted();
    producers.set(producer);
    this.applied.set(objectKey, { kind: 'producer', plan });
    await record.active();
    this.log(`deployer: producer route POST /${plan.http.pathParts.join('/')} is live`);
  }

  private async deployConsumer(
    objectKey: string,
    key: Extract<ManifestKey, { kind: 'consumer' }>,
    text: string,
    record: StatusRecorder,
    signal: AbortSignal,
  ): Promise<void> {
    const { eventBridge, destinations } = this.options;
    await record.deploying();
    // Local consumers may be plain http on this machine; the deployed pipeline accepts https:// only.
    const parsed = parseConsumerManifest(text, objectKey, {
      allowLoopbackTargets: this.options.allowLoopbackTargets ?? true,
    });
    if (!parsed.ok) {
      await this.fail(
        'consumer',
        objectKey,
        `The manifest is not valid: ${summarize(parsed.errors)}`,
        record,
      );
      return;
    }
    const plan = consumerPlan(parsed.value);
    if (plan.subscriptionId !== key.subscriptionId) {
      const reason = `The manifest is for subscription ${plan.subscriptionId}, not ${key.subscriptionId} as its key says.`;
      await this.fail('consumer', objectKey, reason, record);
      return;
    }
    const consumer = plan.target;
    const destination =
      consumer.type === ConsumerType.HTTPS ? this.apiDestination(plan, consumer) : undefined;
    const targetArn = consumer.type === ConsumerType.HTTPS ? (destination?.arn ?? '') : consumer.arn;
    try {
      signal.throwIfAborted();
      if (consumer.type === ConsumerType.HTTPS && destination !== undefined) {
        await destinations.put(destination.arn, consumer.endpoint, destination.details);
      }
      signal.throwIfAborted();
      await this.options.sqs?.send(new CreateQueueCommand({ QueueName: plan.deadLetterQueue.name }), {
        abortSignal: signal,
      });
      const target = {
        Id: plan.target.id,
        Arn: targetArn,
        RetryPolicy: {
          MaximumRetryAttempts: plan.retryPolicy.maximumRetryAttempts,
          MaximumEventAgeInSeconds: plan.retryPolicy.maximumEventAgeInSeconds,
        },
        DeadLetterConfig: { Arn: this.arn('sqs', plan, plan.deadLetterQueue.name) },
      };
      // The subscription's rule, then its redrive rule: the same target, given the original event.
      const rules = [
        { name: plan.ruleName, pattern: plan.eventPattern, target },
        {
          name: plan.redrive.ruleName,
          pattern: plan.redrive.eventPattern,
          target: { ...target, InputPath: plan.redrive.inputPath },
        },
      ];
      for (const rule of rules) {
        await eventBridge.send(
          new PutRuleCommand({
            Name: rule.name,
            EventBusName: plan.busName,
            EventPattern: JSON.stringify(rule.pattern),
            State: 'ENABLED',
            Description: `${DEPLOYED_RULE_DESCRIPTION} ${plan.subscriptionId}`,
          }),
          { abortSignal: signal },
        );
        const result = await eventBridge.send(
          new PutTargetsCommand({ Rule: rule.name, EventBusName: plan.busName, Targets: [rule.target] }),
          { abortSignal: signal },
        );
        const [failed] = result.FailedEntries ?? [];
        if (failed)
          throw new Error(`${failed.ErrorCode ?? 'PutTargets failed'}: ${failed.ErrorMessage ?? ''}`);
      }
    } catch (error) {
      if (signal.aborted) throw error;
      await this.fail('consumer', objectKey, `The rule could not be deployed: ${describe(error)}`, record);
      return;
    }
    signal.throwIfAborted();
    const previous = this.applied.get(objectKey);
    if (previous?.kind === 'consumer' && previous.targetArn !== targetArn) {
      await destinations.remove(previous.targetArn);
    }
    this.applied.set(objectKey, { kind: 'consumer', plan, targetArn });
    await record.active();
    this.log(
      `deployer: rule ${plan.ruleName} → ${consumer.type} ${consumer.type === ConsumerType.HTTPS ? consumer.endpoint : consumer.arn} is live`,
    );
  }

  private async destroy(objectKey: string, signal: AbortSignal): Promise<void> {
    this.forget(objectKey);
    const applied = this.applied.get(objectKey);
    if (applied === undefined) return;
    if (applied.kind === 'producer' && applied.plan.type === ProducerType.SQS) {
      this.options.producers.delete(applied.plan.eventType, applied.plan.version);
      await this.options.sqsProducers?.stop(applied.plan, { deleteQueues: true });
      this.log(
        `deployer: SQS producer ${applied.plan.sqs.ingressQueueName} and its dead-letter queue removed`,
      );
    } else if (applied.kind === 'producer') {
      this.options.producers.delete(applied.plan.eventType, applied.plan.version);
      this.log(`deployer: producer route POST /${applied.plan.eventType}/${applied.plan.version} removed`);
    } else {
      const { plan } = applied;
      await this.deleteRule(plan.redrive.ruleName, plan.busName, [plan.target.id], signal);
      await this.deleteRule(plan.ruleName, plan.busName, [plan.target.id], signal);
      signal.throwIfAborted();
      await this.deleteQueue(plan.deadLetterQueue.name, signal);
      await this.options.destinations.remove(applied.targetArn);
      this.log(`deployer: rule ${applied.plan.ruleName} removed`);
    }
    this.applied.delete(objectKey);
  }

  private async deleteRule(
    ruleName: string,
    busName: string,
    targetIds: readonly string[],
    signal: AbortSignal,
  ): Promise<void> {
    const { eventBridge } = this.options;
    try {
      if (targetIds.length > 0) {
        await eventBridge.send(
          new RemoveTargetsCommand({ Rule: ruleName, EventBusName: busName, Ids: [...targetIds] }),
          { abortSignal: signal },
        );
      }
      await eventBridge.send(new DeleteRuleCommand({ Name: ruleName, EventBusName: busName }), {
        abortSignal: signal,
      });
    } catch (error) {
      if ((error as Error).name !== 'ResourceNotFoundException') throw error;
    }
  }

  /** Deletes a consumer's dead-letter queue with the consumer (gone already is fine). */
  private async deleteQueue(queueName: string, signal: AbortSignal): Promise<void> {
    const { sqs } = this.options;
    if (sqs === undefined) return;
    try {
      const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: queueName }), {
        abortSignal: signal,
      });
      await sqs.send(new DeleteQueueCommand({ QueueUrl }), { abortSignal: signal });
    } catch (error) {
      if ((error as Error).name !== 'QueueDoesNotExist') throw error;
    }
  }

  /** An HTTPS consumer's API destination and connection, as the consumer generator deploys them. */
  private apiDestination(
    plan: ConsumerPlan,
    target: HttpsConsumerTarget,
  ): { arn: string; details: ApiDestinationDetails } {
    const scope = { partition: this.partition, account: plan.account, region: plan.region };
    const names = { destination: target.apiDestinationName, connection: target.connectionName };
    const arns = this.options.destinations.arnsFor(names, scope);
    const { secretName } = target;
    return {
      arn: arns.destination,
      details: {
        name: names.destination,
        rateLimitPerSecond: target.rateLimitPerSecond,
        description: `Endpoint of subscription ${plan.subscriptionId}`,
        connection: {
          name: names.connection,
          arn: arns.connection,
          // Without a secret, the connection sends the subscription id in this header; with one, the
          // header's name is read from the secret by the deployed connection.
          ...(secretName === undefined ? { apiKeyName: SUBSCRIPTION_HEADER } : { secretName }),
          description: `Credentials of subscription ${plan.subscriptionId}`,
        },
      },
    };
  }

  private arn(service: string, plan: ConsumerPlan, resource: string): string {
    return scopedArn(
      { partition: this.partition, account: plan.account, region: plan.region },
      service,
      resource,
    );
  }

  private async fail(kind: string, objectKey: string, reason: string, record: StatusRecorder): Promise<void> {
    this.log(`deployer: ${kind} ${objectKey} FAILED: ${reason}`);
    await record.failed(reason);
  }

  /**
   * The manifest's text (of `versionId` when given), or undefined when it is gone. Reading stops (the body is
   * dropped) when `signal` aborts.
   */
  private async read(
    bucket: string,
    key: string,
    signal: AbortSignal,
    versionId?: string,
  ): Promise<string | undefined> {
    let object: GetObjectCommandOutput;
    try {
      object = await this.options.s3.send(
        new GetObjectCommand({ Bucket: bucket, Key: key, VersionId: versionId }),
        {
          abortSignal: signal,
        },
      );
    } catch (error) {
      if (['NoSuchKey', 'NoSuchVersion'].includes((error as Error).name)) return undefined;
      throw error;
    }
    const body = object.Body;
    if (body === undefined) return undefined;
    const drop = (): void => {
      if (body instanceof Readable) body.destroy();
    };
    if (signal.aborted) drop();
    signal.addEventListener('abort', drop, { once: true });
    try {
      return await body.transformToString('utf8');
    } finally {
      signal.removeEventListener('abort', drop);
    }
  }

  // ---- what was applied from which content, across restarts -----------------------------------

  private async loadState(): Promise<void> {
    const { stateFile } = this.options;
    if (stateFile === undefined) return;
    let text: string;
    try {
      text = await readFile(stateFile, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    try {
      const state = JSON.parse(text) as { format?: unknown; applied?: Record<string, unknown> };
      if (state.format !== STATE_FORMAT) return;
      for (const [objectKey, digest] of Object.entries(state.applied ?? {}))
        if (typeof digest === 'string') this.digests.set(objectKey, digest);
    } catch (error) {
      this.log(`deployer: ignoring ${stateFile}, which cannot be read: ${describe(error)}`);
    }
  }

  private remember(objectKey: string, digest: string): void {
    if (this.digests.get(objectKey) === digest) return;
    this.digests.set(objectKey, digest);
    this.save();
  }

  private forget(objectKey: string): void {
    if (this.digests.delete(objectKey)) this.save();
  }

  /** Writes the digests after every earlier write (one at a time, each the latest state). */
  private save(): void {
    const { stateFile } = this.options;
    if (stateFile === undefined) return;
    this.saving = this.saving.then(async () => {
      const applied = Object.fromEntries([...this.digests].sort(([a], [b]) => a.localeCompare(b)));
      try {
        await writeFileAtomic(stateFile, `${JSON.stringify({ format: STATE_FORMAT, applied }, null, 2)}\n`);
      } catch (error) {
        this.log(`deployer: ${stateFile} could not be written: ${describe(error)}`);
      }
    });
  }
}

interface StatusRecorder {
  /** The last status set by this run. */
  outcome: DeploymentStatus | undefined;
  deploying(): Promise<void>;
  active(): Promise<void>;
  failed(reason: string): Promise<void>;
}

/** At most `limit` holders at a time; waiters are served in order. */
class Semaphore {
  private held = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly limit: number) {}

  acquire(): Promise<void> {
    if (this.held < this.limit) {
      this.held += 1;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  release(): void {
    const next = this.waiting.shift();
    if (next === undefined) this.held -= 1;
    else next();
  }
}

/** Whether `promise` settled within `ms` (false when it did not). */
async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([
      promise.then(
        () => true,
        () => true,
      ),
      expired,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

function digestOf(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function summarize(problems: readonly ValidationProblem[]): string {
  return problems.map((problem) => `${problem.path} ${problem.message}`).join('; ');
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
