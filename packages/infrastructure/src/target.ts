import {
  ACCOUNT_ID_PATTERN,
  type DeploymentTarget,
  ENVIRONMENT_PATTERN,
  REGION_PATTERN,
} from '@bridgeport/core';
import { InfrastructureInputError } from './errors';

/** Context keys of the app: `cdk synth -c environment=<env> [-c account=<id>] [-c region=<region>]`. */
export const InfrastructureContext = {
  ENVIRONMENT: 'environment',
  ACCOUNT: 'account',
  REGION: 'region',
  /** `create` (default) or `existing`: whether the broker API stack sets API Gateway's account role. */
  API_GATEWAY_ACCOUNT: 'apiGatewayAccount',
  /** Same-account Lambda and SQS targets subscriptions may have (comma-separated ARNs). @default none */
  ALLOWED_CONSUMER_TARGETS: 'allowedConsumerTargets',
} as const;
export type InfrastructureContext = (typeof InfrastructureContext)[keyof typeof InfrastructureContext];

/** Variables the CDK CLI sets from the caller's credentials and configuration. */
export const CdkEnvVar = { ACCOUNT: 'CDK_DEFAULT_ACCOUNT', REGION: 'CDK_DEFAULT_REGION' } as const;

type ContextReader = (key: string) => unknown;

function fromContext(read: ContextReader, key: string): string | undefined {
  const value = read(key);
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') {
    throw new InfrastructureInputError(key, `Context ${key} must be a string, got ${JSON.stringify(value)}`);
  }
  return value;
}

function checked(setting: string, value: string, pattern: RegExp, what: string): string {
  if (!pattern.test(value)) {
    throw new InfrastructureInputError(
      setting,
      `${what} ${JSON.stringify(value)} (from ${setting}) must match ${pattern.source}`,
    );
  }
  return value;
}

/**
 * The environment, account and region the shared stacks are deployed to: the environment from the
 * `environment` context, the account and region from the `account` / `region` context or else from the CDK
 * CLI's `CDK_DEFAULT_ACCOUNT` / `CDK_DEFAULT_REGION`. All three are required (bucket names carry the account
 * and region), and nothing is looked up.
 */
export function resolveDeploymentTarget(
  readContext: ContextReader,
  env: Readonly<Record<string, string | undefined>>,
): DeploymentTarget {
  const environment = fromContext(readContext, InfrastructureContext.ENVIRONMENT);
  if (environment === undefined) {
    throw new InfrastructureInputError(
      InfrastructureContext.ENVIRONMENT,
      'Missing environment: pass -c environment=<env>',
    );
  }
  const account = fromContext(readContext, InfrastructureContext.ACCOUNT) ?? env[CdkEnvVar.ACCOUNT];
  if (account === undefined || account === '') {
    throw new InfrastructureInputError(
      InfrastructureContext.ACCOUNT,
      `Missing account: pass -c account=<12 digits> or run with AWS credentials (${CdkEnvVar.ACCOUNT})`,
    );
  }
  const region = fromContext(readContext, InfrastructureContext.REGION) ?? env[CdkEnvVar.REGION];
  if (region === undefined || region === '') {
    throw new InfrastructureInputError(
      InfrastructureContext.REGION,
      `Missing region: pass -c region=<region> or configure a default region (${CdkEnvVar.REGION})`,
    );
  }
  return {
    environment: checked(InfrastructureContext.ENVIRONMENT, environment, ENVIRONMENT_PATTERN, 'Environment'),
    account: checked(InfrastructureContext.ACCOUNT, account, ACCOUNT_ID_PATTERN, 'Account'),
    region: checked(InfrastructureContext.REGION, region, REGION_PATTERN, 'Region'),
  };
}
