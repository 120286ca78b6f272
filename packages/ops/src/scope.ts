import { BucketKind, bucketName, busName, schemaRegistryName, tableName } from '@bridgeport/core';

/** Which deployment an operation works on: the environment and the account and region it lives in. */
export interface OpsScope {
  readonly environment: string;
  readonly account: string;
  readonly region: string;
}

/** Every resource name an operation reads or writes, from core's naming module. */
export interface OpsResources {
  readonly tableName: string;
  readonly registryName: string;
  readonly busName: string;
  readonly backupBucket: string;
  readonly publisherBucket: string;
  readonly subscriberBucket: string;
}

export function resourcesOf(scope: OpsScope): OpsResources {
  return {
    tableName: tableName(scope.environment),
    registryName: schemaRegistryName(scope.environment),
    busName: busName(scope.environment),
    backupBucket: bucketName(BucketKind.SCHEMAS_BACKUP, scope),
    publisherBucket: bucketName(BucketKind.PUBLISHER, scope),
    subscriberBucket: bucketName(BucketKind.SUBSCRIBER, scope),
  };
}
