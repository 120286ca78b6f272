/**
 * The manifests the portal's records imply: each version of a restored event type has a producer manifest and
 * each subscription record a consumer manifest. Missing ones are written again, which deploys them again.
 */
import { PutObjectCommand } from '@aws-sdk/client-s3';
import {
  buildProducerManifest,
  type ConsumerManifest,
  consumerManifestKey,
  DEFAULT_RATE_LIMIT_PER_SECOND,
  MANIFEST_FORMAT,
  producerManifestKey,
  serializeManifest,
} from '@bridgeport/core';
import { RecordState, type SubscriptionRecord } from '@bridgeport/portal';
import { Outcome, Store } from '../report';
import type { OpsScope } from '../scope';
import { type ManifestCatalog, versionRef } from '../sources/manifests';
import { attempt, type RestorableType, type RestoreContext } from './context';

/** The consumer manifest the portal writes for a subscription record. */
export function consumerManifestOf(record: SubscriptionRecord, scope: OpsScope): ConsumerManifest {
  const https = record.connection_type === 'HTTPS';
  return {
    format: MANIFEST_FORMAT,
    kind: 'consumer',
    environment: scope.environment,
    account: scope.account,
    region: scope.region,
    subscription_id: record.id,
    application: record.application,
    event_type: record.event_type,
    version: record.version,
    ...(record.target_unit === undefined ? {} : { target_unit: record.target_unit }),
    ...(record.filter === undefined ? {} : { filter: record.filter }),
    consumer: {
      type: record.connection_type,
      connection_string: record.connection_string,
      ...(https && record.secret_name !== undefined ? { secret_name: record.secret_name } : {}),
      ...(https
        ? { rate_limit_per_second: record.rate_limit_per_second ?? DEFAULT_RATE_LIMIT_PER_SECOND }
        : {}),
    },
    retry_policy: record.retry_policy,
  };
}

export async function restoreManifests(
  context: RestoreContext,
  types: readonly RestorableType[],
  current: ManifestCatalog,
): Promise<void> {
  const put = (bucket: string, key: string, body: string) =>
    context.clients.s3.send(
      new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: 'application/json' }),
    );
  let done = 0;
  for (const type of types) {
    done += 1;
    context.progress('manifests', done, types.length, type.eventType);
    for (const backup of type.versions) {
      if (current.producers.has(versionRef(type.eventType, backup.version))) continue;
      const key = producerManifestKey(type.eventType, backup.version);
      const subject = { store: Store.MANIFESTS, subject: `${type.eventType} v${backup.version}`, key };
      await attempt(context, subject, async () => {
        const manifest = buildProducerManifest(
          {
            application: backup.application,
            event_type: backup.event_type,
            connection_type: backup.connection_type,
            data: backup.data,
          },
          { ...context.scope, version: backup.version },
        );
        if (!context.dryRun) await put(context.resources.publisherBucket, key, serializeManifest(manifest));
        context.report({ ...subject, outcome: Outcome.CREATED, detail: 'producer manifest' });
      });
    }
    for (const record of await subscriptionsOf(context, type.eventType)) {
      if (record.state !== RecordState.READY || current.consumers.has(record.id)) continue;
      if (record.version > type.versions.length) continue;
      const key = consumerManifestKey(record.event_type, record.version, record.id);
      const subject = { store: Store.MANIFESTS, subject: `subscription ${record.id}`, key };
      await attempt(context, subject, async () => {
        const body = serializeManifest(consumerManifestOf(record, context.scope));
        if (!context.dryRun) await put(context.resources.subscriberBucket, key, body);
        context.report({ ...subject, outcome: Outcome.CREATED, detail: 'consumer manifest' });
      });
    }
  }
}

/** Every subscription record of an event type (any version). */
export async function subscriptionsOf(
  context: Pick<RestoreContext, 'store'>,
  eventType: string,
): Promise<SubscriptionRecord[]> {
  const records: SubscriptionRecord[] = [];
  let startKey: Record<string, string | number> | undefined;
  do {
    const page = await context.store.listSubscriptions({ eventType, limit: 100, startKey });
    records.push(...page.items);
    startKey = page.nextKey;
  } while (startKey !== undefined);
  return records;
}
