export type { InfrastructureAppOptions, InfrastructureStacks } from './app';
export { buildInfrastructureApp, runInfrastructureApp } from './app';
export { BuildEnvVar, deploymentBuildCommands } from './constructs/deployment-build-project';
export type { DeploymentPipelineProps } from './constructs/deployment-pipeline';
export {
  DEFAULT_CDK_QUALIFIER,
  DEFAULT_SOURCE_OBJECT_KEY,
  DeploymentPipeline,
} from './constructs/deployment-pipeline';
export type { SecureBucketProps } from './constructs/secure-bucket';
export { SecureBucket } from './constructs/secure-bucket';
export { InfrastructureInputError } from './errors';
export { BrokerHandler, brokerHandlerEntry } from './kit/broker-function';
export type { NagAcknowledgment } from './kit/nag';
export { acknowledgeNagFindings } from './kit/nag';
export type { BrokerApiStackProps } from './stacks/broker-api-stack';
export { BrokerApiStack } from './stacks/broker-api-stack';
export type { ComponentsStorageStackProps } from './stacks/components-storage-stack';
export { ComponentsStorageOutput, ComponentsStorageStack } from './stacks/components-storage-stack';
export type { EventBusStackProps } from './stacks/event-bus-stack';
export { EventBusStack, eventArchiveName } from './stacks/event-bus-stack';
export { SchemasBackupStack } from './stacks/schemas-backup-stack';
export type { SharedStackProps } from './stacks/shared-stack';
export { SharedStack } from './stacks/shared-stack';
export type { WebPortalStackProps } from './stacks/web-portal-stack';
export { PORTAL_API_PATHS, WebPortalOutput, WebPortalStack } from './stacks/web-portal-stack';
export { CdkEnvVar, InfrastructureContext, resolveDeploymentTarget } from './target';
export { buildWebPortalApp, WebPortalContext } from './web-portal-app';
