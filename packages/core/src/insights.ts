/**
 * The metrics behind insights: what the broker emits (Embedded Metric Format through Powertools Metrics) and
 * what EventBridge publishes per rule, named once for the writers (broker, local bus) and the reader (portal).
 */

/** CloudWatch namespace of the broker's own metrics (the HTTP injector and the SQS forwarders). */
export const BROKER_METRICS_NAMESPACE = 'Bridgeport/Broker';
/** Powertools' `service` dimension on every broker metric. */
export const BROKER_METRICS_SERVICE = 'event-broker';

/** The broker's metrics, per event type and version. */
export const BrokerMetric = {
  /** Events put on the bus (Count). */
  PUBLISHED: 'Published',
  /** Events refused at the producer edge (Count), with a `Reason` dimension. */
  REJECTED: 'Rejected',
  /** Size of each published event as EventBridge counts it (Bytes). */
  EVENT_SIZE: 'EventSize',
} as const;
export type BrokerMetric = (typeof BrokerMetric)[keyof typeof BrokerMetric];

/** Why the broker refused an event. */
export const RejectionReason = {
  /** The envelope does not match the version's schema (or is not JSON). */
  SCHEMA: 'schema',
  /** Larger than the event size limit. */
  SIZE: 'size',
  /** The producer is not allowed to publish. */
  AUTH: 'auth',
} as const;
export type RejectionReason = (typeof RejectionReason)[keyof typeof RejectionReason];
export const REJECTION_REASONS: readonly RejectionReason[] = Object.values(RejectionReason);

/** Dimension names of the broker's metrics. */
export const BrokerDimension = {
  SERVICE: 'service',
  EVENT_BUS_NAME: 'EventBusName',
  EVENT_TYPE: 'EventType',
  VERSION: 'Version',
  REASON: 'Reason',
} as const;
export type BrokerDimension = (typeof BrokerDimension)[keyof typeof BrokerDimension];

/** EventBridge's namespace of per-rule metrics. */
export const EVENTBRIDGE_METRICS_NAMESPACE = 'AWS/Events';

/** EventBridge's per-rule metrics insights read (dimensions `EventBusName` and `RuleName` on a custom bus). */
export const EventBridgeMetric = {
  /** Events that matched the rule (Count). */
  MATCHED_EVENTS: 'MatchedEvents',
  /** Invocations of the rule's target that ended (delivered or failed for good) (Count). */
  INVOCATIONS: 'Invocations',
  /** Attempts that delivered (Count). */
  SUCCESSFUL_INVOCATION_ATTEMPTS: 'SuccessfulInvocationAttempts',
  /** Attempts that failed and were retried (Count). */
  RETRY_INVOCATION_ATTEMPTS: 'RetryInvocationAttempts',
  /** Invocations that failed for good (Count). */
  FAILED_INVOCATIONS: 'FailedInvocations',
  /** Invocations that failed for good and went to the target's dead-letter queue (Count). */
  INVOCATIONS_SENT_TO_DLQ: 'InvocationsSentToDlq',
  /** Ingestion of the event to its successful delivery (Milliseconds). */
  INGESTION_TO_INVOCATION_SUCCESS_LATENCY: 'IngestionToInvocationSuccessLatency',
} as const;
export type EventBridgeMetric = (typeof EventBridgeMetric)[keyof typeof EventBridgeMetric];

export const EventBridgeDimension = {
  EVENT_BUS_NAME: 'EventBusName',
  RULE_NAME: 'RuleName',
} as const;
