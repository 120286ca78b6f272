/**
 * Subscriptions as the API shows them: who owns one, and which of its fields a caller sees (where the consumer
 * is, and its credentials, only to the owning team and admins).
 */
import type { SubscriptionRecord } from '../store/records';
import { ADMIN_GROUP, actsFor, type Caller } from './caller';

/**
 * A subscription as the API shows it. `connection_string` and `secret_name` (where the consumer is, and its
 * credentials) are shown only to the owning team and admins.
 */
export type SubscriptionView = Omit<
  SubscriptionRecord,
  'state' | 'request_digest' | 'connection_string' | 'secret_name' | 'team'
> & {
  /** The team that made the subscription and owns it. */
  readonly team: string;
  readonly connection_string?: string;
  readonly secret_name?: string;
};

/** Fields of a subscription only its team (and admins) see. */
const PRIVATE_FIELDS = ['connection_string', 'secret_name'] as const;

export interface ListPage<T> {
  readonly items: T[];
  readonly next_token?: string;
}

/** The owning team; subscriptions made before teams owned them belong to the admins. */
export function teamOf(record: SubscriptionRecord): string {
  return record.team ?? ADMIN_GROUP;
}

export function subscriptionView(record: SubscriptionRecord, caller: Caller): SubscriptionView {
  const { state: _state, request_digest: _digest, ...rest } = record;
  const team = teamOf(record);
  if (actsFor(caller, team)) return { ...rest, team };
  const shown: Record<string, unknown> = { ...rest, team };
  for (const field of PRIVATE_FIELDS) delete shown[field];
  return shown as SubscriptionView;
}
