/**
 * The event types and versions as the API shows them: the response shapes of `/events`, built from the
 * records, and the revision each representation was read at (its ETag).
 */
import {
  DeploymentStatus,
  detailType,
  type JsonSchema,
  ProducerType,
  producerThrottle,
  type SchemaComparison,
} from '@bridgeport/core';
import {
  type EventTypeRecord,
  type EventVersionRecord,
  type EventVersionSummary,
  RecordState,
} from '../store/records';

export interface VersionSummaryView {
  readonly version: number;
  readonly status: string;
  readonly status_reason?: string;
  readonly created_at: string;
}

export interface EventTypeView {
  readonly event_type: string;
  readonly application: string;
  readonly description: string;
  readonly connection_type: string;
  /** HTTPS event types: requests per second their producers' key may make (bursts of twice as many). */
  readonly rate_limit_per_second?: number;
  readonly latest_version: number;
  /** Deployment status of the type: its latest version's, or `DELETING` while the type is being deleted. */
  readonly status: string;
  readonly versions: VersionSummaryView[];
  readonly subscription_count: number;
  readonly created_at: string;
  readonly updated_at: string;
}

export interface EventTypeListItem {
  readonly event_type: string;
  readonly application: string;
  readonly description: string;
  readonly connection_type: string;
  readonly latest_version: number;
  readonly created_at: string;
  readonly updated_at: string;
}

export interface EventVersionView {
  readonly event_type: string;
  readonly version: number;
  readonly application: string;
  readonly description: string;
  readonly connection_type: string;
  readonly detail_type: string;
  readonly status: string;
  readonly status_reason?: string;
  readonly created_at: string;
  /** The full envelope schema producers send and consumers receive. */
  readonly schema: JsonSchema;
  /** The JSON Schema of `data` as registered. */
  readonly data: JsonSchema;
  /** Compatibility with the previous version (absent for version 1). */
  readonly compatibility?: SchemaComparison;
}

/** A representation with the revision it was read at (sent as the ETag). */
export interface Revisioned<T> {
  readonly value: T;
  readonly revision: number;
}

export interface UpdateResult {
  readonly event_type: EventTypeView;
  /** Set when the update created a new version. */
  readonly compatibility?: SchemaComparison;
}

/** The type with its versions (those still being created left out), at the type's revision. */
export function eventTypeView(
  type: EventTypeRecord,
  allVersions: readonly EventVersionSummary[],
): Revisioned<EventTypeView> {
  const versions = allVersions.filter((version) => version.state !== RecordState.CREATING);
  const latest = versions.find((version) => version.version === type.latest_version);
  return {
    revision: type.revision,
    value: {
      event_type: type.event_type,
      application: type.application,
      description: type.description,
      connection_type: type.connection_type,
      ...(type.connection_type === ProducerType.HTTPS
        ? { rate_limit_per_second: producerThrottle(type.rate_limit_per_second).rateLimit }
        : {}),
      latest_version: type.latest_version,
      status:
        type.state === RecordState.DELETING
          ? DeploymentStatus.DELETING
          : (latest?.status ?? DeploymentStatus.PENDING),
      versions: versions.map(versionSummary),
      subscription_count: type.subscription_ids.length,
      created_at: type.created_at,
      updated_at: type.updated_at,
    },
  };
}

function versionSummary(version: EventVersionSummary): VersionSummaryView {
  return {
    version: version.version,
    status: version.status,
    ...(version.status_reason === undefined ? {} : { status_reason: version.status_reason }),
    created_at: version.created_at,
  };
}

/** A type as `GET /events` lists it. */
export function listItem(type: EventTypeRecord): EventTypeListItem {
  return {
    event_type: type.event_type,
    application: type.application,
    description: type.description,
    connection_type: type.connection_type,
    latest_version: type.latest_version,
    created_at: type.created_at,
    updated_at: type.updated_at,
  };
}

/** A version as `GET /events/{event_type}/versions/{version}` shows it. */
export function versionView(record: EventVersionRecord, type: EventTypeRecord): EventVersionView {
  return {
    event_type: record.event_type,
    version: record.version,
    application: type.application,
    description: record.description,
    connection_type: record.connection_type,
    detail_type: detailType(record.event_type, record.version),
    status: record.status,
    ...(record.status_reason === undefined ? {} : { status_reason: record.status_reason }),
    created_at: record.created_at,
    schema: record.envelope_schema,
    data: record.data_schema,
    ...(record.compatibility === undefined ? {} : { compatibility: record.compatibility }),
  };
}
