import type { S3Client } from '@aws-sdk/client-s3';
import { type ConsumerManifest, InvalidManifestError, parseConsumerManifest } from '@bridgeport/core';
import { App, type AppProps, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { ConsumerStack } from './consumer-stack';
import { readManifestText } from './manifest-source';

/** Context keys of the app: `cdk synth -c manifest=<path or s3://bucket/key> -c environment=<env>`. */
export const GeneratorContext = { MANIFEST: 'manifest', ENVIRONMENT: 'environment' } as const;

/** A failure of the app's input: its message is what the person running `cdk` needs to read. */
export class GeneratorInputError extends Error {
  override readonly name: string = 'GeneratorInputError';
}

/** Every problem of an invalid manifest, one per line, under a line naming the file. */
export function describeManifestError(error: InvalidManifestError): string {
  return [
    `Invalid manifest ${error.source}:`,
    ...error.problems.map((problem) => `  ${problem.path}: ${problem.message}`),
  ].join('\n');
}

/** Parses a consumer manifest's text; an invalid one throws `InvalidManifestError` naming `source`. */
export function parseConsumerManifestOrThrow(text: string, source: string): ConsumerManifest {
  const parsed = parseConsumerManifest(text, source);
  if (!parsed.ok) throw new InvalidManifestError(source, parsed.errors);
  return parsed.value;
}

function contextString(app: App, key: string): string | undefined {
  const value: unknown = app.node.tryGetContext(key);
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') throw new GeneratorInputError(`Context ${key} must be a string`);
  return value;
}

export interface ConsumerAppOptions extends AppProps {
  /** Client for `s3://` manifests. @default the SDK's default configuration */
  readonly s3?: S3Client;
}

/**
 * Builds the consumer app from its context: reads and parses the manifest, checks the environment,
 * adds the consumer stack and runs cdk-nag's AWS Solutions checks on it (synthesis fails on a finding
 * that is not acknowledged with a reason).
 */
export async function buildConsumerApp(
  options: ConsumerAppOptions = {},
): Promise<{ app: App; stack: ConsumerStack }> {
  const { s3, ...appProps } = options;
  const app = new App(appProps);
  const source = contextString(app, GeneratorContext.MANIFEST);
  if (source === undefined) {
    throw new GeneratorInputError('Missing manifest: pass -c manifest=<path or s3://bucket/key>');
  }
  const manifest = parseConsumerManifestOrThrow(await readManifestText(source, { s3 }), source);
  const environment = contextString(app, GeneratorContext.ENVIRONMENT);
  if (environment !== undefined && environment !== manifest.environment) {
    throw new GeneratorInputError(
      `Manifest ${source} is for environment ${manifest.environment}, not ${environment}`,
    );
  }
  const stack = new ConsumerStack(app, { manifest });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, stack };
}

/** Entry of `bin/app.ts`: builds and synthesizes, or prints what is wrong with the input and exits 1. */
export async function runConsumerApp(): Promise<void> {
  try {
    const { app } = await buildConsumerApp();
    app.synth();
  } catch (error) {
    if (error instanceof InvalidManifestError) console.error(describeManifestError(error));
    else if (error instanceof GeneratorInputError) console.error(error.message);
    else throw error;
    process.exitCode = 1;
  }
}
