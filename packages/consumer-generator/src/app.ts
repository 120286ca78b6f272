import {
  ConfigurationError,
  type ConsumerManifest,
  consumerManifestKey,
  consumerSecretProblem,
  consumerTargetProblem,
  parseAllowedConsumerTargets,
  parseConsumerManifest,
} from '@bridgeport/core';
import {
  defineGeneratorApp,
  type GeneratorAppOptions,
  GeneratorContext,
  GeneratorInputError,
} from '@bridgeport/infrastructure/cdk-kit';
import { ConsumerStack } from './consumer-stack';

export {
  describeManifestError,
  GeneratorContext,
  GeneratorInputError,
} from '@bridgeport/infrastructure/cdk-kit';

/** Options of the consumer app: the CDK app's props and the client for `s3://` manifests. */
export type ConsumerAppOptions = GeneratorAppOptions;

const consumerApp = defineGeneratorApp<ConsumerManifest, ConsumerStack>({
  parse: parseConsumerManifest,
  manifestKey: (manifest) =>
    consumerManifestKey(manifest.event_type, manifest.version, manifest.subscription_id),
  refuse: refuseConsumer,
  stack: ConsumerStack,
});

/**
 * What a subscriber may not target, refused again at deploy time (the portal refuses it at subscribe time): a
 * secret other than the subscription's own, and a Lambda function or SQS queue of the manifest's account that
 * is not on the allow-list passed as `-c allowedConsumerTargets=…`.
 */
export function refuseConsumer(
  manifest: ConsumerManifest,
  context: (key: string) => string | undefined,
): string | undefined {
  const { consumer } = manifest;
  const secret = consumerSecretProblem(manifest.environment, manifest.subscription_id, consumer.secret_name);
  if (secret !== undefined) return `consumer.secret_name ${secret}`;
  const text = context(GeneratorContext.ALLOWED_CONSUMER_TARGETS);
  let allowList: readonly string[] | undefined;
  try {
    allowList =
      text === undefined
        ? undefined
        : parseAllowedConsumerTargets(text, GeneratorContext.ALLOWED_CONSUMER_TARGETS);
  } catch (error) {
    if (error instanceof ConfigurationError) throw new GeneratorInputError(error.message);
    throw error;
  }
  const target = consumerTargetProblem(
    consumer.type,
    consumer.connection_string,
    manifest.account,
    allowList,
  );
  return target === undefined ? undefined : `consumer.connection_string ${target}`;
}

/** Parses a consumer manifest's text; an invalid one throws `InvalidManifestError` naming `source`. */
export const parseConsumerManifestOrThrow = consumerApp.parseManifestOrThrow;

/**
 * Builds the consumer app from its context: reads and parses the manifest, checks the environment,
 * adds the consumer stack and runs cdk-nag's AWS Solutions checks on it (synthesis fails on a finding
 * that is not acknowledged with a reason).
 */
export const buildConsumerApp = consumerApp.build;

/** Entry of `bin/app.ts`: builds and synthesizes, or prints what is wrong with the input and exits 1. */
export const runConsumerApp = consumerApp.run;
