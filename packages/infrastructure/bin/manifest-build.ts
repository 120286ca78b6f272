/**
 * The deployment build step (the buildspec runs it): reconciles one manifest's stack to what its components
 * bucket holds now. Reads the pipeline variables (`MANIFEST_BUCKET`, `MANIFEST_KEY`, `COMPONENT`) and the
 * build's environment; runs the generator's `cdk deploy` from `GENERATORS_DIR/{component}-generator` (default:
 * the repository's `packages/`), or deletes the stack of a deleted manifest.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { S3Client } from '@aws-sdk/client-s3';
import { s3ManifestVersions } from '@bridgeport/broker';
import { readManifestBuildInput, runManifestBuild } from '../src/build/manifest-build';
import { InfrastructureInputError } from '../src/errors';

async function main(): Promise<void> {
  const input = readManifestBuildInput(process.env);
  const generatorsDirectory = process.env.GENERATORS_DIR || join(__dirname, '..', '..');
  const cwd = join(generatorsDirectory, `${input.component}-generator`);
  const result = await runManifestBuild({
    input,
    manifests: s3ManifestVersions(new S3Client({})),
    cloudFormation: new CloudFormationClient({}),
    runCdk: (args) =>
      new Promise((resolve, reject) => {
        const child = spawn('npx', ['--no-install', ...args], { cwd, stdio: 'inherit' });
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
