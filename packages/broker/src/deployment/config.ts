import { type EnvSource, EnvVar, readString } from '@bridgeport/core';

export interface DeploymentTriggerConfig {
  /** The deployment pipeline started for every manifest created or deleted. */
  readonly pipelineName: string;
  /** Publisher components bucket: producer manifests. */
  readonly publisherBucket: string;
  /** Subscriber components bucket: consumer manifests. */
  readonly subscriberBucket: string;
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
  };
}

/** The deployment status recorder's configuration; throws core's `ConfigurationError` naming a missing variable. */
export function readDeploymentStatusConfig(env: EnvSource): DeploymentStatusConfig {
  return {
    pipelineName: readString(env, EnvVar.DEPLOYMENT_PIPELINE_NAME),
    tableName: readString(env, EnvVar.TABLE_NAME),
  };
}
