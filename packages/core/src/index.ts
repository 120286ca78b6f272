export type { EnvSource, ReadIntOptions, ReadStringOptions } from './config';
export { EnvVar, readEnvironmentName, readInt, readString } from './config';
export {
  type ConnectionStringOptions,
  connectionStringProblem,
  HTTPS_ENDPOINT_MAX_LENGTH,
  isLoopbackHost,
  LAMBDA_FUNCTION_ARN_PATTERN,
  SQS_QUEUE_ARN_PATTERN,
} from './connection-strings';
export {
  consumerSecretProblem,
  consumerTargetProblem,
  isAllowedConsumerTarget,
  parseAllowedConsumerTargets,
  readAllowedConsumerTargets,
} from './consumer-targets';
export { validateDataSchema } from './data-schema-validation';
export type { Draft04Compatibility, Draft04Incompatibility } from './draft04';
export { draft04Compatibility, toDraft04Model } from './draft04';
export type { PayloadValidator } from './envelope';
export {
  buildEnvelopeSchema,
  createPayloadValidator,
  DRAFT_04_SCHEMA_URI,
  MAX_SCHEMA_LENGTH,
} from './envelope';
export type { BridgeportErrorOptions, DependencyFailureOptions } from './errors';
export {
  BridgeportError,
  ConfigurationError,
  ConflictError,
  DependencyFailureError,
  ForbiddenError,
  InvalidManifestError,
  isTransientAwsError,
  NotFoundError,
  PayloadTooLargeError,
  PreconditionFailedError,
  UnauthorizedError,
  UnsupportedMediaTypeError,
  ValidationError,
} from './errors';
export {
  DESCRIPTION_MAX_LENGTH,
  MAX_ALLOWED_PRINCIPALS,
  MAX_PRODUCER_RATE_LIMIT_PER_SECOND,
  validateEventTypeRequest,
  validateEventTypeUpdate,
} from './event-type-validation';
export type { EventsTableItemKey } from './events-table';
export {
  EVENTS_TABLE_META,
  EventsTableKey,
  eventTypeKey,
  eventTypePartition,
  StatusAttribute,
  statusRecordKey,
  subscriptionKey,
  subscriptionPartition,
  VERSION_SORT_PREFIX,
  versionKey,
  versionSortKey,
} from './events-table';
export type { LimitBreach } from './input-limits';
export { InputLimit, jsonTextTooDeep, schemaLimitBreach, valueTooDeep } from './input-limits';
export {
  BROKER_METRICS_NAMESPACE,
  BROKER_METRICS_SERVICE,
  BrokerDimension,
  BrokerMetric,
  EVENTBRIDGE_METRICS_NAMESPACE,
  EventBridgeDimension,
  EventBridgeMetric,
  REJECTION_REASONS,
  RejectionReason,
} from './insights';
export type { BodySizeLimit } from './json-request';
export {
  assertJsonContentType,
  headerValue,
  invalidJsonBodyError,
  isJsonContentType,
  parseJsonBody,
  requestBodyText,
} from './json-request';
export type { LinearRegExp } from './linear-regexp';
export { compileLinearRegExp, linearRegExpProblem, linearTest } from './linear-regexp';
export type { ConsumerEndpoint, ConsumerManifest, Manifest, ProducerManifest } from './manifest';
export {
  consumerManifestSchema,
  DEFAULT_RATE_LIMIT_PER_SECOND,
  MANIFEST_FORMAT,
  MAX_RATE_LIMIT_PER_SECOND,
  parseConsumerManifest,
  parseProducerManifest,
  producerManifestSchema,
  readConsumerManifest,
  readProducerManifest,
  serializeManifest,
} from './manifest';
export type {
  ConsumerManifestContext,
  DeploymentTarget,
  ProducerManifestContext,
} from './manifest-builders';
export { buildConsumerManifest, buildProducerManifest } from './manifest-builders';
export type {
  ArnParts,
  AwsPartition,
  AwsScope,
  BucketScope,
  GeneratorBootstrapNames,
  ManifestKey,
  SsmParameterNames,
  StackNames,
} from './naming';
export {
  ACCOUNT_ID_PATTERN,
  APPLICATION_PATTERN,
  AWS_PARTITIONS,
  apiDestinationName,
  BucketKind,
  brokerApiName,
  bucketName,
  busName,
  connectionName,
  consumerAlarmName,
  consumerDeadLetterQueueName,
  consumerManifestKey,
  consumerSecretName,
  consumerStackName,
  deploymentPipelineName,
  deploymentProjectName,
  detailType,
  ENVIRONMENT_PATTERN,
  EVENT_TYPE_PATTERN,
  eventArchiveName,
  formatArn,
  GENERATOR_CDK_QUALIFIER,
  GENERATOR_CDK_TOOLKIT_STACK,
  generatorBootstrapNames,
  LOCAL_ACCOUNT_ID,
  LOCAL_PARTITION,
  LOCAL_REGION,
  localScope,
  manifestStackName,
  NAME_HASH_LENGTH,
  NameLimit,
  newSubscriptionId,
  PRINCIPAL_PATTERN,
  parseArn,
  parseDetailType,
  parseManifestKey,
  portalApiName,
  producerApiKeyName,
  producerDeadLetterQueueName,
  producerIngressQueueName,
  producerManifestKey,
  producerStackName,
  producerUsagePlanName,
  REGION_PATTERN,
  redriveRuleName,
  replayName,
  ruleName,
  SUBSCRIPTION_ID_PATTERN,
  schemaBackupKey,
  schemaName,
  schemaRegistryName,
  scopedArn,
  shortenName,
  sqsQueueUrl,
  ssmParameterNames,
  stackNames,
  tableName,
  targetId,
} from './naming';
export type { OutboundPolicy } from './outbound';
export { AddressClass, classifyAddress, classifyHost, ipVersion, outboundProblem, urlPort } from './outbound';
export type { PageOf } from './paging';
export { drainPages } from './paging';
export type {
  ArnConsumerTarget,
  ConsumerPlan,
  ConsumerTarget,
  HttpProducerPlan,
  HttpsConsumerTarget,
  ProducerHttpRoute,
  ProducerPlan,
  ProducerSqsIngress,
  ProducerThrottle,
  SqsProducerPlan,
  SubscriptionPatternInput,
} from './plan';
export {
  consumerEventPattern,
  consumerPlan,
  INGRESS_MAX_RECEIVE_COUNT,
  PRODUCER_THROTTLE,
  producerPlan,
  SUBSCRIPTION_HEADER,
  subscriptionEventPattern,
} from './plan';
export { isProducerKeyOf, newProducerKeyValue, PRODUCER_KEY_HEADER, producerThrottle } from './producer-keys';
export type {
  ManifestChange,
  ManifestVersion,
  ManifestVersionReader,
  ReconcileDecision,
} from './reconcile';
export {
  DestroyReason,
  IgnoreReason,
  isLifecycleChange,
  LIFECYCLE_EXPIRATION_REASON,
  reconcileDecisionOf,
  reconcileManifest,
} from './reconcile';
export type { RedriveDetail } from './redrive';
export {
  DeadLetterAttribute,
  deadLetteredEvent,
  REDRIVE_DETAIL_TYPE,
  REDRIVE_INPUT_PATH,
  REDRIVE_SOURCE,
  redriveEventPattern,
} from './redrive';
export type { CompareSchemasOptions, SchemaChange, SchemaComparison } from './schema-compatibility';
export { compareSchemas, isSchemaComparison, SchemaChangeKind } from './schema-compatibility';
export { SchemaDialect } from './schema-tools';
export {
  DEFAULT_RETRY_POLICY,
  HttpsConsumerLimit,
  RetryPolicyLimit,
  SECRET_NAME_PATTERN,
  TARGET_UNIT_MAX_LENGTH,
  validateSubscriptionRequest,
} from './subscription-validation';
export type {
  EventTypeRequest,
  EventTypeUpdate,
  JsonObject,
  JsonSchema,
  JsonValue,
  RetryPolicy,
  SubscriptionRequest,
  Validated,
  ValidationProblem,
} from './types';
export {
  ConsumerType,
  DeploymentAction,
  DeploymentComponent,
  DeploymentStatus,
  GeneratedStackOutput,
  PipelineVariable,
  ProducerType,
} from './vocabulary';
