import { SUBSCRIPTION_ID_PATTERN, targetId } from '@bridgeport/core';
import type { DeadLetter as PortalDeadLetter, SubscriptionRecord } from '@bridgeport/portal';
import { RecordState } from '@bridgeport/portal';
import type { DeadLetter, DeadLetterSink } from '../bus/types';

/** The part of the portal's `EventStore` dead letters need. */
export interface SubscriptionDeadLetterStore {
  getSubscription(id: string): Promise<SubscriptionRecord | undefined>;
  recordDeadLetter(subscriptionId: string, deadLetter: PortalDeadLetter): Promise<unknown>;
}

/**
 * Routes the bus's dead letters to the subscription they belong to, in the portal's store, so that
 * `GET /subscriptions/{id}/dead-letters` shows them. The subscription is known from the rule target's id
 * (core's `targetId(subscription_id)`). Dead letters of other targets, or of subscriptions deleted since,
 * go to `fallback` (a file in the data directory). Until the portal store is attached the sink throws, and
 * the bus hands the dead letter over again later: nothing is dropped.
 */
export class DeadLetterRouter {
  private store: SubscriptionDeadLetterStore | undefined;

  constructor(private readonly fallback: DeadLetterSink) {}

  attach(store: SubscriptionDeadLetterStore): void {
    this.store = store;
  }

  detach(): void {
    this.store = undefined;
  }

  readonly sink: DeadLetterSink = async (deadLetter) => {
    const store = this.store;
    if (store === undefined) throw new Error('The portal store is not available yet.');
    const subscriptionId = subscriptionOfTarget(deadLetter.targetId);
    const subscription =
      subscriptionId === undefined ? undefined : await store.getSubscription(subscriptionId);
    if (subscription === undefined || subscription.state === RecordState.DELETING) {
      await this.fallback(deadLetter);
      return;
    }
    await store.recordDeadLetter(subscription.id, toPortalDeadLetter(deadLetter));
  };
}

/** The subscription whose consumer a rule target is, when the target id is core's `targetId(id)`. */
export function subscriptionOfTarget(id: string): string | undefined {
  const suffix = targetId('a'.repeat(12)).slice(12);
  if (!id.endsWith(suffix)) return undefined;
  const candidate = id.slice(0, -suffix.length);
  return SUBSCRIPTION_ID_PATTERN.test(candidate) && targetId(candidate) === id ? candidate : undefined;
}

function toPortalDeadLetter(deadLetter: DeadLetter): PortalDeadLetter {
  const exhausted = deadLetter.exhaustedRetryCondition;
  return {
    event: deadLetter.event as unknown as PortalDeadLetter['event'],
    error_code: deadLetter.errorCode,
    error_message: exhausted
      ? `${deadLetter.errorMessage} (${exhausted} exhausted)`
      : deadLetter.errorMessage,
    attempts: deadLetter.attempts,
    failed_at: deadLetter.failedAt,
  };
}
