/**
 * Prints the CloudFormation execution policy of the generators' CDK bootstrap as JSON, for `local_deploy.sh`:
 * `tsx bin/execution-policy.ts <account> <region>`.
 */
import { ACCOUNT_ID_PATTERN, REGION_PATTERN } from '@bridgeport/core';
import { generatorExecutionPolicy } from '../src/kit/execution-policy';

const [account = '', region = ''] = process.argv.slice(2);
if (!ACCOUNT_ID_PATTERN.test(account) || !REGION_PATTERN.test(region)) {
  console.error('usage: execution-policy.ts <account> <region>');
  process.exitCode = 64;
} else {
  console.log(JSON.stringify(generatorExecutionPolicy({ account, region })));
}
