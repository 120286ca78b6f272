/**
 * Synthesizes every example manifest with the CDK CLI, offline: `cdk synth -c manifest=examples/<name>.json`.
 * The account and region come from each manifest; nothing is looked up.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(__dirname, '..');
const examples = readdirSync(join(root, 'examples')).filter((name) => name.endsWith('.json'));
const cdk = join(root, 'node_modules', '.bin', 'cdk');
let failures = 0;
for (const name of examples) {
  const manifest = join('examples', name);
  const { account, region } = JSON.parse(readFileSync(join(root, manifest), 'utf8')) as {
    account: string;
    region: string;
  };
  const outdir = join('cdk.out', name.replace(/\.json$/, ''));
  try {
    execFileSync(
      cdk,
      [
        'synth',
        '--quiet',
        '--no-notices',
        '--no-version-reporting',
        '-c',
        `manifest=${manifest}`,
        '-o',
        outdir,
      ],
      {
        cwd: root,
        stdio: 'inherit',
        env: {
          ...process.env,
          CDK_DEFAULT_ACCOUNT: account,
          CDK_DEFAULT_REGION: region,
          CDK_DISABLE_CLI_TELEMETRY: 'true',
        },
      },
    );
    console.log(`synthesized ${manifest} into ${outdir}`);
  } catch {
    failures += 1;
    console.error(`failed to synthesize ${manifest}`);
  }
}
if (failures > 0) process.exitCode = 1;
