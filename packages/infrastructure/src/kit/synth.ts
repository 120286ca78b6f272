import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface CdkSynthOptions {
  /** The CDK app's package directory (its `cdk.json` and `node_modules/.bin/cdk`). */
  readonly root: string;
  /** `-c key=value` pairs, in order. */
  readonly context: Readonly<Record<string, string>>;
  /** Cloud assembly directory, relative to `root`. */
  readonly outdir: string;
  /** Variables added to the process environment of the CLI. @default - none */
  readonly env?: Readonly<Record<string, string>>;
}

/** The CDK CLI's arguments of an offline, quiet `cdk synth` with `context` into `outdir`. */
export function cdkSynthArguments(context: Readonly<Record<string, string>>, outdir: string): string[] {
  return [
    'synth',
    '--quiet',
    '--no-notices',
    '--no-version-reporting',
    ...Object.entries(context).flatMap(([key, value]) => ['-c', `${key}=${value}`]),
    '-o',
    outdir,
  ];
}

/** Runs `cdk synth` of the app in `root` with the CLI's own output on this process's; throws on failure. */
export function cdkSynth(options: CdkSynthOptions): void {
  execFileSync(
    join(options.root, 'node_modules', '.bin', 'cdk'),
    cdkSynthArguments(options.context, options.outdir),
    {
      cwd: options.root,
      stdio: 'inherit',
      env: { ...process.env, ...options.env, CDK_DISABLE_CLI_TELEMETRY: 'true' },
    },
  );
}

/**
 * Synthesizes every example manifest of a generator with the CDK CLI, offline:
 * `cdk synth -c manifest=examples/<name>.json -o cdk.out/<name>`. The account and region come from each
 * manifest; nothing is looked up. Returns how many examples failed (each is reported on stderr).
 */
export function synthesizeExamples(root: string): number {
  const examples = readdirSync(join(root, 'examples')).filter((name) => name.endsWith('.json'));
  let failures = 0;
  for (const name of examples) {
    const manifest = join('examples', name);
    const { account, region } = JSON.parse(readFileSync(join(root, manifest), 'utf8')) as {
      account: string;
      region: string;
    };
    const outdir = join('cdk.out', name.replace(/\.json$/, ''));
    try {
      cdkSynth({
        root,
        context: { manifest },
        outdir,
        env: { CDK_DEFAULT_ACCOUNT: account, CDK_DEFAULT_REGION: region },
      });
      console.log(`synthesized ${manifest} into ${outdir}`);
    } catch {
      failures += 1;
      console.error(`failed to synthesize ${manifest}`);
    }
  }
  return failures;
}
