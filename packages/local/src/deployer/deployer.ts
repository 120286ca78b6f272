import {
  DeleteRuleCommand,
  type EventBridgeClient,
  ListRulesCommand,
  ListTargetsByRuleCommand,
  PutRuleCommand,
  PutTargetsCommand,
  RemoveTargetsCommand,
} from '@aws-sdk/client-eventbridge';
import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { resolveProducer } from '@bridgeport/broker';
import {
  type ConsumerPlan,
  ConsumerType,
  consumerPlan,
  DeploymentStatus,
  type ManifestKey,
  type ProducerPlan,
  parseConsumerManifest,
  parseManifestKey,
  parseProducerManifest,
  type ValidationProblem,
} from '@bridgeport/core';
import type { S3Notifications, S3ObjectNotification } from '../aws/s3';
import type { ApiDestinations } from './api-destinations';
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
  /** ARN partition of the local account. @default 'aws' */
  readonly partition?: string;
  readonly log?: (message: string) => void;
}

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
 * ACTIVE or FAILED with the reason. Changes are applied one at a time, in the order they happened.
 */
export class LocalDeployer {
  private readonly applied = new Map<string, Applied>();
  private queue: Promise<void> = Promise.resolve();
  private unsubscribe: (() => void)[] = [];
  private closed = false;
  private readonly partition: string;
  private readonly log: (message: string) => void;

  constructor(private readonly options: LocalDeployerOptions) {
    this.partition = options.partition ?? 'aws';
    this.log = options.log ?? (() => undefined);
  }

  /**
   * Starts listening to both buckets, then brings the local bus in line with their contents. Rejects when the
   * buckets cannot be read; a manifest that cannot be applied is logged (and its status recorded) instead.
   */
  async start(): Promise<void> {
    const { notifications, publisherBucket, subscriberBucket } = this.options;
    const reconciled = this.queue.then(() => this.reconcile());
    this.queue = reconciled.catch(() => undefined);
    for (const bucket of [publisherBucket, subscriberBucket]) {
      this.unsubscribe.push(notifications.onChange((change) => this.onChange(change), bucket));
    }
    await reconciled;
    await this.whenIdle();
  }

  /** Resolves once every change received so far has been applied. */
  async whenIdle(): Promise<void> {
    let seen: Promise<void>;
    do {
      seen = this.queue;
      await seen;
    } while (seen !== this.queue);
  }

  /** Manifest keys currently applied, by bucket kind. */
  appliedKeys(): { producers: string[]; consumers: string[] } {
    const producers: string[] = [];
    const consumers: string[] = [];
    for (const [key, applied] of this.applied)
      (applied.kind === 'producer' ? producers : consumers).push(key);
    return { producers: producers.sort(), consumers: consumers.sort() };
  }

  /** Stops listening and waits for the change being applied. */
  async close(): Promise<void> {
    this.closed = true;
    for (const unsubscribe of this.unsubscribe) unsubscribe();
    this.unsubscribe = [];
    await this.whenIdle();
    await this.options.sqsProducers?.close();
  }

  private onChange(change: S3ObjectNotification): void {
    const key = parseManifestKey(change.key);
    if (key === undefined) return;
    const expected = key.kind === 'producer' ? this.options.publisherBucket : this.options.subscriberBucket;
    if (change.bucket !== expected) return;
    this.enqueue(() => (change.type === 'created' ? this.deploy(change.key, key) : this.destroy(change.key)));
  }

  private enqueue(task: () => Promise<void>): void {
    this.queue = this.queue.then(async () => {
      if (this.closed) return;
      try {
        await task();
      } catch (error) {
        this.log(`deployer: ${describe(error)}`);
      }
    });
  }

  // ---- reconciliation ------------------------------------------------------------------------

  /** Applies every manifest in the buckets, then removes what is applied but no longer asked for. */
  private async reconcile(): Promise<void> {
    const wanted = new Set<string>();
    for (const bucket of [this.options.publisherBucket, this.options.subscriberBucket]) {
      for (const objectKey of await this.listKeys(bucket)) {
        const key = parseManifestKey(objectKey);
        const expected =
          key?.kind === 'producer' ? this.options.publisherBucket : this.options.subscriberBucket;
        if (key === undefined || bucket !== expected) continue;
        wanted.add(objectKey);
        try {
          await this.deploy(objectKey, key);
        } catch (error) {
          this.log(`deployer: ${objectKey} could not be applied: ${describe(error)}`);
        }
      }
    }
    for (const key of [...this.applied.keys()]) if (!wanted.has(key)) await this.destroy(key);
    await this.removeOrphanRules();
  }

  /** Rules this deployer made (by their description) whose subscription has no manifest any more. */
  private async removeOrphanRules(): Promise<void> {
    const live = new Set<string>();
    for (const applied of this.applied.values())
      if (applied.kind === 'consumer') live.add(applied.plan.ruleName);
    const { eventBridge, busName } = this.options;
    let nextToken: string | undefined;
    do {
      const page = await eventBridge.send(
        new ListRulesCommand({ EventBusName: busName, NextToken: nextToken }),
      );
      for (const rule of page.Rules ?? []) {
        if (!rule.Name || live.has(rule.Name) || !rule.Description?.startsWith(DEPLOYED_RULE_DESCRIPTION))
          continue;
        const targets = await eventBridge.send(
          new ListTargetsByRuleCommand({ Rule: rule.Name, EventBusName: busName }),
        );
        const ids = (targets.Targets ?? []).flatMap((target) => (target.Id ? [target.Id] : []));
        await this.deleteRule(rule.Name, busName, ids);
        for (const target of targets.Targets ?? [])
          if (target.Arn) await this.options.destinations.remove(target.Arn);
        this.log(`deployer: removed rule ${rule.Name}, whose manifest is gone`);
      }
      nextToken = page.NextToken;
    } while (nextToken);
  }

  private async listKeys(bucket: string): Promise<string[]> {
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const page = await this.options.s3.send(
        new ListObjectsV2Command({ Bucket: bucket, ContinuationToken: token }),
      );
      for (const object of page.Contents ?? []) if (object.Key) keys.push(object.Key);
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return keys;
  }

  // ---- applying plans ------------------------------------------------------------------------

  private async deploy(objectKey: string, key: ManifestKey): Promise<void> {
    const bucket = key.kind === 'producer' ? this.options.publisherBucket : this.options.subscriberBucket;
    const text = await this.read(bucket, objectKey);
    if (text === undefined) return; // removed meanwhile: its removal follows
    if (key.kind === 'producer') await this.deployProducer(objectKey, key, text);
    else await this.deployConsumer(objectKey, key, text);
  }

  private async deployProducer(
    objectKey: string,
    key: Extract<ManifestKey, { kind: 'producer' }>,
    text: string,
  ): Promise<void> {
    const { statuses, producers } = this.options;
    await statuses.setProducerStatus(key.eventType, key.version, DeploymentStatus.DEPLOYING);
    const parsed = parseProducerManifest(text, objectKey);
    if (!parsed.ok) {
      const reason = `The manifest is not valid: ${summarize(parsed.errors)}`;
      await this.fail('producer', objectKey, reason, () =>
        statuses.setProducerStatus(key.eventType, key.version, DeploymentStatus.FAILED, reason),
      );
      return;
    }
    const producer = resolveProducer(parsed.value);
    const { plan } = producer;
    const previous = this.applied.get(objectKey);
    if (plan.sqs !== undefined) {
      const { sqsProducers } = this.options;
      if (sqsProducers === undefined) {
        producers.delete(plan.eventType, plan.version);
        this.applied.delete(objectKey);
        const reason = `${plan.type} producers have no local ingress; the local runtime serves HTTPS producers only.`;
        await this.fail('producer', objectKey, reason, () =>
          statuses.setProducerStatus(plan.eventType, plan.version, DeploymentStatus.FAILED, reason),
        );
        return;
      }
      try {
        if (
          previous?.kind === 'producer' &&
          previous.plan.sqs?.ingressQueueName !== plan.sqs.ingressQueueName
        )
          await sqsProducers.stop(previous.plan, { deleteQueues: true });
        await sqsProducers.start(producer);
      } catch (error) {
        const reason = `The ingress queue could not be deployed: ${describe(error)}`;
        await this.fail('producer', objectKey, reason, () =>
          statuses.setProducerStatus(plan.eventType, plan.version, DeploymentStatus.FAILED, reason),
        );
        return;
      }
      producers.delete(plan.eventType, plan.version);
      this.applied.set(objectKey, { kind: 'producer', plan });
      await statuses.setProducerStatus(plan.eventType, plan.version, DeploymentStatus.ACTIVE);
      this.log(
        `deployer: SQS producer ${plan.sqs.ingressQueueName} → forwarder → ${plan.busName} is live (dead-letter queue ${plan.sqs.deadLetterQueueName})`,
      );
      return;
    }
    if (plan.http === undefined) {
      producers.delete(plan.eventType, plan.version);
      this.applied.delete(objectKey);
      const reason = `${plan.type} producers have no local ingress.`;
      await this.fail('producer', objectKey, reason, () =>
        statuses.setProducerStatus(plan.eventType, plan.version, DeploymentStatus.FAILED, reason),
      );
      return;
    }
    if (previous?.kind === 'producer' && previous.plan.sqs !== undefined)
      await this.options.sqsProducers?.stop(previous.plan, { deleteQueues: true });
    producers.set(producer);
    this.applied.set(objectKey, { kind: 'producer', plan });
    await statuses.setProducerStatus(plan.eventType, plan.version, DeploymentStatus.ACTIVE);
    this.log(`deployer: producer route POST /${plan.http.pathParts.join('/')} is live`);
  }

  private async deployConsumer(
    objectKey: string,
    key: Extract<ManifestKey, { kind: 'consumer' }>,
    text: string,
  ): Promise<void> {
    const { statuses, eventBridge, destinations } = this.options;
    await statuses.setSubscriptionStatus(key.subscriptionId, DeploymentStatus.DEPLOYING);
    // Local consumers may be plain http on this machine; the deployed pipeline accepts https:// only.
    const parsed = parseConsumerManifest(text, objectKey, { allowLoopbackHttp: true });
    if (!parsed.ok) {
      const reason = `The manifest is not valid: ${summarize(parsed.errors)}`;
      await this.fail('consumer', objectKey, reason, () =>
        statuses.setSubscriptionStatus(key.subscriptionId, DeploymentStatus.FAILED, reason),
      );
      return;
    }
    const plan = consumerPlan(parsed.value);
    const targetArn = this.targetArn(plan);
    try {
      if (plan.target.type === ConsumerType.HTTPS)
        await destinations.put(targetArn, plan.target.endpoint ?? '');
      await eventBridge.send(
        new PutRuleCommand({
          Name: plan.ruleName,
          EventBusName: plan.busName,
          EventPattern: JSON.stringify(plan.eventPattern),
          State: 'ENABLED',
          Description: `${DEPLOYED_RULE_DESCRIPTION} ${plan.subscriptionId}`,
        }),
      );
      const result = await eventBridge.send(
        new PutTargetsCommand({
          Rule: plan.ruleName,
          EventBusName: plan.busName,
          Targets: [
            {
              Id: plan.target.id,
              Arn: targetArn,
              RetryPolicy: {
                MaximumRetryAttempts: plan.retryPolicy.maximumRetryAttempts,
                MaximumEventAgeInSeconds: plan.retryPolicy.maximumEventAgeInSeconds,
              },
              DeadLetterConfig: { Arn: this.arn('sqs', plan, plan.deadLetterQueue.name) },
            },
          ],
        }),
      );
      const [failed] = result.FailedEntries ?? [];
      if (failed) throw new Error(`${failed.ErrorCode ?? 'PutTargets failed'}: ${failed.ErrorMessage ?? ''}`);
    } catch (error) {
      const reason = `The rule could not be deployed: ${describe(error)}`;
      await this.fail('consumer', objectKey, reason, () =>
        statuses.setSubscriptionStatus(plan.subscriptionId, DeploymentStatus.FAILED, reason),
      );
      return;
    }
    const previous = this.applied.get(objectKey);
    if (previous?.kind === 'consumer' && previous.targetArn !== targetArn) {
      await destinations.remove(previous.targetArn);
    }
    this.applied.set(objectKey, { kind: 'consumer', plan, targetArn });
    await statuses.setSubscriptionStatus(plan.subscriptionId, DeploymentStatus.ACTIVE);
    this.log(
      `deployer: rule ${plan.ruleName} → ${plan.target.type} ${plan.target.endpoint ?? plan.target.arn} is live`,
    );
  }

  private async destroy(objectKey: string): Promise<void> {
    const applied = this.applied.get(objectKey);
    if (applied === undefined) return;
    if (applied.kind === 'producer' && applied.plan.sqs !== undefined) {
      await this.options.sqsProducers?.stop(applied.plan, { deleteQueues: true });
      this.log(
        `deployer: SQS producer ${applied.plan.sqs.ingressQueueName} and its dead-letter queue removed`,
      );
    } else if (applied.kind === 'producer') {
      this.options.producers.delete(applied.plan.eventType, applied.plan.version);
      this.log(`deployer: producer route POST /${applied.plan.eventType}/${applied.plan.version} removed`);
    } else {
      await this.deleteRule(applied.plan.ruleName, applied.plan.busName, [applied.plan.target.id]);
      await this.options.destinations.remove(applied.targetArn);
      this.log(`deployer: rule ${applied.plan.ruleName} removed`);
    }
    this.applied.delete(objectKey);
  }

  private async deleteRule(ruleName: string, busName: string, targetIds: readonly string[]): Promise<void> {
    const { eventBridge } = this.options;
    try {
      if (targetIds.length > 0) {
        await eventBridge.send(
          new RemoveTargetsCommand({ Rule: ruleName, EventBusName: busName, Ids: [...targetIds] }),
        );
      }
      await eventBridge.send(new DeleteRuleCommand({ Name: ruleName, EventBusName: busName }));
    } catch (error) {
      if ((error as Error).name !== 'ResourceNotFoundException') throw error;
    }
  }

  /** The rule target's ARN: the function or queue, or (HTTPS) the consumer's API destination. */
  private targetArn(plan: ConsumerPlan): string {
    if (plan.target.type === ConsumerType.HTTPS) {
      return this.arn('events', plan, `api-destination/${plan.target.apiDestinationName}`);
    }
    return plan.target.arn ?? '';
  }

  private arn(service: string, plan: ConsumerPlan, resource: string): string {
    return `arn:${this.partition}:${service}:${plan.region}:${plan.account}:${resource}`;
  }

  private async fail(
    kind: string,
    objectKey: string,
    reason: string,
    record: () => Promise<boolean>,
  ): Promise<void> {
    this.log(`deployer: ${kind} ${objectKey} FAILED: ${reason}`);
    await record();
  }

  private async read(bucket: string, key: string): Promise<string | undefined> {
    try {
      const object = await this.options.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      return object.Body === undefined ? undefined : await object.Body.transformToString('utf8');
    } catch (error) {
      if ((error as Error).name === 'NoSuchKey') return undefined;
      throw error;
    }
  }
}

function summarize(problems: readonly ValidationProblem[]): string {
  return problems.map((problem) => `${problem.path} ${problem.message}`).join('; ');
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
