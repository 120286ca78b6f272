/**
 * Dead letters and their redrive, the same in AWS and locally. A subscription's dead letters are the messages
 * of its dead-letter queue (EventBridge's own format: the event as the body, the failure as message attributes).
 * A redrive puts a request on the bus that only the subscription's redrive rule matches; that rule hands the
 * original event (its id unchanged) to the subscription's target with the same retry policy and dead-letter queue.
 */
import type { JsonObject } from './types';

/** The message attributes EventBridge sets on an event it sends to a target's dead-letter queue. */
export const DeadLetterAttribute = {
  ERROR_CODE: 'ERROR_CODE',
  ERROR_MESSAGE: 'ERROR_MESSAGE',
  EXHAUSTED_RETRY_CONDITION: 'EXHAUSTED_RETRY_CONDITION',
  RETRY_ATTEMPTS: 'RETRY_ATTEMPTS',
  RULE_ARN: 'RULE_ARN',
  TARGET_ARN: 'TARGET_ARN',
} as const;
export type DeadLetterAttribute = (typeof DeadLetterAttribute)[keyof typeof DeadLetterAttribute];

/**
 * `Source` of a redrive request. Producers' events carry their application as `Source` and
 * `{event_type}.{version}` as `DetailType`, which never contains a space: no producer event matches a redrive rule.
 */
export const REDRIVE_SOURCE = 'bridgeport.redrive';
/** `DetailType` of a redrive request. */
export const REDRIVE_DETAIL_TYPE = 'Bridgeport Redrive';
/** What the redrive rule's target receives: the original event inside the request. */
export const REDRIVE_INPUT_PATH = '$.detail.event';

/** `Detail` of a redrive request. */
export interface RedriveDetail {
  readonly subscription_id: string;
  /** The dead letter this redrives (its message id in the dead-letter queue). */
  readonly dead_letter_id: string;
  /** The event as it was first delivered, id included. */
  readonly event: JsonObject;
}

/** The redrive rule's pattern: redrive requests for this subscription only. */
export function redriveEventPattern(subscriptionId: string): JsonObject {
  return {
    source: [REDRIVE_SOURCE],
    'detail-type': [REDRIVE_DETAIL_TYPE],
    detail: { subscription_id: [subscriptionId] },
  };
}

/**
 * The event a dead-letter message holds: its body, or — when a redrive failed again and the body is the redrive
 * request — the original event inside it. Undefined when the body is not an event.
 */
export function deadLetteredEvent(body: string): JsonObject | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return undefined;
  }
  if (!isObject(parsed)) return undefined;
  if (parsed.source === REDRIVE_SOURCE && parsed['detail-type'] === REDRIVE_DETAIL_TYPE) {
    const inner = isObject(parsed.detail) ? parsed.detail.event : undefined;
    return isObject(inner) ? inner : undefined;
  }
  return parsed;
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
