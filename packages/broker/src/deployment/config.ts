import { type EnvSource, EnvVar, readEnvironmentName, readString } from '@bridgeport/core';

export interface DeploymentTriggerConfig {
  /** The deployment pipeline started for every manifest created or deleted. */
  readonly pipelineName: string;
  /** Publisher components bucket: producer manifests. */
  readonly publisherBucket: string;
  /** Subscriber components bucket: consumer manifests. */
  readonly subscriberBucket: string;
  /** The queue the trigger reads manifest events from. */
  readonly queueUrl: string;
}

export interface DeploymentStatusConfig {
  /** The deployment pipeline whose executions are recorded. */
  readonly pipelineName: string;
  /** The portal's events table. */
  readonly tableName: string;
}

/** The deployment trigger's configuration; throws core's `ConfigurationError` naming a missing variable. */
export function readDeploymentTriggerConfig(env: EnvSource): DeploymentTriggerConfig {
  return {
    pipelineName: readString(env, EnvVar.DEPLOYMENT_PIPELINE_NAME),
    publisherBucket: readString(env, EnvVar.PUBLISHER_BUCKET),
    subscriberBucket: readString(env, EnvVar.SUBSCRIBER_BUCKET),
    queueUrl: readString(env, EnvVar.MANIFEST_EVENTS_QUEUE_URL),
  };
}

/** The deployment status recorder's configuration; throws core's `ConfigurationError` naming a missing variable. */
export function readDeploymentStatusConfig(env: EnvSource): DeploymentStatusConfig {
  return {
    pipelineName: readString(env, EnvVar.DEPLOYMENT_PIPELINE_NAME),
    tableName: readString(env, EnvVar.TABLE_NAME),
  };
}

export interface DeploymentReconcilerConfig {
  readonly environment: string;
  /** The deployment pipeline the reconciler starts. */
  readonly pipelineName: string;
  readonly publisherBucket: string;
  readonly subscriberBucket: string;
  /** The portal's events table (deployment statuses). */
  readonly tableName: string;
}

/** The reconciler's configuration; throws core's `ConfigurationError` naming a missing variable. */
export function readDeploymentReconcilerConfig(env: EnvSource): DeploymentReconcilerConfig {
  return {
    environment: readEnvironmentName(env),
    pipelineName: readString(env, EnvVar.DEPLOYMENT_PIPELINE_NAME),
    publisherBucket: readString(env, EnvVar.PUBLISHER_BUCKET),
    subscriberBucket: readString(env, EnvVar.SUBSCRIBER_BUCKET),
    tableName: readString(env, EnvVar.TABLE_NAME),
  };
}
