// `@bridgeport/infrastructure/cdk-kit`: the plumbing every Bridgeport CDK app shares (the shared stacks' app and
// the producer and consumer generators). Kept behind a subpath export so that the root never pulls in the S3 SDK.

export { GeneratorInputError } from '../errors';
export type { BrokerFunctionProps } from './broker-function';
export {
  BrokerHandler,
  brokerHandlerEntry,
  CUSTOM_RESOURCE_TIMEOUT,
  createBrokerFunction,
  findWorkspaceLockFile,
} from './broker-function';
export type { ExecutionPolicyScope, PolicyDocumentJson, PolicyStatementJson } from './execution-policy';
export { GENERATED_RESOURCE_TYPES, generatorExecutionPolicy } from './execution-policy';
export { FEATURE_FLAGS } from './feature-flags';
export type {
  GeneratorApp,
  GeneratorAppDefinition,
  GeneratorAppOptions,
  GeneratorManifest,
} from './generator-app';
export {
  buildGeneratorApp,
  defineGeneratorApp,
  describeManifestError,
  GeneratorContext,
  parseManifestOrThrow,
  runGeneratorApp,
  UNVERSIONED_MANIFEST,
} from './generator-app';
export type { ManifestLocation, ReadManifestOptions } from './manifest-source';
export { parseManifestLocation, readManifestText } from './manifest-source';
export type { NagAcknowledgment } from './nag';
export { acknowledgeNagFindings } from './nag';
export type { CdkSynthOptions } from './synth';
export { cdkSynth, cdkSynthArguments, synthesizeExamples } from './synth';
