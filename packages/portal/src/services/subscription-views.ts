/**
 * Subscriptions as the API shows them: who owns one, and which of its fields a caller sees (where the consumer
 * is, and its credentials, only to the owning team and admins).
 */
import type { SubscriptionRecord } from '../store/records';
import { ADMIN_GROUP, actsFor, type Caller } from './caller';

/**
 * A subscription as the API shows it: the fields docs/api.md lists, nothing else of the record (neither the
 * portal's own bookkeeping nor what the deployment status recorder keeps beside the status, such as
 * `status_event_at` and `status_execution_id`). `connection_string` and `secret_name` (where the consumer is,
 * and its credentials) are shown only to the owning team and admins.
 */
export type SubscriptionView = Pick<
  SubscriptionRecord,
  | 'id'
  | 'event_type'
  | 'version'
  | 'application'
  | 'target_unit'
  | 'connection_type'
  | 'filter'
  | 'retry_policy'
  | 'rate_limit_per_second'
  | 'status'
  | 'status_reason'
  | 'created_at'
  | 'updated_at'
> & {
  /** The team that made the subscription and owns it. */
  readonly team: string;
  readonly connection_string?: string;
  readonly secret_name?: string;
};

export interface ListPage<T> {
  readonly items: T[];
  readonly next_token?: string;
}

/** The owning team; subscriptions made before teams owned them belong to the admins. */
export function teamOf(record: SubscriptionRecord): string {
  return record.team ?? ADMIN_GROUP;
}

export function subscriptionView(record: SubscriptionRecord, caller: Caller): SubscriptionView {
  const team = teamOf(record);
  const shown = actsFor(caller, team);
  const optional = <K extends keyof SubscriptionRecord>(field: K, show = true) =>
    show && record[field] !== undefined ? ({ [field]: record[field] } as Pick<SubscriptionRecord, K>) : {};
  return {
    id: record.id,
    event_type: record.event_type,
    version: record.version,
    application: record.application,
    team,
    ...optional('target_unit'),
    connection_type: record.connection_type,
    ...optional('connection_string', shown),
    ...optional('filter'),
    retry_policy: record.retry_policy,
    ...optional('secret_name', shown),
    ...optional('rate_limit_per_second'),
    status: record.status,
    ...optional('status_reason'),
    created_at: record.created_at,
    updated_at: record.updated_at,
  };
}
