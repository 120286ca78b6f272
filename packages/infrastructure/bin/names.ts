/**
 * Prints, as shell assignments, the names `local_deploy.sh` needs for one environment, account and region:
 * `tsx bin/names.ts <environment> <account> <region>`. Names come from core, never from the script.
 */
import {
  BucketKind,
  bucketName,
  generatorBootstrapNames,
  REGION_PATTERN,
  ssmParameterNames,
  stackNames,
} from '@bridgeport/core';

const [environment = '', account = '', region = ''] = process.argv.slice(2);
try {
  const stacks = stackNames(environment);
  const target = { environment, account, region };
  const names: Record<string, string> = {
    SCHEMAS_BACKUP_STACK: stacks.schemasBackup,
    COMPONENTS_STORAGE_STACK: stacks.componentsStorage,
    BROKER_API_STACK: stacks.brokerApi,
    BUS_STACK: stacks.bus,
    PORTAL_STACK: stacks.portal,
    SCHEMAS_BACKUP_BUCKET: bucketName(BucketKind.SCHEMAS_BACKUP, target),
    PUBLISHER_BUCKET: bucketName(BucketKind.PUBLISHER, target),
    SUBSCRIBER_BUCKET: bucketName(BucketKind.SUBSCRIBER, target),
    WEB_PORTAL_STACK: stacks.webPortal,
    BROKER_API_ID_PARAMETER: ssmParameterNames(environment).brokerRestApiId,
    ...(REGION_PATTERN.test(region)
      ? {
          CDK_QUALIFIER: generatorBootstrapNames(region).qualifier,
          CDK_TOOLKIT_STACK: generatorBootstrapNames(region).toolkitStack,
          CDK_EXECUTION_POLICY: generatorBootstrapNames(region).executionPolicy,
        }
      : {}),
  };
  for (const [key, value] of Object.entries(names)) console.log(`${key}=${value}`);
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
}
