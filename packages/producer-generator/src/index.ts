export type {
  ManifestLocation,
  NagAcknowledgment,
  ReadManifestOptions,
} from '@bridgeport/infrastructure/cdk-kit';
export {
  acknowledgeNagFindings,
  parseManifestLocation,
  readManifestText,
} from '@bridgeport/infrastructure/cdk-kit';
export type { ProducerAppOptions } from './app';
export {
  buildProducerApp,
  describeManifestError,
  GeneratorContext,
  GeneratorInputError,
  parseProducerManifestOrThrow,
  runProducerApp,
} from './app';
export type { HttpProducerProps, RequestModelSchema } from './constructs/http-producer';
export { HttpProducer } from './constructs/http-producer';
export type { SqsProducerProps } from './constructs/sqs-producer';
export { defaultForwarderEntry, SqsProducer } from './constructs/sqs-producer';
export type { ProducerStackProps } from './producer-stack';
export { ProducerStack } from './producer-stack';
