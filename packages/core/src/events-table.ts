import type { ManifestKey } from './naming';

/** Names of the events table's key attributes and global secondary indexes (single-table design). */
export const EventsTableKey = {
  PARTITION: 'PK',
  SORT: 'SK',
  /** GSI1: every event type (`EVENT_TYPES`) or every subscription (`SUBSCRIPTIONS`), one partition each. */
  LIST_INDEX: 'GSI1',
  LIST_PARTITION: 'GSI1PK',
  LIST_SORT: 'GSI1SK',
  /** GSI2: event types of one application, subscriptions of one event type (sorted by version). */
  LOOKUP_INDEX: 'GSI2',
  LOOKUP_PARTITION: 'GSI2PK',
  LOOKUP_SORT: 'GSI2SK',
  /** Epoch seconds after which DynamoDB may remove an item (dead letters, subscription claims). */
  TIME_TO_LIVE: 'expires_at',
} as const;

/** The primary key of one item of the events table. */
export type EventsTableItemKey = Readonly<
  Record<typeof EventsTableKey.PARTITION | typeof EventsTableKey.SORT, string>
>;

/** Sort key of the one record of an event type or a subscription. */
export const EVENTS_TABLE_META = '#META';
/** Prefix of the sort keys of an event type's versions. */
export const VERSION_SORT_PREFIX = 'VERSION#';

/** Partition of an event type and its versions: `EVENT_TYPE#{event type}`. */
export function eventTypePartition(eventType: string): string {
  return `EVENT_TYPE#${eventType}`;
}

/** Partition of a subscription and its dead letters: `SUBSCRIPTION#{id}`. */
export function subscriptionPartition(subscriptionId: string): string {
  return `SUBSCRIPTION#${subscriptionId}`;
}

/** Sort key of a version: `VERSION#` and the version on 10 digits, so versions sort numerically. */
export function versionSortKey(version: number): string {
  return `${VERSION_SORT_PREFIX}${String(version).padStart(10, '0')}`;
}

/** Key of an event type's record. */
export function eventTypeKey(eventType: string): EventsTableItemKey {
  return {
    [EventsTableKey.PARTITION]: eventTypePartition(eventType),
    [EventsTableKey.SORT]: EVENTS_TABLE_META,
  };
}

/** Key of an event type version's record. */
export function versionKey(eventType: string, version: number): EventsTableItemKey {
  return {
    [EventsTableKey.PARTITION]: eventTypePartition(eventType),
    [EventsTableKey.SORT]: versionSortKey(version),
  };
}

/** Key of a subscription's record. */
export function subscriptionKey(subscriptionId: string): EventsTableItemKey {
  return {
    [EventsTableKey.PARTITION]: subscriptionPartition(subscriptionId),
    [EventsTableKey.SORT]: EVENTS_TABLE_META,
  };
}

/** Key of the record whose deployment status a manifest's deployment sets: a version or a subscription. */
export function statusRecordKey(manifest: ManifestKey): EventsTableItemKey {
  return manifest.kind === 'producer'
    ? versionKey(manifest.eventType, manifest.version)
    : subscriptionKey(manifest.subscriptionId);
}

/** Attributes of a record's deployment status. */
export const StatusAttribute = {
  STATUS: 'status',
  REASON: 'status_reason',
  /** When the status was written, on a version. */
  VERSION_UPDATED_AT: 'status_updated_at',
  /** When the status was written, on a subscription. */
  SUBSCRIPTION_UPDATED_AT: 'updated_at',
  /** Time of the deployment event the status came from; a status from an older event never replaces it. */
  EVENT_AT: 'status_event_at',
  /** Pipeline execution the status came from. */
  EXECUTION_ID: 'status_execution_id',
} as const;
