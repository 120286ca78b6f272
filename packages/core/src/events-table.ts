import type { ManifestKey } from './naming';
import { DeploymentStatus } from './vocabulary';

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

export interface StatusUpdateInput {
  readonly key: EventsTableItemKey;
  readonly status: DeploymentStatus;
  /** When the status is written (ISO-8601). */
  readonly at: string;
  /** Why (a failure's reason); the previous reason is removed when absent. */
  readonly reason?: string;
  /**
   * Time of the deployment event the status comes from (ISO-8601, one format for all writes). When given, the
   * update only applies if no status from a later event was recorded (nor from the same second, unless this
   * status is an outcome, `ACTIVE` or `FAILED`); when absent, it always applies.
   */
  readonly eventAt?: string;
  /** Pipeline execution the status comes from, kept with it. */
  readonly executionId?: string;
}

/** A DynamoDB update without the SDK: the parts of an `UpdateItem` request besides the table name. */
export interface EventsTableUpdate {
  readonly Key: EventsTableItemKey;
  readonly UpdateExpression: string;
  readonly ConditionExpression: string;
  readonly ExpressionAttributeNames: Readonly<Record<string, string>>;
  readonly ExpressionAttributeValues: Readonly<Record<string, string>>;
}

/** Whether a status ends a deployment (rather than starting one). */
function isOutcome(status: DeploymentStatus): boolean {
  return status === DeploymentStatus.ACTIVE || status === DeploymentStatus.FAILED;
}

/**
 * The one update of a record's deployment status: the status, the time it was written (`status_updated_at` on
 * a version, `updated_at` on a subscription) and the reason (removed when there is none), only on a record that
 * exists; with `eventAt`, also only when the recorded status comes from an older event (or none), so deployment
 * events that arrive late or out of order never replace a newer status.
 */
export function statusUpdateOf(input: StatusUpdateInput): EventsTableUpdate {
  const isSubscription = input.key[EventsTableKey.SORT] === EVENTS_TABLE_META;
  const sets = ['#status = :status', '#at = :at'];
  const names: Record<string, string> = {
    '#pk': EventsTableKey.PARTITION,
    '#status': StatusAttribute.STATUS,
    '#reason': StatusAttribute.REASON,
    '#at': isSubscription ? StatusAttribute.SUBSCRIPTION_UPDATED_AT : StatusAttribute.VERSION_UPDATED_AT,
  };
  const values: Record<string, string> = { ':status': input.status, ':at': input.at };
  let condition = 'attribute_exists(#pk)';
  if (input.reason !== undefined) {
    sets.push('#reason = :reason');
    values[':reason'] = input.reason;
  }
  if (input.eventAt !== undefined) {
    sets.push('#eventAt = :eventAt');
    names['#eventAt'] = StatusAttribute.EVENT_AT;
    values[':eventAt'] = input.eventAt;
    // Event times have one-second precision: at the same second, an outcome (ACTIVE, FAILED) wins over a start.
    condition = isOutcome(input.status)
      ? 'attribute_exists(#pk) AND (attribute_not_exists(#eventAt) OR #eventAt <= :eventAt)'
      : 'attribute_exists(#pk) AND (attribute_not_exists(#eventAt) OR #eventAt < :eventAt)';
  }
  if (input.executionId !== undefined) {
    sets.push('#execution = :execution');
    names['#execution'] = StatusAttribute.EXECUTION_ID;
    values[':execution'] = input.executionId;
  }
  return {
    Key: input.key,
    UpdateExpression: `SET ${sets.join(', ')}${input.reason === undefined ? ' REMOVE #reason' : ''}`,
    ConditionExpression: condition,
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
  };
}
