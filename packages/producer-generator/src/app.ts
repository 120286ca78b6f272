import { type ProducerManifest, parseProducerManifest } from '@bridgeport/core';
import {
  buildGeneratorApp,
  type GeneratorAppDefinition,
  type GeneratorAppOptions,
  parseManifestOrThrow,
  runGeneratorApp,
} from '@bridgeport/infrastructure/cdk-kit';
import type { App } from 'aws-cdk-lib';
import { ProducerStack } from './producer-stack';

export {
  describeManifestError,
  GeneratorContext,
  GeneratorInputError,
} from '@bridgeport/infrastructure/cdk-kit';

/** Options of the producer app: the CDK app's props and the client for `s3://` manifests. */
export type ProducerAppOptions = GeneratorAppOptions;

/** Parses a producer manifest's text; an invalid one throws `InvalidManifestError` naming `source`. */
export function parseProducerManifestOrThrow(text: string, source: string): ProducerManifest {
  return parseManifestOrThrow(parseProducerManifest, text, source);
}

const producerApp: GeneratorAppDefinition<ProducerManifest, ProducerStack> = {
  parse: parseProducerManifest,
  stack: ProducerStack,
};

/**
 * Builds the producer app from its context: reads and parses the manifest, checks the environment,
 * adds the producer stack and runs cdk-nag's AWS Solutions checks on it (synthesis fails on a finding
 * that is not acknowledged with a reason).
 */
export async function buildProducerApp(
  options: ProducerAppOptions = {},
): Promise<{ app: App; stack: ProducerStack }> {
  return buildGeneratorApp(producerApp, options);
}

/** Entry of `bin/app.ts`: builds and synthesizes, or prints what is wrong with the input and exits 1. */
export async function runProducerApp(): Promise<void> {
  return runGeneratorApp(producerApp);
}
