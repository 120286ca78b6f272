/** `bridgeport audit`: compares the backups, the registry, the portal's table and the component buckets. Read-only. */
import { producerManifestKey, schemaBackupKey, schemaName } from '@bridgeport/core';
import {
  EventStore,
  type EventTypeRecord,
  type EventVersionRecord,
  RecordState,
  type SubscriptionRecord,
} from '@bridgeport/portal';
import type { OpsClients } from '../clients';
import { NO_PROGRESS, type Progress } from '../progress';
import { eventTypeDifferences, subscriptionDifferences, versionDifferences } from '../records';
import { allEventTypes, versionRecords } from '../restore/backups';
import { registryDisagreement } from '../restore/registry';
import { type OpsScope, resourcesOf } from '../scope';
import { type EventTypeBackups, readBackups } from '../sources/backups';
import { BucketReader } from '../sources/bucket-reader';
import { type ManifestCatalog, readManifests, versionRef } from '../sources/manifests';
import { RegistryStore, type RegistryVersion } from '../sources/registry';
import { type AuditReport, type Drift, DriftKind } from './drift';

export interface AuditOptions {
  readonly scope: OpsScope;
  readonly progress?: Progress;
}

/** The commands an audit names as fixes. */
function fixes(scope: OpsScope, registryName: string) {
  const restore = (flags: string) => `bridgeport restore --env ${scope.environment} ${flags}`;
  return {
    backups: restore('--backups'),
    registry: restore('--registry'),
    registryForce: restore('--registry --force'),
    table: restore('--table'),
    tableForce: restore('--table --force'),
    deleteSchema: (name: string) =>
      `aws schemas delete-schema --registry-name ${registryName} --schema-name ${name} (or ${restore('--include-deleted')} to bring the event type back)`,
    removeObject: (bucket: string, key: string) =>
      `put a good version of the object back (aws s3api list-object-versions --bucket ${bucket} --prefix ${key}) or remove it`,
  };
}

export async function audit(clients: OpsClients, options: AuditOptions): Promise<AuditReport> {
  const { scope } = options;
  const progress = options.progress ?? NO_PROGRESS;
  const resources = resourcesOf(scope);
  const fix = fixes(scope, resources.registryName);
  const store = new EventStore({ tableName: resources.tableName, client: clients.dynamo });
  const registry = new RegistryStore({ client: clients.schemas, registryName: resources.registryName });
  const reader = (bucket: string) => new BucketReader({ client: clients.s3, bucket });
  const drifts: Drift[] = [];

  const backups = await readBackups(reader(resources.backupBucket), (done, total) =>
    progress('reading backups', done, total),
  );
  const manifests = await readManifests(
    reader(resources.publisherBucket),
    reader(resources.subscriberBucket),
  );
  const tableTypes = new Map((await allEventTypes(store)).map((record) => [record.event_type, record]));
  const schemas = new Set(await registry.schemaNames());
  const subscriptions = await allSubscriptions(store);

  for (const problem of backups.strays) {
    drifts.push({
      kind: DriftKind.BACKUP_INVALID,
      subject: problem.key,
      detail: problem.reason,
      key: problem.key,
      fix: fix.removeObject(resources.backupBucket, problem.key),
    });
  }
  for (const problem of manifests.problems) {
    drifts.push({
      kind: DriftKind.MANIFEST_INVALID,
      subject: problem.key,
      detail: problem.reason,
      key: problem.key,
      fix: 'remove the object or put a good version of it back (the deployment pipeline reads it)',
    });
  }

  const names = new Set<string>([
    ...backups.eventTypes.keys(),
    ...tableTypes.keys(),
    ...schemas,
    ...[...manifests.producers.values()].map((entry) => entry.manifest.event_type),
  ]);
  let versionsChecked = 0;
  let done = 0;
  for (const name of [...names].sort()) {
    done += 1;
    progress('audit', done, names.size, name);
    const record = tableTypes.get(name);
    const records = record === undefined ? [] : await versionRecords(store, name);
    versionsChecked += records.length;
    const typeBackups = backups.eventTypes.get(name);
    const registryVersions = schemas.has(name) ? await registry.versions(schemaName(name)) : undefined;
    drifts.push(
      ...auditEventType({
        name,
        record,
        records,
        backups: typeBackups,
        registryVersions,
        manifests,
        fix,
        backupBucket: resources.backupBucket,
      }),
    );
  }

  const byId = new Map(subscriptions.map((subscription) => [subscription.id, subscription]));
  for (const entry of manifests.consumers.values()) {
    const id = entry.manifest.subscription_id;
    const subject = `subscription ${id}`;
    const found = byId.get(id);
    if (found === undefined) {
      drifts.push({
        kind: DriftKind.MANIFEST_WITHOUT_RECORD,
        subject,
        detail: 'the consumer manifest has no subscription record',
        key: entry.key,
        fix: fix.table,
      });
      continue;
    }
    const differs = subscriptionDifferences(found, entry.manifest);
    if (differs.length > 0) {
      drifts.push({
        kind: DriftKind.RECORD_DIFFERENT,
        subject,
        detail: `the record differs from its manifest in ${differs.join(', ')}`,
        key: entry.key,
        fix: fix.tableForce,
      });
    }
    const owner = tableTypes.get(found.event_type);
    if (owner !== undefined && !owner.subscription_ids.includes(id)) {
      drifts.push({
        kind: DriftKind.RECORD_DIFFERENT,
        subject: found.event_type,
        detail: `the event type record does not list ${subject}`,
        fix: fix.table,
      });
    }
  }
  for (const subscription of subscriptions) {
    if (subscription.state !== RecordState.READY || manifests.consumers.has(subscription.id)) continue;
    drifts.push({
      kind: DriftKind.RECORD_WITHOUT_MANIFEST,
      subject: `subscription ${subscription.id}`,
      detail: `the subscription record (${subscription.event_type} v${subscription.version}) has no consumer manifest`,
      fix: fix.table,
    });
  }

  return {
    environment: scope.environment,
    checked: { eventTypes: names.size, versions: versionsChecked, subscriptions: subscriptions.length },
    drifts,
    exitCode: drifts.length === 0 ? 0 : 1,
  };
}

interface EventTypeAudit {
  readonly name: string;
  readonly record: EventTypeRecord | undefined;
  readonly records: readonly EventVersionRecord[];
  readonly backups: EventTypeBackups | undefined;
  readonly registryVersions: readonly RegistryVersion[] | undefined;
  readonly manifests: ManifestCatalog;
  readonly fix: ReturnType<typeof fixes>;
  readonly backupBucket: string;
}

function auditEventType(input: EventTypeAudit): Drift[] {
  const { name, record, records, backups, registryVersions, manifests, fix } = input;
  const drifts: Drift[] = [];
  const producerVersions = [...manifests.producers.values()]
    .filter((entry) => entry.manifest.event_type === name)
    .map((entry) => entry.manifest.version);
  const live = record !== undefined || producerVersions.length > 0;
  for (const problem of backups?.problems ?? []) {
    drifts.push({
      kind: problem.missing === true ? DriftKind.BACKUP_MISSING : DriftKind.BACKUP_INVALID,
      subject: name,
      detail: `backup ${problem.reason}`,
      key: problem.key,
      fix: records.length > 0 ? fix.backups : fix.removeObject(input.backupBucket, problem.key),
    });
  }
  if (!live) {
    if (registryVersions !== undefined) {
      drifts.push({
        kind: DriftKind.REGISTRY_EXTRA,
        subject: name,
        detail: 'the registry has a schema for an event type with no record and no producer manifest',
        fix: fix.deleteSchema(name),
      });
    }
    return drifts;
  }
  const backedUp = new Set(backups?.versions.map((backup) => backup.version) ?? []);
  const invalid = new Set(backups?.problems.map((problem) => problem.key) ?? []);
  for (const version of records.map((found) => found.version)) {
    const key = schemaBackupKey(name, version);
    if (!backedUp.has(version) && !invalid.has(key)) {
      drifts.push({
        kind: DriftKind.BACKUP_MISSING,
        subject: `${name} v${version}`,
        detail: 'the version record has no backup',
        key,
        fix: fix.backups,
      });
    }
  }
  if (backups === undefined || backups.problems.length > 0) return drifts;
  const versions = backups.versions;

  if (registryVersions === undefined) {
    drifts.push({
      kind: DriftKind.REGISTRY_MISSING,
      subject: name,
      detail: 'the registry has no schema for this event type',
      fix: fix.registry,
    });
  } else {
    const disagreement = registryDisagreement({ eventType: name, versions }, registryVersions);
    if (disagreement !== undefined) {
      drifts.push({
        kind: DriftKind.REGISTRY_DIFFERENT,
        subject: name,
        detail: disagreement,
        fix: fix.registryForce,
      });
    } else if (registryVersions.length < versions.length) {
      drifts.push({
        kind: DriftKind.REGISTRY_MISSING,
        subject: name,
        detail: `the registry holds ${registryVersions.length} of ${versions.length} versions`,
        fix: fix.registry,
      });
    }
  }

  if (record === undefined) {
    drifts.push({
      kind: DriftKind.RECORD_MISSING,
      subject: name,
      detail: 'the event type has no record in the table',
      fix: fix.table,
    });
  } else if (record.latest_version <= versions.length) {
    const differs = eventTypeDifferences(record, versions);
    if (differs.length > 0) {
      drifts.push({
        kind: DriftKind.RECORD_DIFFERENT,
        subject: name,
        detail: `the record differs from its backups in ${differs.join(', ')}`,
        fix: fix.tableForce,
      });
    }
  }
  for (const backup of versions) {
    const subject = `${name} v${backup.version}`;
    const found = records.find((candidate) => candidate.version === backup.version);
    if (found === undefined) {
      drifts.push({
        kind: DriftKind.RECORD_MISSING,
        subject,
        detail: 'the version has no record in the table',
        fix: fix.table,
      });
    } else {
      const differs = versionDifferences(found, backup);
      if (differs.length > 0) {
        drifts.push({
          kind: DriftKind.RECORD_DIFFERENT,
          subject,
          detail: `the record differs from its backup in ${differs.join(', ')}`,
          fix: fix.tableForce,
        });
      }
      const holding = registryVersions?.[backup.version - 1];
      const agrees =
        registryVersions !== undefined &&
        registryDisagreement({ eventType: name, versions }, registryVersions) === undefined;
      if (agrees && holding !== undefined && found.registry_version !== holding.version) {
        drifts.push({
          kind: DriftKind.REGISTRY_MAPPING,
          subject,
          detail: `the record names registry version ${found.registry_version ?? 'none'}, version ${holding.version} holds it`,
          fix: fix.registry,
        });
      }
    }
    if (!manifests.producers.has(versionRef(name, backup.version))) {
      drifts.push({
        kind: DriftKind.PRODUCER_MANIFEST_MISSING,
        subject,
        detail: 'the version has no producer manifest',
        key: producerManifestKey(name, backup.version),
        fix: fix.table,
      });
    }
  }
  for (const version of producerVersions) {
    if (version > versions.length && !records.some((found) => found.version === version)) {
      drifts.push({
        kind: DriftKind.MANIFEST_WITHOUT_RECORD,
        subject: `${name} v${version}`,
        detail: 'the producer manifest has no backup and no version record',
        key: producerManifestKey(name, version),
        fix: 'remove the producer manifest (it deploys a version nothing else knows)',
      });
    }
  }
  return drifts;
}

async function allSubscriptions(store: EventStore): Promise<SubscriptionRecord[]> {
  const records: SubscriptionRecord[] = [];
  let startKey: Record<string, string | number> | undefined;
  do {
    const page = await store.listSubscriptions({ limit: 100, startKey });
    records.push(...page.items);
    startKey = page.nextKey;
  } while (startKey !== undefined);
  return records;
}
