/**
 * The portal's records as the events table holds them: an event type, its versions, a subscription (and the
 * claim a subscription request holds while it is being created). `items.ts` says how each is laid out as an
 * item; the repositories read and write them.
 */
import type {
  ConsumerType,
  DeploymentStatus,
  JsonObject,
  JsonSchema,
  ProducerType,
  RetryPolicy,
  SchemaComparison,
} from '@bridgeport/core';

/**
 * Progress of a record through the portal's own side effects (not the deployment): `CREATING` until every
 * side effect of the request is done, `READY` afterwards, `DELETING` while its removal is in progress.
 */
export const RecordState = { CREATING: 'CREATING', READY: 'READY', DELETING: 'DELETING' } as const;
export type RecordState = (typeof RecordState)[keyof typeof RecordState];

export interface EventTypeRecord {
  readonly event_type: string;
  readonly application: string;
  readonly description: string;
  readonly connection_type: ProducerType;
  /** SQS event types: who may send to the ingress queues (absent: the deploying account). */
  readonly allowed_principals?: readonly string[];
  /** HTTPS event types: the producers' requests per second (their usage plan's throttle). */
  readonly rate_limit_per_second?: number;
  /** Highest completed version; 0 while version 1 is being created. */
  readonly latest_version: number;
  /** The version whose side effects are in progress, if any. */
  readonly pending_version?: number;
  /** Digest of the request that started the pending version (or the creation). */
  readonly pending_digest?: string;
  /**
   * Token of the request doing the pending work. Every side effect of that request is fenced on it: a request
   * that finds another token here has lost the work and stops.
   */
  readonly owner?: string;
  /** Until when (ISO-8601) the owner holds the pending work; no other request takes it over before. */
  readonly lease_until?: string;
  /** Incremented each time the pending work changes hands (a fencing token). */
  readonly fence?: number;
  /** Incremented by every change; the ETag. */
  readonly revision: number;
  readonly state: RecordState;
  /** Subscriptions on any version of this type. */
  readonly subscription_ids: readonly string[];
  readonly created_at: string;
  readonly updated_at: string;
}

export interface EventVersionRecord {
  readonly event_type: string;
  readonly version: number;
  readonly application: string;
  readonly description: string;
  readonly connection_type: ProducerType;
  /** SQS event types: who may send to the ingress queue, copied from the type. */
  readonly allowed_principals?: readonly string[];
  /** The caller's JSON Schema of `data`. */
  readonly data_schema: JsonSchema;
  /** The full envelope schema producers and consumers see. */
  readonly envelope_schema: JsonSchema;
  /** Compatibility with the previous version (absent for version 1). */
  readonly compatibility?: SchemaComparison;
  readonly state: RecordState;
  /** Deployment status of this version's producer. */
  readonly status: DeploymentStatus;
  readonly status_reason?: string;
  readonly status_updated_at: string;
  readonly created_at: string;
  readonly request_digest: string;
  /** The fence of the event type record when this version record was written. */
  readonly fence?: number;
  /** Token of the request that wrote this version record. */
  readonly owner?: string;
  /** The schema registry's version holding this version's envelope (set when the version completes). */
  readonly registry_version?: string;
}

/** The lightweight view of a version used in listings. */
export interface EventVersionSummary {
  readonly version: number;
  readonly state: RecordState;
  readonly status: DeploymentStatus;
  readonly status_reason?: string;
  readonly created_at: string;
}

export interface SubscriptionRecord {
  readonly id: string;
  readonly event_type: string;
  readonly version: number;
  /** Owner of the event type (the EventBridge source). */
  readonly application: string;
  /** The team that made the subscription and owns it (absent on records made before teams owned them). */
  readonly team?: string;
  readonly target_unit?: string;
  readonly connection_type: ConsumerType;
  readonly connection_string: string;
  readonly filter?: JsonObject;
  readonly retry_policy: RetryPolicy;
  /** HTTPS consumers: the Secrets Manager secret holding the endpoint's credentials. */
  readonly secret_name?: string;
  /** HTTPS consumers: invocations per second. */
  readonly rate_limit_per_second?: number;
  readonly state: RecordState;
  /** Deployment status of this subscription's consumer. */
  readonly status: DeploymentStatus;
  readonly status_reason?: string;
  readonly created_at: string;
  readonly updated_at: string;
  readonly request_digest: string;
}

/** Identifies a `POST /subscriptions` request: its event type, version and digest. */
export interface SubscriptionClaim {
  readonly eventType: string;
  readonly version: number;
  readonly digest: string;
}
