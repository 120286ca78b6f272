import type { ConsumerType, DeploymentStatus, ProducerType } from './vocabulary';

/** A JSON value as it comes out of JSON.parse. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/** A JSON Schema document (any draft); kept as plain JSON. */
export type JsonSchema = JsonObject;

/** One problem found in an input: where (JSON path such as `$.retry_policy.maximum_retry_attempts`) and why. */
export interface ValidationProblem {
  readonly path: string;
  readonly message: string;
}

/** Result of validating or parsing untrusted input: a typed value, or every problem found. */
export type Validated<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly errors: ValidationProblem[] };

export interface RetryPolicy {
  /** 60–86400 */
  readonly maximum_event_age_seconds: number;
  /** 0–185 */
  readonly maximum_retry_attempts: number;
}

/** Body of `POST /events`. */
export interface EventTypeRequest {
  readonly application: string;
  readonly event_type: string;
  readonly description: string;
  readonly connection_type: ProducerType;
  /** JSON Schema of the event's `data`. */
  readonly data: JsonSchema;
  /**
   * SQS event types: the IAM principals (account ids, root, role or user ARNs) allowed to send to the ingress
   * queues. @default the deploying account
   */
  readonly allowed_principals?: readonly string[];
  /**
   * HTTPS event types: requests per second the producers' key may make (bursts of twice as many).
   * @default PRODUCER_THROTTLE.rateLimit
   */
  readonly rate_limit_per_second?: number;
}

/** Body of `PUT /events/{event_type}`: at least one of the two. */
export interface EventTypeUpdate {
  readonly description?: string;
  readonly data?: JsonSchema;
}

/** Body of `POST /subscriptions`. */
export interface SubscriptionRequest {
  readonly event_type: string;
  readonly version: number;
  readonly target_unit?: string;
  readonly connection_type: ConsumerType;
  /** Lambda function ARN, SQS queue ARN or https URL, by connection_type. */
  readonly connection_string: string;
  /** EventBridge pattern over the event's `data`. */
  readonly filter?: JsonObject;
  readonly retry_policy?: RetryPolicy;
  /**
   * HTTPS consumers: the name of an existing Secrets Manager secret holding
   * `{"api_key_name","api_key_value"}`, the credentials sent to the endpoint.
   */
  readonly secret_name?: string;
  /** HTTPS consumers: invocations per second (1–300). @default DEFAULT_RATE_LIMIT_PER_SECOND */
  readonly rate_limit_per_second?: number;
}

export type { ConsumerType, DeploymentStatus, ProducerType };
