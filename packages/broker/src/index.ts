export type { ApiStage, RedeployStageOptions, ResourcePathPart } from './api-resources';
export { ensureResource, redeployStage } from './api-resources';
export type { BrokerClients } from './clients';
export { createBrokerClients } from './clients';
export type { ForwarderConfig, InjectorConfig } from './config';
export {
  BrokerEnvVar,
  DEFAULT_PRODUCER_CACHE_TTL_SECONDS,
  MAX_EVENT_SIZE_LIMIT_BYTES,
  MAX_PRODUCER_CACHE_TTL_SECONDS,
  readForwarderConfig,
  readInjectorConfig,
} from './config';
export type {
  CustomResourceResponse,
  SharedApiResourceOptions,
  StageRedeploymentOptions,
} from './custom-resource';
export {
  handleApiResourceEvent,
  handleSharedApiResourceEvent,
  handleStageRedeploymentEvent,
  SHARED_API_RESOURCE_ID_ATTRIBUTE,
  SHARED_API_RESOURCE_TYPE,
  SharedApiResourceProperty,
  STAGE_REDEPLOYMENT_TYPE,
  StageRedeploymentProperty,
  sendCustomResourceResponse,
} from './custom-resource';
export type {
  DeploymentClients,
  DeploymentReconciler,
  DeploymentReconcilerConfig,
  DeploymentReconcilerOptions,
  DeploymentRecord,
  DeploymentRecords,
  DeploymentRequest,
  DeploymentStatusConfig,
  DeploymentStatusRecorder,
  DeploymentStatusRecorderOptions,
  DeploymentStatusResult,
  DeploymentTrigger,
  DeploymentTriggerConfig,
  DeploymentTriggerOptions,
  DeploymentTriggerResult,
  GeneratedStack,
  IgnoredReason,
  ManifestBuckets,
  ManifestEventDecision,
  ManifestEventTarget,
  ManifestQueueConsumerOptions,
  PipelineExecutionEvent,
  ReconcileReport,
  ReconcileStart,
  S3ObjectEvent,
} from './deployment';
export {
  createDeploymentClients,
  createDeploymentReconciler,
  createDeploymentStatusRecorder,
  createDeploymentTrigger,
  createManifestQueueConsumer,
  deploymentStatusOf,
  dynamoDeploymentRecords,
  ENVIRONMENT_TAG,
  eventTimeOf,
  failureReason,
  locateManifest,
  ManifestRetryBackoff,
  PIPELINE_EXECUTION_STATE_CHANGE,
  PipelineExecutionState,
  pipelineVariables,
  ReconcileCause,
  readDeploymentReconcilerConfig,
  readDeploymentStatusConfig,
  readDeploymentTriggerConfig,
  retryDelaySeconds,
  S3EventDetailType,
  s3ManifestVersions,
} from './deployment';
export {
  isRetryablePutEventsError,
  ManifestReadFailedError,
  PublishFailedError,
  RETRYABLE_PUT_EVENTS_ERROR_CODES,
  StepFailedError,
} from './errors';
export type { BatchLimits, EventRoute, SizedEventEntry } from './events';
export {
  buildEventEntry,
  DEFAULT_MAX_EVENT_SIZE_BYTES,
  eventEntrySize,
  MAX_ENTRIES_PER_PUT_EVENTS,
  packBatches,
} from './events';
export type {
  ForwardBatchOptions,
  ForwardBatchResult,
  ForwardedProducer,
  ForwarderMessage,
} from './forwarder';
export {
  DeadLetterAttribute,
  DeadLetterReason,
  forwardBatch,
  MAX_VALIDATION_ERRORS_ATTRIBUTE_LENGTH,
  summarizeProblems,
} from './forwarder';
export type { InjectedEvent, Injector, InjectorOptions, ProducerResolver } from './injector';
export { createInjector, parseProducerRoute } from './injector';
export type { InjectorHandler } from './injector-handler';
export { createInjectorHandler, PRODUCER_BODY_RULES, producerRouteOf } from './injector-handler';
export { brokerLogger } from './logger';
export type { EmfRecord, MetricsSubject, ProducerMetrics, ProducerMetricsOptions } from './metrics';
export { noProducerMetrics, powertoolsProducerMetrics } from './metrics';
export type {
  ManifestReader,
  ProducerCatalogOptions,
  ResolvedProducer,
  S3ManifestReaderOptions,
} from './producers';
export { ProducerCatalog, resolveProducer, s3ManifestReader } from './producers';
export type { QueuePolicyChange, QueuePolicyDocument, QueuePolicyStatement } from './queue-policy';
export {
  addQueuePolicyStatement,
  isMissingQueue,
  parseQueuePolicy,
  removeQueuePolicyStatement,
  withoutStatement,
  withStatement,
} from './queue-policy';
export type { QueuePolicyStatementOptions } from './queue-policy-resource';
export {
  handleQueuePolicyStatementEvent,
  QUEUE_POLICY_STATEMENT_TYPE,
  QueuePolicyStatementProperty,
} from './queue-policy-resource';
