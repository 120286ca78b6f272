import { type EnvSource, EnvVar, EVENT_TYPE_PATTERN, readInt, readString } from '@bridgeport/core';
import { DEFAULT_MAX_EVENT_SIZE_BYTES } from './events';

/**
 * Environment variables only the broker's functions use (the shared ones are core's `EnvVar`).
 * The producer generator sets them from these constants.
 */
export const BrokerEnvVar = {
  /** Event type an SQS forwarder serves. */
  PRODUCER_EVENT_TYPE: 'PRODUCER_EVENT_TYPE',
  /** Version an SQS forwarder serves. */
  PRODUCER_EVENT_VERSION: 'PRODUCER_EVENT_VERSION',
  /** URL of the SQS producer's dead-letter queue. */
  PRODUCER_DEAD_LETTER_QUEUE_URL: 'PRODUCER_DEAD_LETTER_QUEUE_URL',
  /** Seconds a warm function keeps a producer manifest before reading it again (0: read on every request). */
  PRODUCER_CACHE_TTL_SECONDS: 'PRODUCER_CACHE_TTL_SECONDS',
} as const;
export type BrokerEnvVar = (typeof BrokerEnvVar)[keyof typeof BrokerEnvVar];

/** Largest accepted `MAX_EVENT_SIZE_BYTES`: EventBridge's 1 MB payload limit. */
export const MAX_EVENT_SIZE_LIMIT_BYTES = 1024 * 1024;

/** Default of `PRODUCER_CACHE_TTL_SECONDS`: a deleted or replaced producer is noticed within a minute. */
export const DEFAULT_PRODUCER_CACHE_TTL_SECONDS = 60;
/** Largest accepted `PRODUCER_CACHE_TTL_SECONDS`. */
export const MAX_PRODUCER_CACHE_TTL_SECONDS = 3600;

export interface InjectorConfig {
  /** Publisher components bucket holding the producer manifests. */
  readonly publisherBucket: string;
  readonly maxEventSizeBytes: number;
  /** Seconds a producer manifest is cached; 0 reads it on every request. */
  readonly producerCacheTtlSeconds: number;
}

export interface ForwarderConfig extends InjectorConfig {
  readonly eventType: string;
  readonly version: number;
  readonly deadLetterQueueUrl: string;
}

function readMaxEventSize(env: EnvSource): number {
  return readInt(env, EnvVar.MAX_EVENT_SIZE_BYTES, {
    default: DEFAULT_MAX_EVENT_SIZE_BYTES,
    min: 1,
    max: MAX_EVENT_SIZE_LIMIT_BYTES,
  });
}

/** The injector's configuration; throws core's `ConfigurationError` naming a missing or malformed variable. */
export function readInjectorConfig(env: EnvSource): InjectorConfig {
  return {
    publisherBucket: readString(env, EnvVar.PUBLISHER_BUCKET),
    maxEventSizeBytes: readMaxEventSize(env),
    producerCacheTtlSeconds: readInt(env, BrokerEnvVar.PRODUCER_CACHE_TTL_SECONDS, {
      default: DEFAULT_PRODUCER_CACHE_TTL_SECONDS,
      min: 0,
      max: MAX_PRODUCER_CACHE_TTL_SECONDS,
    }),
  };
}

/** An SQS forwarder's configuration; throws core's `ConfigurationError` naming a missing or malformed variable. */
export function readForwarderConfig(env: EnvSource): ForwarderConfig {
  return {
    ...readInjectorConfig(env),
    eventType: readString(env, BrokerEnvVar.PRODUCER_EVENT_TYPE, { pattern: EVENT_TYPE_PATTERN }),
    version: readInt(env, BrokerEnvVar.PRODUCER_EVENT_VERSION, { min: 1 }),
    deadLetterQueueUrl: readString(env, BrokerEnvVar.PRODUCER_DEAD_LETTER_QUEUE_URL, {
      pattern: /^https:\/\/\S+$/,
    }),
  };
}
