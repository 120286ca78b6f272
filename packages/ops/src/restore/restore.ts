/** `bridgeport restore`: the registry, the portal's table and the manifests, rebuilt from the backups. */
import { EventStore } from '@bridgeport/portal';
import type { OpsClients } from '../clients';
import { NO_PROGRESS, type Progress } from '../progress';
import { exitCodeOf, Outcome, type RestoreItem, type RestoreReport, Store, summarize } from '../report';
import { type OpsScope, resourcesOf } from '../scope';
import { type BackupCatalog, readBackups } from '../sources/backups';
import { BucketReader } from '../sources/bucket-reader';
import { type ManifestCatalog, readManifests, versionRef } from '../sources/manifests';
import { RegistryStore } from '../sources/registry';
import { restoreBackups } from './backups';
import type { RegistryMapping, RestorableType, RestoreContext } from './context';
import { restoreManifests } from './manifests';
import { readMapping, restoreRegistry } from './registry';
import { restoreTable } from './table';

/** What a restore may rebuild. */
export const RestoreTarget = { BACKUPS: 'backups', REGISTRY: 'registry', TABLE: 'table' } as const;
export type RestoreTarget = (typeof RestoreTarget)[keyof typeof RestoreTarget];

export interface RestoreOptions {
  readonly scope: OpsScope;
  /** What to rebuild. */
  readonly targets: readonly RestoreTarget[];
  /** Report what would be done, write nothing. @default false */
  readonly dryRun?: boolean;
  /** Replace what differs from the backups (never records with work in progress). @default false */
  readonly force?: boolean;
  /** Restore event types that were deleted (backups kept, no producer manifest, no record). @default false */
  readonly includeDeleted?: boolean;
  /** Read the backups and manifests as they were at this time (object versions). @default now */
  readonly asOf?: Date;
  readonly progress?: Progress;
  /** Clock. @default () => new Date() */
  readonly now?: () => Date;
}

export async function restore(clients: OpsClients, options: RestoreOptions): Promise<RestoreReport> {
  const resources = resourcesOf(options.scope);
  const items: RestoreItem[] = [];
  const progress = options.progress ?? NO_PROGRESS;
  const dryRun = options.dryRun ?? false;
  const context: RestoreContext = {
    scope: options.scope,
    resources,
    clients,
    store: new EventStore({ tableName: resources.tableName, client: clients.dynamo }),
    registry: new RegistryStore({ client: clients.schemas, registryName: resources.registryName }),
    dryRun,
    force: options.force ?? false,
    progress,
    at: (options.now ?? (() => new Date()))().toISOString(),
    report: (item) => items.push(item),
  };
  const reader = (bucket: string, asOf?: Date) =>
    new BucketReader({ client: clients.s3, bucket, ...(asOf === undefined ? {} : { asOf }) });
  const { asOf } = options;

  let backups = await readBackups(reader(resources.backupBucket, asOf), (done, total) =>
    progress('reading backups', done, total),
  );
  const manifests = await readManifests(
    reader(resources.publisherBucket, asOf),
    reader(resources.subscriberBucket, asOf),
  );
  const current =
    asOf === undefined
      ? manifests
      : await readManifests(reader(resources.publisherBucket), reader(resources.subscriberBucket));

  if (options.targets.includes(RestoreTarget.BACKUPS)) backups = await restoreBackups(context, backups);
  for (const problem of [...backups.strays, ...manifests.problems]) {
    items.push({
      store: Store.BACKUPS,
      subject: problem.key,
      outcome: Outcome.FAILED,
      detail: problem.reason,
      key: problem.key,
    });
  }
  const types = await restorableTypes(
    context,
    backups,
    [manifests, current],
    options.includeDeleted ?? false,
  );

  let mapping: RegistryMapping = new Map();
  if (options.targets.includes(RestoreTarget.REGISTRY)) mapping = await restoreRegistry(context, types);
  else if (options.targets.includes(RestoreTarget.TABLE)) mapping = await readMapping(context, types);
  if (options.targets.includes(RestoreTarget.TABLE)) {
    await restoreTable(context, types, [...manifests.consumers.values()], mapping);
    for (const entry of manifests.consumers.values()) {
      const eventType = entry.manifest.event_type;
      if (types.some((type) => type.eventType === eventType)) continue;
      items.push({
        store: Store.TABLE,
        subject: `subscription ${entry.manifest.subscription_id}`,
        outcome: backups.eventTypes.has(eventType) ? Outcome.SKIPPED : Outcome.FAILED,
        detail: backups.eventTypes.has(eventType)
          ? `event type ${eventType} is not restored`
          : `event type ${eventType} has no backups`,
        key: entry.key,
      });
    }
    await restoreManifests(context, types, current);
  }

  return {
    environment: options.scope.environment,
    dryRun,
    ...(asOf === undefined ? {} : { asOf: asOf.toISOString() }),
    stores: storesOf(options.targets),
    items,
    summary: summarize(items),
    exitCode: exitCodeOf(items),
  };
}

function storesOf(targets: readonly RestoreTarget[]): Store[] {
  const stores: Store[] = [];
  if (targets.includes(RestoreTarget.BACKUPS)) stores.push(Store.BACKUPS);
  if (targets.includes(RestoreTarget.REGISTRY)) stores.push(Store.REGISTRY);
  if (targets.includes(RestoreTarget.TABLE)) stores.push(Store.TABLE, Store.MANIFESTS);
  return stores;
}

/**
 * The event types to restore: those whose backups are whole, and that are live (a producer manifest of any
 * version, now or at the time read, or a record in the table) unless deleted ones are included. The others are
 * reported: each bad backup with its key, each deleted event type as skipped.
 */
async function restorableTypes(
  context: RestoreContext,
  backups: BackupCatalog,
  catalogs: readonly ManifestCatalog[],
  includeDeleted: boolean,
): Promise<RestorableType[]> {
  const types: RestorableType[] = [];
  for (const entry of backups.eventTypes.values()) {
    if (entry.problems.length > 0) {
      for (const problem of entry.problems) {
        context.report({
          store: Store.BACKUPS,
          subject: entry.eventType,
          outcome: Outcome.FAILED,
          detail: `backup ${problem.reason}; ${entry.eventType} is not restored`,
          key: problem.key,
        });
      }
      continue;
    }
    const live =
      entry.versions.some((backup) =>
        catalogs.some((catalog) => catalog.producers.has(versionRef(entry.eventType, backup.version))),
      ) || (await context.store.getEventType(entry.eventType)) !== undefined;
    if (!live && !includeDeleted) {
      context.report({
        store: Store.BACKUPS,
        subject: entry.eventType,
        outcome: Outcome.SKIPPED,
        detail: 'deleted (backups kept, no producer manifest, no record); --include-deleted restores it',
      });
      continue;
    }
    types.push({ eventType: entry.eventType, versions: entry.versions });
  }
  return types;
}
