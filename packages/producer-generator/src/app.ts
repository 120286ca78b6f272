import { type ProducerManifest, parseProducerManifest, producerManifestKey } from '@bridgeport/core';
import { defineGeneratorApp, type GeneratorAppOptions } from '@bridgeport/infrastructure/cdk-kit';
import { ProducerStack } from './producer-stack';

export {
  describeManifestError,
  GeneratorContext,
  GeneratorInputError,
} from '@bridgeport/infrastructure/cdk-kit';

/** Options of the producer app: the CDK app's props and the client for `s3://` manifests. */
export type ProducerAppOptions = GeneratorAppOptions;

const producerApp = defineGeneratorApp<ProducerManifest, ProducerStack>({
  parse: parseProducerManifest,
  manifestKey: (manifest) => producerManifestKey(manifest.event_type, manifest.version),
  stack: ProducerStack,
});

/** Parses a producer manifest's text; an invalid one throws `InvalidManifestError` naming `source`. */
export const parseProducerManifestOrThrow = producerApp.parseManifestOrThrow;

/**
 * Builds the producer app from its context: reads and parses the manifest, checks the environment,
 * adds the producer stack and runs cdk-nag's AWS Solutions checks on it (synthesis fails on a finding
 * that is not acknowledged with a reason).
 */
export const buildProducerApp = producerApp.build;

/** Entry of `bin/app.ts`: builds and synthesizes, or prints what is wrong with the input and exits 1. */
export const runProducerApp = producerApp.run;
