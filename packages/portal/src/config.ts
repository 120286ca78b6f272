import {
  ACCOUNT_ID_PATTERN,
  BucketKind,
  bucketName,
  type EnvSource,
  EnvVar,
  REGION_PATTERN,
  readAllowedConsumerTargets,
  readEnvironmentName,
  readString,
  schemaRegistryName,
  tableName,
} from '@bridgeport/core';

/** Everything the portal needs to know about its environment, read once. */
export interface PortalConfig {
  readonly environment: string;
  readonly account: string;
  readonly region: string;
  readonly tableName: string;
  readonly schemaRegistryName: string;
  readonly schemasBackupBucket: string;
  readonly publisherBucket: string;
  readonly subscriberBucket: string;
  /**
   * HTTPS subscriptions may name `http://` endpoints on a loopback host. Only the embedded local runtime sets
   * this (`BRIDGEPORT_ALLOW_LOOPBACK_HTTP_CONSUMERS=true`); a deployed portal accepts https:// endpoints only.
   */
  readonly allowLoopbackHttpConsumers: boolean;
  /**
   * Lambda functions and SQS queues of this account that subscriptions may target (ARNs, a trailing `*` for a
   * prefix). @default no allow-list: only the local runtime leaves it unset; template.yaml always sets it
   */
  readonly allowedConsumerTargets?: readonly string[];
  /** Loopback ports HTTPS consumers may never name (the local runtime's own servers). @default none */
  readonly reservedTargetPorts?: readonly number[];
  /**
   * Base URL of the producer endpoint (`https://{api}.execute-api.{region}.amazonaws.com/{env}`, or the local
   * runtime's), shown in the catalog's AsyncAPI documents. @default none: the documents name a server variable
   */
  readonly producerEndpointUrl?: string;
  /**
   * The broker API stage producer keys are issued for (their usage plans admit them to it).
   * @default none: reading or rotating a producer key fails naming the missing variable
   */
  readonly brokerStage?: { readonly apiId: string; readonly stage: string };
}

/**
 * Reads the portal's configuration from environment variables named by core's `EnvVar`. The environment,
 * account and region are required; every resource name defaults to the one core's naming module gives.
 * Throws core's `ConfigurationError` naming the missing or malformed variable.
 */
export function readPortalConfig(env: EnvSource): PortalConfig {
  const environment = readEnvironmentName(env);
  const account = readString(env, EnvVar.ACCOUNT_ID, { pattern: ACCOUNT_ID_PATTERN });
  const region = readString(env, EnvVar.REGION, { pattern: REGION_PATTERN });
  const scope = { environment, account, region };
  const producerEndpointUrl = readString(env, EnvVar.PRODUCER_ENDPOINT_URL, {
    default: '',
    pattern: /^(https?:\/\/[^\s]+)?$/,
  });
  const brokerApiId = readString(env, EnvVar.BROKER_API_ID, { default: '', pattern: /^[A-Za-z0-9-]{0,64}$/ });
  const reservedPorts = readString(env, EnvVar.RESERVED_TARGET_PORTS, {
    default: '',
    pattern: /^(\d{1,5}(,\d{1,5})*)?$/,
  });
  const allowedConsumerTargets = readAllowedConsumerTargets(env);
  return {
    environment,
    account,
    region,
    tableName: readString(env, EnvVar.TABLE_NAME, { default: tableName(environment) }),
    schemaRegistryName: readString(env, EnvVar.SCHEMA_REGISTRY, { default: schemaRegistryName(environment) }),
    schemasBackupBucket: readString(env, EnvVar.SCHEMAS_BACKUP_BUCKET, {
      default: bucketName(BucketKind.SCHEMAS_BACKUP, scope),
    }),
    publisherBucket: readString(env, EnvVar.PUBLISHER_BUCKET, {
      default: bucketName(BucketKind.PUBLISHER, scope),
    }),
    subscriberBucket: readString(env, EnvVar.SUBSCRIBER_BUCKET, {
      default: bucketName(BucketKind.SUBSCRIBER, scope),
    }),
    allowLoopbackHttpConsumers:
      readString(env, EnvVar.ALLOW_LOOPBACK_HTTP_CONSUMERS, {
        default: 'false',
        pattern: /^(true|false)$/,
      }) === 'true',
    ...(producerEndpointUrl === '' ? {} : { producerEndpointUrl: producerEndpointUrl.replace(/\/+$/, '') }),
    ...(reservedPorts === '' ? {} : { reservedTargetPorts: reservedPorts.split(',').map(Number) }),
    ...(allowedConsumerTargets === undefined ? {} : { allowedConsumerTargets }),
    ...(brokerApiId === ''
      ? {}
      : {
          brokerStage: {
            apiId: brokerApiId,
            stage: readString(env, EnvVar.BROKER_API_STAGE, {
              default: environment,
              pattern: /^[A-Za-z0-9_-]{1,128}$/,
            }),
          },
        }),
  };
}
