/** How producers reach the broker for an event type. */
export const ProducerType = { HTTPS: 'HTTPS', SQS: 'SQS' } as const;
export type ProducerType = (typeof ProducerType)[keyof typeof ProducerType];

/** How the broker delivers to a subscriber. */
export const ConsumerType = { LAMBDA: 'LAMBDA', SQS: 'SQS', HTTPS: 'HTTPS' } as const;
export type ConsumerType = (typeof ConsumerType)[keyof typeof ConsumerType];

/** Deployment status of an event type's producer or of a subscription's consumer. */
export const DeploymentStatus = {
  PENDING: 'PENDING',
  DEPLOYING: 'DEPLOYING',
  ACTIVE: 'ACTIVE',
  FAILED: 'FAILED',
  DELETING: 'DELETING',
} as const;
export type DeploymentStatus = (typeof DeploymentStatus)[keyof typeof DeploymentStatus];

/**
 * What the deployment pipeline does with a manifest's stack: deploy the key's current version, or destroy the
 * stack when the key's current version is a delete marker (see `reconcileManifest`).
 */
export const DeploymentAction = { DEPLOY: 'deploy', DESTROY: 'destroy' } as const;
export type DeploymentAction = (typeof DeploymentAction)[keyof typeof DeploymentAction];

/** Which generator renders a manifest (the `kind` of its `ManifestKey`); `{component}-generator` is its package. */
export const DeploymentComponent = { PRODUCER: 'producer', CONSUMER: 'consumer' } as const;
export type DeploymentComponent = (typeof DeploymentComponent)[keyof typeof DeploymentComponent];

/** Variables of the deployment pipeline: the deployment trigger sets them on every execution. */
export const PipelineVariable = {
  MANIFEST_BUCKET: 'MANIFEST_BUCKET',
  MANIFEST_KEY: 'MANIFEST_KEY',
  ACTION: 'ACTION',
  COMPONENT: 'COMPONENT',
  /** The manifest version the trigger found current (the build decides again from what is current then). */
  MANIFEST_VERSION_ID: 'MANIFEST_VERSION_ID',
} as const;
export type PipelineVariable = (typeof PipelineVariable)[keyof typeof PipelineVariable];

/** Outputs every generated stack carries: the manifest it was made from (the reconciler compares them). */
export const GeneratedStackOutput = {
  MANIFEST_KEY: 'BridgeportManifestKey',
  MANIFEST_VERSION_ID: 'BridgeportManifestVersionId',
} as const;
export type GeneratedStackOutput = (typeof GeneratedStackOutput)[keyof typeof GeneratedStackOutput];
