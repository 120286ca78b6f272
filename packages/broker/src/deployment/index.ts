export type { DeploymentClients } from './clients';
export { createDeploymentClients } from './clients';
export type { DeploymentStatusConfig, DeploymentTriggerConfig } from './config';
export { readDeploymentStatusConfig, readDeploymentTriggerConfig } from './config';
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
  DeploymentDecision,
  DeploymentRequest,
  DeploymentTrigger,
  DeploymentTriggerOptions,
  DeploymentTriggerResult,
  IgnoredReason,
  ManifestBuckets,
  S3ObjectEvent,
} from './trigger';
export {
  createDeploymentTrigger,
  decideDeployment,
  pipelineVariables,
  S3EventDetailType,
} from './trigger';
