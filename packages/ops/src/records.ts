/**
 * The portal's records as the backups and manifests describe them, and the comparisons restore and audit share:
 * which fields a record can be rebuilt with, and when a stored record agrees with its sources.
 */
import { createHash } from 'node:crypto';
import {
  type ConsumerManifest,
  DEFAULT_RATE_LIMIT_PER_SECOND,
  type DeploymentStatus,
} from '@bridgeport/core';
import {
  canonicalJson,
  type EventTypeRecord,
  type EventVersionRecord,
  RecordState,
  type SubscriptionRecord,
} from '@bridgeport/portal';
import type { SchemaBackup } from './sources/backups';

function digestOf(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('hex');
}

/** The version record a backup describes (`READY`; its deployment status as found, or `PENDING`). */
export function versionRecordOf(
  backup: SchemaBackup,
  options: { readonly status: DeploymentStatus; readonly at: string; readonly registryVersion?: string },
): EventVersionRecord {
  return {
    event_type: backup.event_type,
    version: backup.version,
    application: backup.application,
    description: backup.description,
    connection_type: backup.connection_type,
    data_schema: backup.data,
    envelope_schema: backup.schema,
    ...(backup.compatibility === undefined ? {} : { compatibility: backup.compatibility }),
    state: RecordState.READY,
    status: options.status,
    status_updated_at: options.at,
    created_at: backup.created_at,
    request_digest: digestOf(backup),
    ...(options.registryVersion === undefined ? {} : { registry_version: options.registryVersion }),
  };
}

/** The event type record its backups (versions 1…n, in order) and its subscriptions describe. */
export function eventTypeRecordOf(
  versions: readonly SchemaBackup[],
  subscriptionIds: readonly string[],
): EventTypeRecord {
  const first = versions[0] as SchemaBackup;
  const latest = versions[versions.length - 1] as SchemaBackup;
  return {
    event_type: latest.event_type,
    application: latest.application,
    description: latest.description,
    connection_type: latest.connection_type,
    latest_version: latest.version,
    revision: 1,
    state: RecordState.READY,
    subscription_ids: [...subscriptionIds].sort(),
    created_at: first.created_at,
    updated_at: latest.created_at,
  };
}

/** The subscription record a consumer manifest describes. */
export function subscriptionRecordOf(
  manifest: ConsumerManifest,
  options: { readonly status: DeploymentStatus; readonly createdAt: string; readonly at: string },
): SubscriptionRecord {
  const { consumer } = manifest;
  return {
    id: manifest.subscription_id,
    event_type: manifest.event_type,
    version: manifest.version,
    application: manifest.application,
    ...(manifest.target_unit === undefined ? {} : { target_unit: manifest.target_unit }),
    connection_type: consumer.type,
    connection_string: consumer.connection_string,
    ...(manifest.filter === undefined ? {} : { filter: manifest.filter }),
    retry_policy: manifest.retry_policy,
    ...(consumer.secret_name === undefined ? {} : { secret_name: consumer.secret_name }),
    ...(consumer.rate_limit_per_second === undefined
      ? {}
      : { rate_limit_per_second: consumer.rate_limit_per_second }),
    state: RecordState.READY,
    status: options.status,
    created_at: options.createdAt,
    updated_at: options.at,
    request_digest: digestOf(manifest),
  };
}

/** The fields of a version record its backup holds; a version record agrees with its backup when these match. */
function versionContent(record: EventVersionRecord): unknown {
  return {
    application: record.application,
    description: record.description,
    connection_type: record.connection_type,
    data_schema: record.data_schema,
    envelope_schema: record.envelope_schema,
    compatibility: record.compatibility ?? null,
    created_at: record.created_at,
  };
}

/** The fields of the version record that differ from the backup's (empty when they agree). */
export function versionDifferences(record: EventVersionRecord, backup: SchemaBackup): string[] {
  return differences(
    versionContent(record),
    versionContent(versionRecordOf(backup, { status: 'PENDING', at: '' })),
  );
}

function subscriptionContent(record: SubscriptionRecord): unknown {
  return {
    event_type: record.event_type,
    version: record.version,
    application: record.application,
    target_unit: record.target_unit ?? null,
    connection_type: record.connection_type,
    connection_string: record.connection_string,
    filter: record.filter ?? null,
    retry_policy: record.retry_policy,
    secret_name: record.secret_name ?? null,
    rate_limit_per_second: record.rate_limit_per_second ?? DEFAULT_RATE_LIMIT_PER_SECOND,
  };
}

/** The fields of the subscription record that differ from its manifest's (empty when they agree). */
export function subscriptionDifferences(record: SubscriptionRecord, manifest: ConsumerManifest): string[] {
  const rebuilt = subscriptionRecordOf(manifest, { status: 'PENDING', createdAt: '', at: '' });
  return differences(subscriptionContent(record), subscriptionContent(rebuilt));
}

/**
 * The fields of an event type record that differ from what its backups say. The description is left out (a
 * description-only change writes no backup), and so are the record's own times (not in the backups).
 */
export function eventTypeDifferences(record: EventTypeRecord, versions: readonly SchemaBackup[]): string[] {
  const rebuilt = eventTypeRecordOf(versions, []);
  const pick = (type: EventTypeRecord) => ({
    application: type.application,
    connection_type: type.connection_type,
    latest_version: type.latest_version,
  });
  return differences(pick(record), pick(rebuilt));
}

function differences(actual: unknown, expected: unknown): string[] {
  const a = actual as Record<string, unknown>;
  const b = expected as Record<string, unknown>;
  return Object.keys(b).filter((field) => canonicalJson(a[field]) !== canonicalJson(b[field]));
}
