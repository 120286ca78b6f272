import { type ConsumerManifest, parseConsumerManifest } from '@bridgeport/core';
import {
  buildGeneratorApp,
  type GeneratorAppDefinition,
  type GeneratorAppOptions,
  parseManifestOrThrow,
  runGeneratorApp,
} from '@bridgeport/infrastructure/cdk-kit';
import type { App } from 'aws-cdk-lib';
import { ConsumerStack } from './consumer-stack';

export {
  describeManifestError,
  GeneratorContext,
  GeneratorInputError,
} from '@bridgeport/infrastructure/cdk-kit';

/** Options of the consumer app: the CDK app's props and the client for `s3://` manifests. */
export type ConsumerAppOptions = GeneratorAppOptions;

/** Parses a consumer manifest's text; an invalid one throws `InvalidManifestError` naming `source`. */
export function parseConsumerManifestOrThrow(text: string, source: string): ConsumerManifest {
  return parseManifestOrThrow(parseConsumerManifest, text, source);
}

const consumerApp: GeneratorAppDefinition<ConsumerManifest, ConsumerStack> = {
  parse: parseConsumerManifest,
  stack: ConsumerStack,
};

/**
 * Builds the consumer app from its context: reads and parses the manifest, checks the environment,
 * adds the consumer stack and runs cdk-nag's AWS Solutions checks on it (synthesis fails on a finding
 * that is not acknowledged with a reason).
 */
export async function buildConsumerApp(
  options: ConsumerAppOptions = {},
): Promise<{ app: App; stack: ConsumerStack }> {
  return buildGeneratorApp(consumerApp, options);
}

/** Entry of `bin/app.ts`: builds and synthesizes, or prints what is wrong with the input and exits 1. */
export async function runConsumerApp(): Promise<void> {
  return runGeneratorApp(consumerApp);
}
