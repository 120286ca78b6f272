import { type EnvSource, EnvVar } from './config';
import { ConfigurationError } from './errors';
import { consumerSecretName, parseArn } from './naming';
import { ConsumerType } from './vocabulary';

/**
 * What a subscriber may target, checked when the portal accepts a subscription and again when the pipeline
 * deploys its manifest:
 *
 * - an HTTPS consumer's `secret_name` is that subscription's own secret, `bridgeport/{env}/consumers/{id}` (core's
 *   `consumerSecretName`), never any other secret of the account;
 * - a Lambda function or SQS queue **of the environment's own account** is on the environment's allow-list of
 *   consumer targets (`BRIDGEPORT_ALLOWED_CONSUMER_TARGETS`: comma-separated ARNs, each exact or ending in `*` for
 *   a prefix). Targets in other accounts are governed by their own account's resource policies.
 */

/** An allow-list entry: a Lambda function or SQS queue ARN, optionally ending in `*` (a prefix). */
const ALLOWED_TARGET_PATTERN = /^arn:[a-z-]+:(lambda|sqs):[a-z0-9-]+:\d{12}:[A-Za-z0-9_:.*-]+$/;

/**
 * The environment's allow-list of same-account consumer targets, read once. Unset means no allow-list (the
 * embedded local runtime, whose targets are local stand-ins); set and empty means no same-account Lambda or SQS
 * target is allowed (a deployed portal's default). Throws `ConfigurationError` on a malformed entry.
 */
export function readAllowedConsumerTargets(env: EnvSource): readonly string[] | undefined {
  const text = env[EnvVar.ALLOWED_CONSUMER_TARGETS];
  if (text === undefined) return undefined;
  return parseAllowedConsumerTargets(text, EnvVar.ALLOWED_CONSUMER_TARGETS);
}

/** Parses an allow-list (comma- or space-separated ARNs); `setting` names its source in errors. */
export function parseAllowedConsumerTargets(text: string, setting: string): readonly string[] {
  const entries = text
    .split(/[\s,]+/)
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  for (const entry of entries) {
    if (
      !ALLOWED_TARGET_PATTERN.test(entry) ||
      entry.indexOf('*') !== entry.lastIndexOf('*') ||
      /\*./.test(entry)
    ) {
      throw new ConfigurationError(
        setting,
        `${setting}: ${JSON.stringify(entry)} is not a Lambda function or SQS queue ARN (a single trailing * is allowed)`,
      );
    }
  }
  return entries;
}

/** Whether `arn` is on the allow-list (an exact entry, or a prefix entry ending in `*`). */
export function isAllowedConsumerTarget(arn: string, allowList: readonly string[]): boolean {
  return allowList.some((entry) =>
    entry.endsWith('*') ? arn.startsWith(entry.slice(0, -1)) : arn === entry,
  );
}

/**
 * Why a subscription may not target `connectionString` from `account`, or undefined when it may: a Lambda or SQS
 * target of the same account must be on `allowList` (undefined: no allow-list). HTTPS targets pass.
 */
export function consumerTargetProblem(
  type: ConsumerType,
  connectionString: string,
  account: string,
  allowList: readonly string[] | undefined,
): string | undefined {
  if (type === ConsumerType.HTTPS || allowList === undefined) return undefined;
  const arn = parseArn(connectionString);
  if (arn === undefined || arn.account !== account) return undefined;
  if (isAllowedConsumerTarget(connectionString, allowList)) return undefined;
  const what = type === ConsumerType.LAMBDA ? 'Lambda function' : 'SQS queue';
  return `is a ${what} of this account (${account}) that is not on the environment's allow-list of consumer targets (${EnvVar.ALLOWED_CONSUMER_TARGETS}); ask the platform team to add it`;
}

/** Why `secretName` may not be the secret of subscription `subscriptionId`, or undefined when it is its own. */
export function consumerSecretProblem(
  environment: string,
  subscriptionId: string,
  secretName: string | undefined,
): string | undefined {
  if (secretName === undefined) return undefined;
  const own = consumerSecretName(environment, subscriptionId);
  return secretName === own ? undefined : `must be this subscription's own secret, ${own}`;
}
