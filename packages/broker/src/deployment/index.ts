export type { DeploymentClients } from './clients';
export { createDeploymentClients } from './clients';
export type { DeploymentReconcilerConfig, DeploymentStatusConfig, DeploymentTriggerConfig } from './config';
export {
  readDeploymentReconcilerConfig,
  readDeploymentStatusConfig,
  readDeploymentTriggerConfig,
} from './config';
export type { ManifestQueueConsumerOptions } from './manifest-queue';
export { createManifestQueueConsumer, ManifestRetryBackoff, retryDelaySeconds } from './manifest-queue';
export { s3ManifestVersions } from './manifest-versions';
export type {
  DeploymentReconciler,
  DeploymentReconcilerOptions,
  DeploymentRecord,
  DeploymentRecords,
  GeneratedStack,
  ReconcileReport,
  ReconcileStart,
} from './reconciler';
export {
  createDeploymentReconciler,
  dynamoDeploymentRecords,
  ENVIRONMENT_TAG,
  ReconcileCause,
} from './reconciler';
export type {
  DeploymentStatusRecorder,
  DeploymentStatusRecorderOptions,
  DeploymentStatusResult,
  PipelineExecutionEvent,
} from './status';
export {
  createDeploymentStatusRecorder,
  deploymentStatusOf,
  eventTimeOf,
  failureReason,
  PIPELINE_EXECUTION_STATE_CHANGE,
  PipelineExecutionState,
} from './status';
export type {
  DeploymentRequest,
  DeploymentTrigger,
  DeploymentTriggerOptions,
  DeploymentTriggerResult,
  IgnoredReason,
  ManifestBuckets,
  ManifestEventDecision,
  ManifestEventTarget,
  S3ObjectEvent,
} from './trigger';
export {
  createDeploymentTrigger,
  locateManifest,
  pipelineVariables,
  S3EventDetailType,
} from './trigger';
