import { ConfigurationError } from './errors';
import { ENVIRONMENT_PATTERN } from './naming';

/**
 * Names of every environment variable Bridgeport's Lambdas, templates and local runtime use.
 * Templates set them from these constants; code reads them only through `readString` / `readInt`.
 */
export const EnvVar = {
  ENVIRONMENT: 'BRIDGEPORT_ENVIRONMENT',
  TABLE_NAME: 'EVENTS_TABLE_NAME',
  SCHEMAS_BACKUP_BUCKET: 'SCHEMAS_BACKUP_BUCKET',
  PUBLISHER_BUCKET: 'PUBLISHER_COMPONENTS_BUCKET',
  SUBSCRIBER_BUCKET: 'SUBSCRIBER_COMPONENTS_BUCKET',
  SCHEMA_REGISTRY: 'SCHEMA_REGISTRY_NAME',
  EVENT_BUS_NAME: 'EVENT_BUS_NAME',
  ACCOUNT_ID: 'BRIDGEPORT_ACCOUNT_ID',
  REGION: 'AWS_REGION',
  MAX_EVENT_SIZE_BYTES: 'MAX_EVENT_SIZE_BYTES',
  DEPLOYMENT_PIPELINE_NAME: 'DEPLOYMENT_PIPELINE_NAME',
  /** The queue between the manifest-event rule and the deployment trigger (its retries are backed off). */
  MANIFEST_EVENTS_QUEUE_URL: 'MANIFEST_EVENTS_QUEUE_URL',
  /** `true` only in the embedded local runtime: HTTPS consumers may be http:// URLs on a loopback host. */
  ALLOW_LOOPBACK_HTTP_CONSUMERS: 'BRIDGEPORT_ALLOW_LOOPBACK_HTTP_CONSUMERS',
  /** Comma-separated loopback ports HTTPS consumers may never name (the embedded local runtime's own). */
  RESERVED_TARGET_PORTS: 'BRIDGEPORT_RESERVED_TARGET_PORTS',
  /** The producer endpoint's base URL, named in the catalog's AsyncAPI documents (optional). */
  PRODUCER_ENDPOINT_URL: 'BRIDGEPORT_PRODUCER_ENDPOINT_URL',
  /**
   * Lambda functions and SQS queues of the environment's account that subscriptions may target (comma-separated
   * ARNs, a trailing `*` for a prefix). Unset: no allow-list (the local runtime); empty: none allowed.
   */
  ALLOWED_CONSUMER_TARGETS: 'BRIDGEPORT_ALLOWED_CONSUMER_TARGETS',
  /** The CDK bootstrap qualifier the deployment build deploys generated stacks with. */
  CDK_QUALIFIER: 'BRIDGEPORT_CDK_QUALIFIER',
  /** The broker REST API's id: producer keys' usage plans admit them to its stage. */
  BROKER_API_ID: 'BRIDGEPORT_BROKER_API_ID',
  /** The broker REST API's stage. @default the environment name */
  BROKER_API_STAGE: 'BRIDGEPORT_BROKER_API_STAGE',
} as const;
export type EnvVar = (typeof EnvVar)[keyof typeof EnvVar];

/** The process environment or any stand-in (tests pass a plain object). */
export type EnvSource = Readonly<Record<string, string | undefined>>;

export interface ReadStringOptions {
  /** Used when the variable is unset or empty. @default none: the variable is required */
  readonly default?: string;
  /** When given, the value must match it. @default any non-empty value */
  readonly pattern?: RegExp;
}

export interface ReadIntOptions {
  /** Used when the variable is unset or empty. @default none: the variable is required */
  readonly default?: number;
  /** Smallest accepted value (inclusive). @default no lower bound */
  readonly min?: number;
  /** Largest accepted value (inclusive). @default no upper bound */
  readonly max?: number;
}

function raw(env: EnvSource, key: string): string | undefined {
  const value = env[key];
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

/** Reads a required (or defaulted) string variable; throws `ConfigurationError` naming it when missing or malformed. */
export function readString(env: EnvSource, key: string, options: ReadStringOptions = {}): string {
  const value = raw(env, key) ?? options.default;
  if (value === undefined) {
    throw new ConfigurationError(key, `Environment variable ${key} is not set`);
  }
  if (options.pattern !== undefined && !options.pattern.test(value)) {
    throw new ConfigurationError(
      key,
      `Environment variable ${key} must match ${options.pattern.source}, got ${JSON.stringify(value)}`,
    );
  }
  return value;
}

/** Reads a required (or defaulted) integer variable within optional bounds; throws `ConfigurationError` naming it. */
export function readInt(env: EnvSource, key: string, options: ReadIntOptions = {}): number {
  const text = raw(env, key);
  let value: number;
  if (text === undefined) {
    if (options.default === undefined) {
      throw new ConfigurationError(key, `Environment variable ${key} is not set`);
    }
    value = options.default;
  } else {
    if (!/^[+-]?\d+$/.test(text) || !Number.isSafeInteger(Number(text))) {
      throw new ConfigurationError(
        key,
        `Environment variable ${key} must be an integer, got ${JSON.stringify(text)}`,
      );
    }
    value = Number(text);
  }
  if (options.min !== undefined && value < options.min) {
    throw new ConfigurationError(
      key,
      `Environment variable ${key} must be at least ${options.min}, got ${value}`,
    );
  }
  if (options.max !== undefined && value > options.max) {
    throw new ConfigurationError(
      key,
      `Environment variable ${key} must be at most ${options.max}, got ${value}`,
    );
  }
  return value;
}

/** Reads and checks the environment name (`BRIDGEPORT_ENVIRONMENT`). */
export function readEnvironmentName(env: EnvSource): string {
  return readString(env, EnvVar.ENVIRONMENT, { pattern: ENVIRONMENT_PATTERN });
}
