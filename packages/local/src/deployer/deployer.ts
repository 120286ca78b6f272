import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { S3Client } from '@aws-sdk/client-s3';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { s3ManifestVersions } from '@bridgeport/broker';
import {
  DeploymentAction,
  DeploymentStatus,
  isLifecycleChange,
  type ManifestKey,
  type ManifestVersionReader,
  parseManifestKey,
  reconcileManifest,
} from '@bridgeport/core';
import type { S3Notifications, S3ObjectNotification } from '../aws/s3/server';
import type { ApiDestinations } from './api-destinations';
import type { AppliedManifests } from './applied';
import { AppliedStateFile, digestOf } from './applied-state';
import { ConsumerApplier } from './consumer-applier';
import { readManifest } from './manifest-bucket';
import { ProducerApplier } from './producer-applier';
import type { ProducerRoutes } from './producers';
import { reconcile } from './reconciliation';
import { type DeploymentStatusStore, describe, statusRecorder } from './run-status';
import type { SqsProducerRunner } from './sqs-producers';
import { KeyedWorkQueue, type RunFailure, settlesWithin } from './work-queue';

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
 *
 * It composes the keyed work queue (`work-queue.ts`), reconciliation at start (`reconciliation.ts`), the
 * producer and consumer appliers and the applied-state file (`applied-state.ts`).
 */
export class LocalDeployer {
  private readonly applied: AppliedManifests = new Map();
  private readonly queue: KeyedWorkQueue<ManifestKey>;
  /** Digest of the content each manifest was last made ACTIVE from (persisted to `stateFile`). */
  private readonly state: AppliedStateFile;
  private readonly producerApplier: ProducerApplier;
  private readonly consumerApplier: ConsumerApplier;
  private reconciling: Promise<void> | undefined;
  private unsubscribe: (() => void)[] = [];
  private closed = false;
  private closing: Promise<void> | undefined;
  private readonly taskTimeoutMs: number;
  private readonly closeTimeoutMs: number;
  private readonly log: (message: string) => void;
  private readonly manifests: ManifestVersionReader;

  constructor(private readonly options: LocalDeployerOptions) {
    this.manifests = s3ManifestVersions(options.s3);
    const partition = options.partition ?? 'aws';
    this.log = options.log ?? (() => undefined);
    this.taskTimeoutMs = options.taskTimeoutMs ?? 15_000;
    this.closeTimeoutMs = options.closeTimeoutMs ?? 5000;
    this.queue = new KeyedWorkQueue<ManifestKey>({
      concurrency: options.concurrency ?? 8,
      taskTimeoutMs: this.taskTimeoutMs,
      run: (objectKey, key, signal, quiet) => this.sync(objectKey, key, signal, quiet),
      failed: (objectKey, key, failure) =>
        this.recordFailure(key, objectKey, failureReason(failure, this.taskTimeoutMs)),
    });
    this.state = new AppliedStateFile(options.stateFile, this.log);
    this.producerApplier = new ProducerApplier({
      producers: options.producers,
      sqsProducers: options.sqsProducers,
      applied: this.applied,
      log: this.log,
    });
    this.consumerApplier = new ConsumerApplier({
      eventBridge: options.eventBridge,
      destinations: options.destinations,
      sqs: options.sqs,
      partition,
      allowLoopbackTargets: options.allowLoopbackTargets ?? true,
      applied: this.applied,
      log: this.log,
    });
  }

  /**
   * Starts listening to both buckets, then brings the local bus in line with their contents. Rejects when the
   * buckets cannot be read; a manifest that cannot be applied is logged (and its status recorded) instead.
   */
  async start(): Promise<void> {
    const { notifications, publisherBucket, subscriberBucket } = this.options;
    await this.state.load();
    for (const bucket of [publisherBucket, subscriberBucket]) {
      this.unsubscribe.push(notifications.onChange((change) => this.onChange(change), bucket));
    }
    this.reconciling = reconcile({
      s3: this.options.s3,
      eventBridge: this.options.eventBridge,
      busName: this.options.busName,
      destinations: this.options.destinations,
      buckets: [publisherBucket, subscriberBucket],
      bucketOf: (key) => this.bucketOf(key),
      queue: this.queue,
      appliedKeys: () => this.applied.keys(),
      rememberedKeys: () => this.state.keys(),
      isClosed: () => this.closed,
      log: this.log,
    });
    try {
      await this.reconciling;
    } finally {
      this.reconciling = undefined;
    }
    await this.whenIdle();
  }

  /** Resolves once every change received so far has been applied (or abandoned after `taskTimeoutMs`). */
  async whenIdle(): Promise<void> {
    while (this.queue.size > 0 || this.reconciling !== undefined) {
      await Promise.all([this.reconciling?.catch(() => undefined), this.queue.settled()]);
    }
    await this.state.saved();
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
      this.queue.close();
      for (const unsubscribe of this.unsubscribe) unsubscribe();
      this.unsubscribe = [];
      if ((await settlesWithin(this.whenIdle(), this.closeTimeoutMs)) === false) {
        const abandoned = this.queue.abandonAll();
        this.log(
          `deployer: closing; abandoned applying ${abandoned.join(', ')} (applied again at the next start)`,
        );
        await settlesWithin(this.whenIdle(), 1000);
      }
      await settlesWithin(this.state.saved(), 1000);
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
    void this.queue.schedule(change.key, key, false);
  }

  private bucketOf(key: ManifestKey): string {
    return key.kind === 'producer' ? this.options.publisherBucket : this.options.subscriberBucket;
  }

  /** Records FAILED for the manifest's producer or subscription (bounded; a failure to record is logged). */
  private async recordFailure(key: ManifestKey, objectKey: string, reason: string): Promise<void> {
    this.log(`deployer: ${key.kind} ${objectKey} FAILED: ${reason}`);
    this.state.forget(objectKey);
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
        ? await readManifest(this.options.s3, bucket, objectKey, signal, decision.versionId)
        : undefined;
    signal.throwIfAborted();
    if (text === undefined) {
      await this.destroy(objectKey, signal);
      return;
    }
    const digest = digestOf(text);
    const record = statusRecorder(
      this.options.statuses,
      key,
      signal,
      quiet && (await this.unchanged(objectKey, key, digest)),
    );
    if (key.kind === 'producer') await this.producerApplier.apply(objectKey, text, record, signal);
    else await this.consumerApplier.apply(objectKey, key, text, record, signal);
    if (signal.aborted) return;
    if (record.outcome === DeploymentStatus.ACTIVE) this.state.remember(objectKey, digest);
    else if (record.outcome === DeploymentStatus.FAILED) this.state.forget(objectKey);
  }

  /** Whether the manifest was made ACTIVE from this very content and its status still says ACTIVE. */
  private async unchanged(objectKey: string, key: ManifestKey, digest: string): Promise<boolean> {
    if (this.state.digest(objectKey) !== digest) return false;
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

  /** Tears down what the manifest made, if anything was applied from it. */
  private async destroy(objectKey: string, signal: AbortSignal): Promise<void> {
    this.state.forget(objectKey);
    const applied = this.applied.get(objectKey);
    if (applied === undefined) return;
    if (applied.kind === 'producer') await this.producerApplier.remove(applied.plan);
    else await this.consumerApplier.remove(applied.plan, applied.targetArn, signal);
    this.applied.delete(objectKey);
  }
}

function failureReason(failure: RunFailure, taskTimeoutMs: number): string {
  return failure.timedOut
    ? `Applying the manifest did not finish within ${taskTimeoutMs / 1000} s; it is applied again on its next change or at the next start.`
    : `The manifest could not be applied: ${describe(failure.error)}`;
}
