/**
 * Plans: the single truth of what gets deployed for a manifest. The CDK generators render a plan into
 * constructs; the local runtime applies the same plan to its local bus. Nothing else computes these.
 */
import { type Draft04Incompatibility, draft04Compatibility, toDraft04Model } from './draft04';
import type { ConsumerManifest, ProducerManifest } from './manifest';
import { DEFAULT_RATE_LIMIT_PER_SECOND } from './manifest';
import {
  apiDestinationName,
  busName,
  connectionName,
  consumerAlarmName,
  consumerDeadLetterQueueName,
  consumerStackName,
  detailType,
  producerDeadLetterQueueName,
  producerIngressQueueName,
  producerStackName,
  redriveRuleName,
  ruleName,
  type SsmParameterNames,
  ssmParameterNames,
  targetId,
} from './naming';
import { REDRIVE_INPUT_PATH, redriveEventPattern } from './redrive';
import type { JsonObject, JsonSchema } from './types';
import { ConsumerType, ProducerType } from './vocabulary';

/** An SQS ingress queue receives a message at most this many times before it goes to the dead-letter queue. */
export const INGRESS_MAX_RECEIVE_COUNT = 3;

/** The API key header an HTTPS consumer's connection sends when it has no secret: its value is the subscription id. */
export const SUBSCRIPTION_HEADER = 'x-bridgeport-subscription';

/** API Gateway throttle of a producer route's usage plan (steady rate per second, and burst). */
export interface ProducerThrottle {
  readonly rateLimit: number;
  readonly burstLimit: number;
}

/** What an event type's usage plan allows its producers' key, across the type's versions. */
export const PRODUCER_THROTTLE: ProducerThrottle = { rateLimit: 100, burstLimit: 200 };

export interface ProducerHttpRoute {
  /** `POST /{event_type}/{version}` on the broker API. */
  readonly pathParts: readonly [string, string];
  readonly method: 'POST';
  /**
   * Producers send the event type's API key (`x-api-key`), which the portal issues in the type's usage plan;
   * requests without a valid key for this event type are refused before anything is put on the bus.
   */
  readonly apiKeyRequired: true;
}

export interface ProducerSqsIngress {
  readonly ingressQueueName: string;
  readonly deadLetterQueueName: string;
  readonly maxReceiveCount: number;
  /** Account ids or IAM ARNs allowed to send to the ingress queue. */
  readonly allowedPrincipals: readonly string[];
}

/** What every producer plan holds, whatever its connection type. */
interface ProducerPlanBase {
  readonly kind: 'producer';
  readonly stackName: string;
  readonly environment: string;
  readonly account: string;
  readonly region: string;
  readonly eventType: string;
  readonly version: number;
  /** EventBridge `Source`: the owning application. */
  readonly source: string;
  readonly detailType: string;
  readonly busName: string;
  /** The envelope schema every event is validated against. */
  readonly validationSchema: JsonSchema;
  /** The API Gateway request model (draft-04), or undefined when the schema cannot be expressed in draft-04. */
  readonly requestModel: JsonSchema | undefined;
  readonly draft04Incompatibilities: readonly Draft04Incompatibility[];
  readonly ssm: SsmParameterNames;
}

/** A producer that POSTs its events to the broker API. */
export interface HttpProducerPlan extends ProducerPlanBase {
  readonly type: typeof ProducerType.HTTPS;
  readonly http: ProducerHttpRoute;
}

/** A producer that sends its events to an SQS ingress queue. */
export interface SqsProducerPlan extends ProducerPlanBase {
  readonly type: typeof ProducerType.SQS;
  readonly sqs: ProducerSqsIngress;
}

/** Everything a producer deployment creates, by connection type. */
export type ProducerPlan = HttpProducerPlan | SqsProducerPlan;

/** Everything a producer deployment creates, from its manifest. */
export function producerPlan(m: ProducerManifest): ProducerPlan {
  const compatibility = draft04Compatibility(m.schema);
  const base: ProducerPlanBase = {
    kind: 'producer',
    stackName: producerStackName(m.environment, m.event_type, m.version),
    environment: m.environment,
    account: m.account,
    region: m.region,
    eventType: m.event_type,
    version: m.version,
    source: m.application,
    detailType: detailType(m.event_type, m.version),
    busName: busName(m.environment),
    validationSchema: m.schema,
    requestModel: toDraft04Model(m.schema),
    draft04Incompatibilities: compatibility.incompatibilities,
    ssm: ssmParameterNames(m.environment),
  };
  switch (m.connection_type) {
    case ProducerType.HTTPS:
      return {
        ...base,
        type: m.connection_type,
        http: {
          pathParts: [m.event_type, String(m.version)],
          method: 'POST',
          apiKeyRequired: true,
        },
      };
    case ProducerType.SQS:
      return {
        ...base,
        type: m.connection_type,
        sqs: {
          ingressQueueName: producerIngressQueueName(m.environment, m.event_type, m.version),
          deadLetterQueueName: producerDeadLetterQueueName(m.environment, m.event_type, m.version),
          maxReceiveCount: INGRESS_MAX_RECEIVE_COUNT,
          allowedPrincipals: [...(m.allowed_principals ?? [m.account])],
        },
      };
  }
}

/** A Lambda function or an SQS queue, targeted by its ARN. */
export interface ArnConsumerTarget {
  /** Target id within the rule. */
  readonly id: string;
  readonly type: typeof ConsumerType.LAMBDA | typeof ConsumerType.SQS;
  /** The function or queue ARN. */
  readonly arn: string;
}

/** An HTTPS endpoint, reached through an EventBridge API destination and connection. */
export interface HttpsConsumerTarget {
  /** Target id within the rule. */
  readonly id: string;
  readonly type: typeof ConsumerType.HTTPS;
  /** The invocation endpoint. */
  readonly endpoint: string;
  /** The secret holding the endpoint's credentials, if it has any. */
  readonly secretName?: string;
  /** API destination rate limit. */
  readonly rateLimitPerSecond: number;
  readonly apiDestinationName: string;
  /** EventBridge connection name. */
  readonly connectionName: string;
}

/** The target of a consumer's rule, by consumer type. */
export type ConsumerTarget = ArnConsumerTarget | HttpsConsumerTarget;

export interface ConsumerPlan {
  readonly kind: 'consumer';
  readonly type: ConsumerType;
  readonly stackName: string;
  readonly ruleName: string;
  readonly busName: string;
  readonly environment: string;
  readonly account: string;
  readonly region: string;
  readonly subscriptionId: string;
  readonly eventType: string;
  readonly version: number;
  readonly source: string;
  readonly detailType: string;
  /** The rule's EventBridge event pattern. */
  readonly eventPattern: JsonObject;
  readonly target: ConsumerTarget;
  readonly retryPolicy: { readonly maximumEventAgeInSeconds: number; readonly maximumRetryAttempts: number };
  readonly deadLetterQueue: { readonly name: string };
  /**
   * The second rule that redrives dead letters: it matches redrive requests for this subscription only and
   * targets the same consumer (same target id, retry policy and dead-letter queue) with `inputPath`, so the
   * consumer receives the original event.
   */
  readonly redrive: {
    readonly ruleName: string;
    readonly eventPattern: JsonObject;
    readonly inputPath: string;
  };
  /** Alarm raised when the dead-letter queue is not empty. */
  readonly alarmName: string;
  readonly ssm: SsmParameterNames;
}

/**
 * The rule pattern of a subscription: `source` = the owning application, `detail-type` = `{event_type}.{version}`,
 * plus `detail.metadata.event_attributes.target` when a target unit is given and `detail.data` = the filter when
 * one is given (both under one `detail`).
 */
export function consumerEventPattern(m: ConsumerManifest): JsonObject {
  return subscriptionEventPattern(m);
}

/** What a subscription's rule pattern is computed from: the fields a consumer manifest and a subscription share. */
export interface SubscriptionPatternInput {
  readonly application: string;
  readonly event_type: string;
  readonly version: number;
  readonly target_unit?: string;
  readonly filter?: JsonObject;
}

/** The rule pattern of a subscription (see `consumerEventPattern`), from a stored subscription or a draft of one. */
export function subscriptionEventPattern(m: SubscriptionPatternInput): JsonObject {
  const pattern: JsonObject = {
    source: [m.application],
    'detail-type': [detailType(m.event_type, m.version)],
  };
  const detail: JsonObject = {};
  if (m.target_unit !== undefined) detail.metadata = { event_attributes: { target: [m.target_unit] } };
  if (m.filter !== undefined) detail.data = structuredClone(m.filter);
  if (Object.keys(detail).length > 0) pattern.detail = detail;
  return pattern;
}

/** Everything a consumer deployment creates, from its manifest. */
export function consumerPlan(m: ConsumerManifest): ConsumerPlan {
  const { environment: env, event_type: eventType, version, subscription_id: subscriptionId, consumer } = m;
  const id = targetId(subscriptionId);
  let target: ConsumerTarget;
  switch (consumer.type) {
    case ConsumerType.LAMBDA:
    case ConsumerType.SQS:
      target = { id, type: consumer.type, arn: consumer.connection_string };
      break;
    case ConsumerType.HTTPS:
      target = {
        id,
        type: consumer.type,
        endpoint: consumer.connection_string,
        ...(consumer.secret_name === undefined ? {} : { secretName: consumer.secret_name }),
        rateLimitPerSecond: consumer.rate_limit_per_second ?? DEFAULT_RATE_LIMIT_PER_SECOND,
        apiDestinationName: apiDestinationName(env, eventType, version, subscriptionId),
        connectionName: connectionName(env, eventType, version, subscriptionId),
      };
      break;
  }
  return {
    kind: 'consumer',
    type: consumer.type,
    stackName: consumerStackName(env, eventType, version, subscriptionId),
    ruleName: ruleName(env, eventType, version, subscriptionId),
    busName: busName(env),
    environment: env,
    account: m.account,
    region: m.region,
    subscriptionId,
    eventType,
    version,
    source: m.application,
    detailType: detailType(eventType, version),
    eventPattern: consumerEventPattern(m),
    target,
    retryPolicy: {
      maximumEventAgeInSeconds: m.retry_policy.maximum_event_age_seconds,
      maximumRetryAttempts: m.retry_policy.maximum_retry_attempts,
    },
    deadLetterQueue: { name: consumerDeadLetterQueueName(env, eventType, version, subscriptionId) },
    redrive: {
      ruleName: redriveRuleName(env, eventType, version, subscriptionId),
      eventPattern: redriveEventPattern(subscriptionId),
      inputPath: REDRIVE_INPUT_PATH,
    },
    alarmName: consumerAlarmName(env, eventType, version, subscriptionId),
    ssm: ssmParameterNames(env),
  };
}
