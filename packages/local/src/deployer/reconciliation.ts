/**
 * Reconciliation at start: every manifest in the component buckets is applied, what is applied (or remembered
 * as applied) but no longer asked for is removed, and rules this deployer made whose manifest is gone (orphans)
 * are deleted.
 */
import {
  type EventBridgeClient,
  ListRulesCommand,
  ListTargetsByRuleCommand,
} from '@aws-sdk/client-eventbridge';
import type { S3Client } from '@aws-sdk/client-s3';
import { type ManifestKey, parseManifestKey } from '@bridgeport/core';
import type { ApiDestinations } from './api-destinations';
import { DEPLOYED_RULE_DESCRIPTION, deleteRule } from './consumer-applier';
import { listKeys } from './manifest-bucket';
import type { KeyedWorkQueue } from './work-queue';

export interface ReconciliationContext {
  readonly s3: S3Client;
  readonly eventBridge: EventBridgeClient;
  /** The environment's bus, where orphan rules are looked for. */
  readonly busName: string;
  readonly destinations: ApiDestinations;
  /** The publisher and the subscriber bucket, in that order. */
  readonly buckets: readonly string[];
  /** The bucket a manifest key belongs in. */
  bucketOf(key: ManifestKey): string;
  readonly queue: KeyedWorkQueue<ManifestKey>;
  /** Object keys of the manifests applied now. */
  appliedKeys(): Iterable<string>;
  /** Object keys of the manifests the applied-state file remembers. */
  rememberedKeys(): Iterable<string>;
  isClosed(): boolean;
  readonly log: (message: string) => void;
}

/** Applies every manifest in the buckets, then removes what is applied but no longer asked for. */
export async function reconcile(context: ReconciliationContext): Promise<void> {
  const { queue } = context;
  const wanted = new Set<string>();
  const runs: Promise<void>[] = [];
  for (const bucket of context.buckets) {
    for (const objectKey of await queue.bounded((signal) => listKeys(context.s3, bucket, signal))) {
      const key = parseManifestKey(objectKey);
      if (key === undefined || bucket !== context.bucketOf(key)) continue;
      wanted.add(objectKey);
      runs.push(queue.schedule(objectKey, key, true));
    }
  }
  await Promise.all(runs);
  const gone: Promise<void>[] = [];
  for (const objectKey of [...context.appliedKeys(), ...context.rememberedKeys()]) {
    const key = parseManifestKey(objectKey);
    if (key !== undefined && !wanted.has(objectKey)) gone.push(queue.schedule(objectKey, key, false));
  }
  await Promise.all(gone);
  if (!context.isClosed()) await queue.bounded((signal) => removeOrphanRules(context, wanted, signal));
}

/**
 * Rules this deployer made (by their description) whose subscription has no manifest any more: neither
 * listed at start (`wanted`), nor applied, nor being applied.
 */
async function removeOrphanRules(
  context: ReconciliationContext,
  wanted: ReadonlySet<string>,
  signal: AbortSignal,
): Promise<void> {
  const { eventBridge, busName, queue } = context;
  const live = (): Set<string> => {
    const ids = new Set<string>();
    for (const objectKey of [...wanted, ...context.appliedKeys(), ...queue.keys()]) {
      const key = parseManifestKey(objectKey);
      if (key?.kind === 'consumer') ids.add(key.subscriptionId);
    }
    return ids;
  };
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
      await deleteRule(eventBridge, rule.Name, busName, ids, signal);
      for (const target of targets.Targets ?? [])
        if (target.Arn) await context.destinations.remove(target.Arn);
      removed.push(subscriptionId);
      context.log(`deployer: removed rule ${rule.Name}, whose manifest is gone`);
    }
    nextToken = page.NextToken;
  } while (nextToken);
  // A subscription whose manifest arrived while its rule was being removed as an orphan: apply it again.
  for (const objectKey of [...context.appliedKeys(), ...queue.keys()]) {
    const key = parseManifestKey(objectKey);
    if (key?.kind === 'consumer' && removed.includes(key.subscriptionId))
      void queue.schedule(objectKey, key, false);
  }
}
