/**
 * `pnpm synth [environment]`: synthesizes the four shared stacks with the CDK CLI, offline, into
 * `cdk.out/<environment>/`. The account and region come from `CDK_DEFAULT_ACCOUNT` / `CDK_DEFAULT_REGION`
 * (or `AWS_REGION`) when set; otherwise the local runtime's placeholders are used and said so.
 */
import { join } from 'node:path';
import { ENVIRONMENT_PATTERN, LOCAL_ACCOUNT_ID, LOCAL_REGION } from '@bridgeport/core';
import { cdkSynth } from '../src/kit/synth';

const root = join(__dirname, '..');
const environment = process.argv[2] ?? 'dev';
if (!ENVIRONMENT_PATTERN.test(environment)) {
  console.error(`environment ${JSON.stringify(environment)} must match ${ENVIRONMENT_PATTERN.source}`);
  process.exit(64);
}
const account = process.env.CDK_DEFAULT_ACCOUNT || LOCAL_ACCOUNT_ID;
const region = process.env.CDK_DEFAULT_REGION || process.env.AWS_REGION || LOCAL_REGION;
if (!process.env.CDK_DEFAULT_ACCOUNT) {
  console.log(`no CDK_DEFAULT_ACCOUNT: synthesizing for the placeholder account ${account}`);
}
const outdir = join('cdk.out', environment);
try {
  cdkSynth({ root, context: { environment, account, region }, outdir });
  console.log(
    `synthesized the shared stacks of ${environment} (${account}, ${region}) into ${join(root, outdir)}`,
  );
} catch {
  console.error(`failed to synthesize the shared stacks of ${environment}`);
  process.exitCode = 1;
}
