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
} as const;
export type BrokerEnvVar = (typeof BrokerEnvVar)[keyof typeof BrokerEnvVar];

/** Largest accepted `MAX_EVENT_SIZE_BYTES`: EventBridge's 1 MB payload limit. */
export const MAX_EVENT_SIZE_LIMIT_BYTES = 1024 * 1024;

export interface InjectorConfig {
  /** Publisher components bucket holding the producer manifests. */
  readonly publisherBucket: string;
  readonly maxEventSizeBytes: number;
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
