/*
 * `bridgeport sam-env [options]`: prints the env.json for `sam local start-api --env-vars env.json` that points the
 * portal's functions at the runtime `bridgeport start` runs with the same options: its environment, its resource
 * names and its one AWS endpoint, reached from inside the functions' containers.
 */
import { EnvVar, localScope } from '@bridgeport/core';
import { readPortalConfig } from '@bridgeport/portal';
import { OptionError, optionsHelp, parseRuntimeOptions, type RuntimeOptions } from '../options';
import { localEnvironment } from '../runtime/environment';
import type { CliCommand } from './types';

/** Docker's gateway to the host on Linux. An IP address, so the SDK addresses S3 buckets path-style. */
export const DEFAULT_DOCKER_HOST = '172.17.0.1';

const DOCKER_HOST_FLAG = '--docker-host';

const USAGE = `Usage: bridgeport sam-env [options] > env.json

Prints the env.json for "sam local start-api --env-vars env.json" (run with "--region us-east-1" and
"--port 3100", a port the portal API does not use): the names and the one AWS endpoint of the runtime
"bridgeport start" runs with the same options. Start that runtime with "--host 0.0.0.0" so the functions'
containers reach it.

Options:
  ${DOCKER_HOST_FLAG} <value>     the host as the containers see it (default ${DEFAULT_DOCKER_HOST}; an IP address)
${optionsHelp()}
  --help                    show this help`;

/** The `Parameters` of env.json: every variable the template declares, with the runtime's values. */
export function samEnvironment(
  options: Pick<RuntimeOptions, 'environment' | 'awsPort' | 'maxEventSizeBytes'> &
    Partial<Pick<RuntimeOptions, 'region'>>,
  dockerHost: string = DEFAULT_DOCKER_HOST,
): { Parameters: Record<string, string> } {
  const endpoint = `http://${dockerHost}:${options.awsPort}`;
  const local = localEnvironment({
    endpointUrl: endpoint,
    environment: options.environment,
    scope: localScope(options.region),
    maxEventSizeBytes: options.maxEventSizeBytes,
  });
  const config = readPortalConfig(local);
  return {
    Parameters: {
      [EnvVar.ENVIRONMENT]: config.environment,
      [EnvVar.ACCOUNT_ID]: config.account,
      [EnvVar.TABLE_NAME]: config.tableName,
      [EnvVar.SCHEMA_REGISTRY]: config.schemaRegistryName,
      [EnvVar.SCHEMAS_BACKUP_BUCKET]: config.schemasBackupBucket,
      [EnvVar.PUBLISHER_BUCKET]: config.publisherBucket,
      [EnvVar.SUBSCRIBER_BUCKET]: config.subscriberBucket,
      [EnvVar.ALLOW_LOOPBACK_HTTP_CONSUMERS]: String(config.allowLoopbackHttpConsumers),
      // The runtime has no allow-list of consumer targets: every local function and queue, as it accepts them.
      [EnvVar.ALLOWED_CONSUMER_TARGETS]: (
        config.allowedConsumerTargets ?? [
          `arn:aws:lambda:${config.region}:${config.account}:*`,
          `arn:aws:sqs:${config.region}:${config.account}:*`,
        ]
      ).join(','),
      [EnvVar.BROKER_API_ID]: config.brokerStage?.apiId ?? '',
      [EnvVar.BROKER_API_STAGE]: config.brokerStage?.stage ?? config.environment,
      AWS_ENDPOINT_URL_DYNAMODB: endpoint,
      AWS_ENDPOINT_URL_S3: endpoint,
      AWS_ENDPOINT_URL_SCHEMAS: endpoint,
      AWS_ENDPOINT_URL_API_GATEWAY: endpoint,
      NODE_OPTIONS: '--enable-source-maps',
    },
  };
}

async function runSamEnv(args: readonly string[]): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    console.log(USAGE);
    return 0;
  }
  const rest = [...args];
  let dockerHost = DEFAULT_DOCKER_HOST;
  const at = rest.indexOf(DOCKER_HOST_FLAG);
  if (at !== -1) {
    const value = rest[at + 1];
    if (value === undefined || value.startsWith('--')) {
      console.error(
        `bridgeport: ${DOCKER_HOST_FLAG} needs a value\nRun "bridgeport sam-env --help" for the options.`,
      );
      return 2;
    }
    dockerHost = value;
    rest.splice(at, 2);
  }
  try {
    console.log(JSON.stringify(samEnvironment(parseRuntimeOptions(rest), dockerHost), null, 2));
    return 0;
  } catch (error) {
    if (error instanceof OptionError) {
      console.error(`bridgeport: ${error.message}\nRun "bridgeport sam-env --help" for the options.`);
      return 2;
    }
    throw error;
  }
}

export const samEnvCommand: CliCommand = {
  name: 'sam-env',
  summary: 'print the env.json for `sam local start-api --env-vars` matching this runtime',
  run: runSamEnv,
};
