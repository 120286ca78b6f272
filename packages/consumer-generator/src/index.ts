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
export type { ConsumerAppOptions } from './app';
export {
  buildConsumerApp,
  describeManifestError,
  GeneratorContext,
  GeneratorInputError,
  parseConsumerManifestOrThrow,
  refuseConsumer,
  runConsumerApp,
} from './app';
export type { ConsumerDeliveryProps, ConsumerRedriveProps } from './constructs/consumer-delivery';
export { ConsumerDelivery } from './constructs/consumer-delivery';
export type { HttpConsumerProps } from './constructs/http-consumer';
export { HttpConsumer, HttpCredentialsField, SUBSCRIPTION_HEADER } from './constructs/http-consumer';
export type { LambdaConsumerProps } from './constructs/lambda-consumer';
export { LambdaConsumer } from './constructs/lambda-consumer';
export type { SqsConsumerProps } from './constructs/sqs-consumer';
export { SqsConsumer } from './constructs/sqs-consumer';
export type { ConsumerStackProps } from './consumer-stack';
export { ConsumerStack } from './consumer-stack';
