/**
 * The DynamoDB expressions of the events table's deployment-status update, owned by the portal's store (the table
 * is the portal's) and imported by the broker's status recorder through the `@bridgeport/portal/status-update`
 * subpath, which pulls in nothing but core.
 */
import {
  DeploymentStatus,
  EVENTS_TABLE_META,
  type EventsTableItemKey,
  EventsTableKey,
  StatusAttribute,
} from '@bridgeport/core';

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
