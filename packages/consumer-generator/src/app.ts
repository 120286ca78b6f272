import { type ConsumerManifest, consumerManifestKey, parseConsumerManifest } from '@bridgeport/core';
import { defineGeneratorApp, type GeneratorAppOptions } from '@bridgeport/infrastructure/cdk-kit';
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
  stack: ConsumerStack,
});

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
