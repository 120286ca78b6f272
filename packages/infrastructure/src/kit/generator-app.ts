import type { S3Client } from '@aws-sdk/client-s3';
import { GeneratedStackOutput, InvalidManifestError, type Validated } from '@bridgeport/core';
import { App, type AppProps, CfnOutput, type Stack, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { Construct } from 'constructs';
import { GeneratorInputError } from '../errors';
import { FEATURE_FLAGS } from './feature-flags';
import { readManifestText } from './manifest-source';

/**
 * Context keys of a generator app: `cdk synth -c manifest=<path or s3://bucket/key> -c environment=<env>`, and
 * `-c manifestVersion=<version id>` for the version of an `s3://` manifest the pipeline decided to deploy.
 */
export const GeneratorContext = {
  MANIFEST: 'manifest',
  ENVIRONMENT: 'environment',
  MANIFEST_VERSION: 'manifestVersion',
  /**
   * The environment's allow-list of same-account consumer targets (comma-separated ARNs, core's
   * `parseAllowedConsumerTargets`); the pipeline always passes it. Absent: no allow-list.
   */
  ALLOWED_CONSUMER_TARGETS: 'allowedConsumerTargets',
} as const;

/** The manifest version output of a stack synthesized from a file or without a version. */
export const UNVERSIONED_MANIFEST = 'unversioned';

/** Every problem of an invalid manifest, one per line, under a line naming the file. */
export function describeManifestError(error: InvalidManifestError): string {
  return [
    `Invalid manifest ${error.source}:`,
    ...error.problems.map((problem) => `  ${problem.path}: ${problem.message}`),
  ].join('\n');
}

/** Parses a manifest's text with core's `parse`; an invalid one throws `InvalidManifestError` naming `source`. */
export function parseManifestOrThrow<M>(
  parse: (text: string, source: string) => Validated<M>,
  text: string,
  source: string,
): M {
  const parsed = parse(text, source);
  if (!parsed.ok) throw new InvalidManifestError(source, parsed.errors);
  return parsed.value;
}

function contextString(app: App, key: string): string | undefined {
  const value: unknown = app.node.tryGetContext(key);
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') throw new GeneratorInputError(`Context ${key} must be a string`);
  return value;
}

/** A generator's manifest: whatever its kind, it names the environment it belongs to. */
export interface GeneratorManifest {
  readonly environment: string;
}

/** What makes a generator app: how its manifest is parsed and which stack renders it. */
export interface GeneratorAppDefinition<M extends GeneratorManifest, S extends Stack> {
  /** Core's parser of the manifest kind (`parseProducerManifest`, `parseConsumerManifest`). */
  readonly parse: (text: string, source: string) => Validated<M>;
  /** The manifest's key in its components bucket (core's naming). */
  readonly manifestKey: (manifest: M) => string;
  /**
   * What the generator refuses to deploy although the manifest is valid (what a subscriber may target), checked
   * again at deploy time: returns the reason, or undefined. `context` reads the app's context as a string (an
   * empty string is returned as such).
   */
  readonly refuse?: (manifest: M, context: (key: string) => string | undefined) => string | undefined;
  /** The stack class, constructed as `new stack(app, { manifest })`. */
  readonly stack: new (
    scope: Construct,
    props: { readonly manifest: M },
  ) => S;
}

export interface GeneratorAppOptions extends AppProps {
  /** Client for `s3://` manifests. @default the SDK's default configuration */
  readonly s3?: S3Client;
}

/**
 * Builds a generator app from its context: reads and parses the manifest, checks the environment, adds the
 * manifest's stack and runs cdk-nag's AWS Solutions checks on it (synthesis fails on a finding that is not
 * acknowledged with a reason).
 */
export async function buildGeneratorApp<M extends GeneratorManifest, S extends Stack>(
  definition: GeneratorAppDefinition<M, S>,
  options: GeneratorAppOptions = {},
): Promise<{ app: App; stack: S }> {
  const { s3, ...appProps } = options;
  const app = new App({ ...appProps, context: { ...FEATURE_FLAGS, ...appProps.context } });
  const source = contextString(app, GeneratorContext.MANIFEST);
  if (source === undefined) {
    throw new GeneratorInputError('Missing manifest: pass -c manifest=<path or s3://bucket/key>');
  }
  const versionId = contextString(app, GeneratorContext.MANIFEST_VERSION);
  const manifest = parseManifestOrThrow(
    definition.parse,
    await readManifestText(source, { s3, versionId }),
    source,
  );
  const environment = contextString(app, GeneratorContext.ENVIRONMENT);
  if (environment !== undefined && environment !== manifest.environment) {
    throw new GeneratorInputError(
      `Manifest ${source} is for environment ${manifest.environment}, not ${environment}`,
    );
  }
  // Raw context: an empty value (an empty allow-list) is a value, not an absent one.
  const refused = definition.refuse?.(manifest, (key) => {
    const value: unknown = app.node.tryGetContext(key);
    return typeof value === 'string' ? value : undefined;
  });
  if (refused !== undefined) throw new GeneratorInputError(`Manifest ${source} is refused: ${refused}`);
  const stack = new definition.stack(app, { manifest });
  new CfnOutput(stack, GeneratedStackOutput.MANIFEST_KEY, {
    value: definition.manifestKey(manifest),
    description: 'Key of the manifest this stack was made from',
  });
  new CfnOutput(stack, GeneratedStackOutput.MANIFEST_VERSION_ID, {
    value: versionId ?? UNVERSIONED_MANIFEST,
    description: 'Version of the manifest this stack was made from',
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, stack };
}

/**
 * Entry of a generator's `bin/app.ts`: builds and synthesizes, or prints what is wrong with the input and
 * exits 1.
 */
export async function runGeneratorApp<M extends GeneratorManifest, S extends Stack>(
  definition: GeneratorAppDefinition<M, S>,
  options: GeneratorAppOptions = {},
): Promise<void> {
  try {
    const { app } = await buildGeneratorApp(definition, options);
    app.synth();
  } catch (error) {
    if (error instanceof InvalidManifestError) console.error(describeManifestError(error));
    else if (error instanceof GeneratorInputError) console.error(error.message);
    else throw error;
    process.exitCode = 1;
  }
}

/** A generator app's entry points, bound to its definition. */
export interface GeneratorApp<M extends GeneratorManifest, S extends Stack> {
  /** Parses a manifest's text; an invalid one throws `InvalidManifestError` naming `source`. */
  readonly parseManifestOrThrow: (text: string, source: string) => M;
  /** `buildGeneratorApp` of the definition. */
  readonly build: (options?: GeneratorAppOptions) => Promise<{ app: App; stack: S }>;
  /** `runGeneratorApp` of the definition, for `bin/app.ts`. */
  readonly run: () => Promise<void>;
}

/** The entry points of the generator app that parses manifests with `parse` and renders them with `stack`. */
export function defineGeneratorApp<M extends GeneratorManifest, S extends Stack>(
  definition: GeneratorAppDefinition<M, S>,
): GeneratorApp<M, S> {
  return {
    parseManifestOrThrow: (text, source) => parseManifestOrThrow(definition.parse, text, source),
    build: (options = {}) => buildGeneratorApp(definition, options),
    run: () => runGeneratorApp(definition),
  };
}
