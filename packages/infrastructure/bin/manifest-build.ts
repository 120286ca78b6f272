/**
 * The deployment build step (the buildspec runs it as `node manifest-build.js` in the generators bundle):
 * reconciles one manifest's stack to what its components bucket holds now. Reads the pipeline variables
 * (`MANIFEST_BUCKET`, `MANIFEST_KEY`, `COMPONENT`) and the build's environment; runs the generator's
 * `cdk deploy` with the CDK CLI beside it, from `GENERATORS_DIR/{component}-generator` (default: the bundle's
 * own directory, or the repository's `packages/` when run from the sources), or deletes the stack of a
 * deleted manifest.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { S3Client } from '@aws-sdk/client-s3';
import { s3ManifestVersions } from '@bridgeport/broker';
import { readManifestBuildInput, runManifestBuild } from '../src/build/manifest-build';
import { InfrastructureInputError } from '../src/errors';

async function main(): Promise<void> {
  const input = readManifestBuildInput(process.env);
  const bundled = existsSync(join(__dirname, `${input.component}-generator`, 'cdk.json'));
  const generatorsDirectory =
    process.env.GENERATORS_DIR || (bundled ? __dirname : join(__dirname, '..', '..'));
  const cwd = join(generatorsDirectory, `${input.component}-generator`);
  const cdkCli = require.resolve('aws-cdk/bin/cdk', { paths: [cwd, __dirname] });
  const result = await runManifestBuild({
    input,
    manifests: s3ManifestVersions(new S3Client({})),
    cloudFormation: new CloudFormationClient({}),
    runCdk: (args) =>
      new Promise((resolve, reject) => {
        // args[0] is `cdk`: the CLI runs on this Node.js, from the bundle's node_modules (nothing fetched).
        const child = spawn(process.execPath, [cdkCli, ...args.slice(1)], { cwd, stdio: 'inherit' });
        child.on('error', reject);
        child.on('close', (code) => resolve(code ?? 1));
      }),
  });
  console.log(`done: ${result.outcome}`);
}

main().catch((error: unknown) => {
  console.error(error instanceof InfrastructureInputError ? error.message : error);
  process.exitCode = 1;
});
