import { type AwsScope, EnvVar } from '@bridgeport/core';

/** Credentials the embedded services accept (any would do; these make local requests easy to spot). */
export const LOCAL_CREDENTIALS = {
  accessKeyId: 'bridgeport-local',
  secretAccessKey: 'bridgeport-local',
} as const;

/** Services whose SDK-specific endpoint variable would win over `AWS_ENDPOINT_URL`; all point at the edge. */
const SERVICE_ENDPOINT_VARIABLES = [
  'AWS_ENDPOINT_URL_DYNAMODB',
  'AWS_ENDPOINT_URL_S3',
  'AWS_ENDPOINT_URL_EVENTBRIDGE',
  'AWS_ENDPOINT_URL_SCHEMAS',
  'AWS_ENDPOINT_URL_SQS',
  'AWS_ENDPOINT_URL_CLOUDWATCH',
  'AWS_ENDPOINT_URL_API_GATEWAY',
] as const;

/** The id of the local broker API: producer keys' usage plans admit them to its stage (the environment). */
export const LOCAL_BROKER_API_ID = 'localbroker';

/** Variables that would send the SDK elsewhere (or sign with a real session) and are cleared locally. */
const CLEARED_VARIABLES = [
  'AWS_SESSION_TOKEN',
  'AWS_PROFILE',
  'AWS_IGNORE_CONFIGURED_ENDPOINT_URLS',
] as const;

export interface LocalEnvironmentInput {
  /** `http://127.0.0.1:4566`. */
  readonly endpointUrl: string;
  readonly environment: string;
  /** The account and region the SDK clients and the portal's configuration name. */
  readonly scope: AwsScope;
  readonly maxEventSizeBytes: number;
  /** HTTPS consumers may be on this machine. @default true */
  readonly allowLoopbackTargets?: boolean;
  /** Ports of this runtime's servers, never a consumer's. @default none */
  readonly reservedPorts?: readonly number[];
}

/**
 * The process environment that makes every default SDK client (the portal's, the broker's, the deployer's)
 * reach the embedded services, and gives the portal and broker their configuration: only the SDK's standard
 * variables and core's `EnvVar` names, never an endpoint set on a client. `undefined` clears a variable.
 */
export function localEnvironment(input: LocalEnvironmentInput): Record<string, string | undefined> {
  const variables: Record<string, string | undefined> = {
    AWS_ENDPOINT_URL: input.endpointUrl,
    AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
    AWS_DEFAULT_REGION: input.scope.region,
    [EnvVar.REGION]: input.scope.region,
    [EnvVar.ENVIRONMENT]: input.environment,
    [EnvVar.ACCOUNT_ID]: input.scope.account,
    [EnvVar.MAX_EVENT_SIZE_BYTES]: String(input.maxEventSizeBytes),
    [EnvVar.BROKER_API_ID]: LOCAL_BROKER_API_ID,
    [EnvVar.BROKER_API_STAGE]: input.environment,
    // Consumers on this machine (http://127.0.0.1:…) are fine locally unless turned off; a deployed portal
    // takes public https:// endpoints only. The runtime's own ports are never a consumer.
    [EnvVar.ALLOW_LOOPBACK_HTTP_CONSUMERS]: String(input.allowLoopbackTargets ?? true),
    [EnvVar.RESERVED_TARGET_PORTS]:
      (input.reservedPorts ?? []).filter((port) => port > 0).join(',') || undefined,
  };
  for (const name of SERVICE_ENDPOINT_VARIABLES) variables[name] = input.endpointUrl;
  for (const name of CLEARED_VARIABLES) variables[name] = undefined;
  return variables;
}

/** Applies variables to `env`; the returned function puts the previous values back. */
export function applyEnvironment(
  variables: Readonly<Record<string, string | undefined>>,
  env: NodeJS.ProcessEnv = process.env,
): () => void {
  const previous = new Map<string, string | undefined>();
  for (const [name, value] of Object.entries(variables)) {
    previous.set(name, env[name]);
    if (value === undefined) delete env[name];
    else env[name] = value;
  }
  return () => {
    for (const [name, value] of previous) {
      if (value === undefined) delete env[name];
      else env[name] = value;
    }
  };
}

/** The URL clients should use for a server listening on `host:port` (wildcard and `localhost` → 127.0.0.1). */
export function clientUrl(host: string, port: number): string {
  const reachable =
    host === '0.0.0.0' || host === '::' || host === 'localhost' || host === '' ? '127.0.0.1' : host;
  return `http://${reachable.includes(':') ? `[${reachable}]` : reachable}:${port}`;
}
