/** Making the manifests the portal writes for an event type version (producer) and for a subscription (consumer). */
import type { ConnectionStringOptions } from './connection-strings';
import { buildEnvelopeSchema } from './envelope';
import {
  type ConsumerEndpoint,
  type ConsumerManifest,
  DEFAULT_RATE_LIMIT_PER_SECOND,
  MANIFEST_FORMAT,
  type ProducerManifest,
  readConsumerManifest,
  readProducerManifest,
} from './manifest';
import { DEFAULT_RETRY_POLICY } from './subscription-validation';
import type { EventTypeRequest, SubscriptionRequest } from './types';
import { ConsumerType } from './vocabulary';

/** Where a deployment goes: shared by both manifest builders. */
export interface DeploymentTarget {
  readonly environment: string;
  readonly account: string;
  readonly region: string;
}

export interface ProducerManifestContext extends DeploymentTarget {
  readonly version: number;
  /** SQS producers: who may send to the ingress queue. @default the account */
  readonly allowed_principals?: string[];
}

/**
 * Builds the producer manifest of an event type version from its request (the data schema is wrapped in
 * the envelope). Throws `InvalidManifestError` if the result is not a valid manifest.
 */
export function buildProducerManifest(
  request: Pick<EventTypeRequest, 'application' | 'event_type' | 'connection_type' | 'data'>,
  context: ProducerManifestContext,
): ProducerManifest {
  const manifest: ProducerManifest = {
    format: MANIFEST_FORMAT,
    kind: 'producer',
    environment: context.environment,
    account: context.account,
    region: context.region,
    application: request.application,
    event_type: request.event_type,
    version: context.version,
    connection_type: request.connection_type,
    schema: buildEnvelopeSchema(request.data),
    ...(context.allowed_principals === undefined
      ? {}
      : { allowed_principals: [...context.allowed_principals] }),
  };
  return readProducerManifest(manifest, `producer manifest for ${request.event_type} v${context.version}`);
}

export interface ConsumerManifestContext extends DeploymentTarget {
  readonly subscription_id: string;
  /** Owner of the event type (the `Source`), from the stored event type, never from the subscriber. */
  readonly application: string;
  /** HTTPS consumers: the secret holding the endpoint's credentials. */
  readonly secret_name?: string;
  /** HTTPS consumers. @default DEFAULT_RATE_LIMIT_PER_SECOND */
  readonly rate_limit_per_second?: number;
}

/**
 * Builds the consumer manifest of a subscription. The retry policy is always filled (EventBridge defaults);
 * HTTPS consumers get the default rate limit when none is given. Throws `InvalidManifestError` if invalid.
 */
export function buildConsumerManifest(
  request: SubscriptionRequest,
  context: ConsumerManifestContext,
  options: ConnectionStringOptions = {},
): ConsumerManifest {
  const https = request.connection_type === ConsumerType.HTTPS;
  const consumer: ConsumerEndpoint = {
    type: request.connection_type,
    connection_string: request.connection_string,
    ...(https && context.secret_name !== undefined ? { secret_name: context.secret_name } : {}),
    ...(https
      ? { rate_limit_per_second: context.rate_limit_per_second ?? DEFAULT_RATE_LIMIT_PER_SECOND }
      : {}),
  };
  const manifest: ConsumerManifest = {
    format: MANIFEST_FORMAT,
    kind: 'consumer',
    environment: context.environment,
    account: context.account,
    region: context.region,
    subscription_id: context.subscription_id,
    application: context.application,
    event_type: request.event_type,
    version: request.version,
    ...(request.target_unit === undefined ? {} : { target_unit: request.target_unit }),
    ...(request.filter === undefined ? {} : { filter: structuredClone(request.filter) }),
    consumer,
    retry_policy: { ...DEFAULT_RETRY_POLICY, ...(request.retry_policy ?? {}) },
  };
  return readConsumerManifest(
    manifest,
    `consumer manifest for subscription ${context.subscription_id}`,
    options,
  );
}
