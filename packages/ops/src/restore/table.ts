/** `restore --table`: event types and versions from the backups, subscriptions from the consumer manifests. */
import type { SubscriptionRecord } from '@bridgeport/portal';
import { RecordState } from '@bridgeport/portal';
import {
  eventTypeDifferences,
  eventTypeRecordOf,
  subscriptionDifferences,
  subscriptionRecordOf,
  versionDifferences,
  versionRecordOf,
} from '../records';
import { Outcome, type RestoreItem, Store } from '../report';
import type { ConsumerManifestEntry } from '../sources/manifests';
import { attempt, type RegistryMapping, type RestorableType, type RestoreContext } from './context';
import { consumerStatus, PRODUCER_RESTORED_STATUS } from './status';

/**
 * Rebuilds the records of each event type: its versions, the subscriptions its consumer manifests describe,
 * then the type itself. A missing record is written; a record that agrees is left alone; a record newer than
 * the backups is kept; one that disagrees is a conflict, replaced only with `force`. Records whose work is in
 * progress are never touched.
 */
export async function restoreTable(
  context: RestoreContext,
  types: readonly RestorableType[],
  consumers: readonly ConsumerManifestEntry[],
  mapping: RegistryMapping,
): Promise<void> {
  let done = 0;
  for (const type of types) {
    done += 1;
    context.progress('table', done, types.length, type.eventType);
    for (const backup of type.versions) {
      await attempt(context, { store: Store.TABLE, subject: `${type.eventType} v${backup.version}` }, () =>
        restoreVersion(context, type, backup.version, mapping.get(type.eventType)?.[backup.version - 1]),
      );
    }
    const subscriptionIds: string[] = [];
    for (const entry of consumers.filter((consumer) => consumer.manifest.event_type === type.eventType)) {
      const subject = {
        store: Store.TABLE,
        subject: `subscription ${entry.manifest.subscription_id}`,
        key: entry.key,
      };
      if (entry.manifest.version > type.versions.length) {
        context.report({
          ...subject,
          outcome: Outcome.FAILED,
          detail: `names ${type.eventType} v${entry.manifest.version}, which has no backup`,
        });
        continue;
      }
      subscriptionIds.push(entry.manifest.subscription_id);
      await attempt(context, subject, () => restoreSubscription(context, entry));
    }
    await attempt(context, { store: Store.TABLE, subject: type.eventType }, () =>
      restoreEventType(context, type, subscriptionIds),
    );
  }
}

async function restoreVersion(
  context: RestoreContext,
  type: RestorableType,
  version: number,
  registryVersion: string | undefined,
): Promise<void> {
  const backup = type.versions[version - 1];
  if (backup === undefined) return;
  const subject = { store: Store.TABLE, subject: `${type.eventType} v${version}` };
  const existing = await context.store.getVersion(type.eventType, version);
  const rebuilt = versionRecordOf(backup, {
    status: PRODUCER_RESTORED_STATUS,
    at: context.at,
    ...(registryVersion === undefined ? {} : { registryVersion }),
  });
  if (existing === undefined) {
    if (!context.dryRun) await context.store.putRestoredVersion(rebuilt);
    context.report({ ...subject, outcome: Outcome.CREATED, detail: `status ${rebuilt.status}` });
    return;
  }
  if (existing.state === RecordState.CREATING) {
    context.report({
      ...subject,
      outcome: Outcome.CONFLICT,
      detail: 'is being created by a request in progress',
    });
    return;
  }
  await replaceWhenForced(context, subject, versionDifferences(existing, backup), 'backup', () =>
    context.store.putRestoredVersion(
      {
        ...rebuilt,
        status: existing.status,
        status_updated_at: existing.status_updated_at,
        ...(existing.registry_version === undefined || registryVersion !== undefined
          ? {}
          : { registry_version: existing.registry_version }),
      },
      true,
    ),
  );
}

async function restoreSubscription(context: RestoreContext, entry: ConsumerManifestEntry): Promise<void> {
  const { manifest } = entry;
  const subject = { store: Store.TABLE, subject: `subscription ${manifest.subscription_id}`, key: entry.key };
  const existing: SubscriptionRecord | undefined = await context.store.getSubscription(
    manifest.subscription_id,
  );
  if (existing === undefined) {
    const record = subscriptionRecordOf(manifest, {
      status: await consumerStatus(context, manifest),
      createdAt: entry.lastModified.toISOString(),
      at: context.at,
    });
    if (!context.dryRun) await context.store.putRestoredSubscription(record);
    context.report({ ...subject, outcome: Outcome.CREATED, detail: `status ${record.status}` });
    return;
  }
  if (existing.state !== RecordState.READY) {
    context.report({
      ...subject,
      outcome: Outcome.CONFLICT,
      detail: `is ${existing.state === RecordState.DELETING ? 'being deleted' : 'being created'} by a request in progress`,
    });
    return;
  }
  await replaceWhenForced(context, subject, subscriptionDifferences(existing, manifest), 'manifest', () =>
    context.store.putRestoredSubscription(
      subscriptionRecordOf(manifest, {
        status: existing.status,
        createdAt: existing.created_at,
        at: context.at,
      }),
      true,
    ),
  );
}

/**
 * A ready record that may differ from what it is rebuilt from (`source`): unchanged when it does not, a conflict
 * unless `--force`, else replaced by `replace` (not in a dry run).
 */
async function replaceWhenForced(
  context: RestoreContext,
  subject: Omit<RestoreItem, 'outcome' | 'detail'>,
  differs: readonly string[],
  source: string,
  replace: () => Promise<unknown>,
): Promise<void> {
  if (differs.length === 0) {
    context.report({ ...subject, outcome: Outcome.UNCHANGED });
    return;
  }
  if (!context.force) {
    context.report({
      ...subject,
      outcome: Outcome.CONFLICT,
      detail: `differs from its ${source} in ${differs.join(', ')}; --force replaces it`,
    });
    return;
  }
  if (!context.dryRun) await replace();
  context.report({
    ...subject,
    outcome: Outcome.UPDATED,
    detail: `replaced ${differs.join(', ')} from its ${source}`,
  });
}

async function restoreEventType(
  context: RestoreContext,
  type: RestorableType,
  subscriptionIds: readonly string[],
): Promise<void> {
  const subject = { store: Store.TABLE, subject: type.eventType };
  const existing = await context.store.getEventType(type.eventType);
  const rebuilt = eventTypeRecordOf(type.versions, subscriptionIds);
  if (existing === undefined) {
    if (!context.dryRun) await context.store.putRestoredEventType(rebuilt);
    context.report({
      ...subject,
      outcome: Outcome.CREATED,
      detail: `latest version ${rebuilt.latest_version}, ${subscriptionIds.length} subscription(s)`,
    });
    return;
  }
  if (existing.state !== RecordState.READY || existing.pending_version !== undefined) {
    context.report({
      ...subject,
      outcome: Outcome.CONFLICT,
      detail: 'is being changed by a request in progress',
    });
    return;
  }
  const missingIds = subscriptionIds.filter((id) => !existing.subscription_ids.includes(id));
  const added = missingIds.length === 0 ? '' : `; subscriptions ${missingIds.join(', ')} added`;
  if (existing.latest_version > type.versions.length) {
    if (!context.dryRun && missingIds.length > 0)
      await context.store.addSubscriptionIds(type.eventType, missingIds);
    context.report({
      ...subject,
      outcome: Outcome.KEPT,
      detail: `has versions after the last backup (v${type.versions.length})${added}`,
    });
    return;
  }
  const differs = eventTypeDifferences(existing, type.versions);
  if (differs.length > 0 && !context.force) {
    context.report({
      ...subject,
      outcome: Outcome.CONFLICT,
      detail: `differs from its backups in ${differs.join(', ')}; --force replaces it`,
    });
    return;
  }
  if (differs.length > 0) {
    if (!context.dryRun) {
      const ids = [...new Set([...existing.subscription_ids, ...subscriptionIds])];
      await context.store.putRestoredEventType(
        { ...rebuilt, subscription_ids: ids, revision: existing.revision + 1 },
        true,
      );
    }
    context.report({
      ...subject,
      outcome: Outcome.UPDATED,
      detail: `replaced ${differs.join(', ')}${added}`,
    });
    return;
  }
  if (!context.dryRun && missingIds.length > 0)
    await context.store.addSubscriptionIds(type.eventType, missingIds);
  if (missingIds.length > 0) {
    context.report({ ...subject, outcome: Outcome.UPDATED, detail: added.slice(2) });
  } else if (existing.description !== rebuilt.description) {
    context.report({
      ...subject,
      outcome: Outcome.KEPT,
      detail: 'description changed since the last backup',
    });
  } else {
    context.report({ ...subject, outcome: Outcome.UNCHANGED });
  }
}
