import { spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  BUNDLE_BUILD_STEP,
  BUNDLE_DESCRIPTION_FILE,
  GENERATOR_HANDLERS,
} from '../../src/build/bundle-layout';
import { buildGeneratorsBundle, type GeneratorsBundleDescription } from '../../src/build/generators-bundle';
import { FEATURE_FLAGS } from '../../src/kit/feature-flags';

const ROOT = join(__dirname, '..', '..', '..', '..');
const PACKAGES = join(ROOT, 'packages');

/** Every file under `directory`, relative to it. */
function filesUnder(directory: string): string[] {
  return readdirSync(directory, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() || entry.isSymbolicLink())
    .map((entry) => join(entry.parentPath, entry.name).slice(directory.length + 1));
}

describe('generators bundle', () => {
  let work: string;
  let clean: string;
  let description: GeneratorsBundleDescription;
  const lines: string[] = [];

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'generators-bundle-'));
    const built = join(work, 'built');
    description = await buildGeneratorsBundle({
      workspaceRoot: ROOT,
      outdir: built,
      log: (line) => lines.push(line),
    });
    // A clean folder outside the repository, holding nothing but the bundle and two manifests.
    clean = join(work, 'clean');
    cpSync(built, join(clean, 'bundle'), { recursive: true });
    for (const [pkg, example] of [
      ['producer-generator', 'http-producer.json'],
      ['consumer-generator', 'sqs-consumer.json'],
    ] as const) {
      cpSync(join(PACKAGES, pkg, 'examples', example), join(clean, example));
    }
  }, 600_000);

  afterAll(() => {
    if (work !== undefined) rmSync(work, { recursive: true, force: true });
  });

  /**
   * `cdk synth` with the bundle's own CLI in `{component}-generator`: only `node` on PATH (no npm, npx or
   * pnpm), an empty home, no AWS credentials, and any proxied request sent to a closed loopback port.
   */
  function synth(component: 'producer' | 'consumer', manifest: string) {
    const bin = join(work, 'bin');
    if (!existsSync(bin)) {
      mkdirSync(bin);
      symlinkSync(process.execPath, join(bin, 'node'));
    }
    const home = join(work, 'home');
    mkdirSync(home, { recursive: true });
    const cwd = join(clean, 'bundle', `${component}-generator`);
    const result = spawnSync(
      'node',
      [
        join('..', 'node_modules', 'aws-cdk', 'bin', 'cdk'),
        'synth',
        '--quiet',
        '--no-notices',
        '--no-version-reporting',
        '-c',
        `manifest=${join(clean, manifest)}`,
        '-o',
        'out',
      ],
      {
        cwd,
        encoding: 'utf8',
        env: {
          PATH: bin,
          HOME: home,
          CDK_DISABLE_CLI_TELEMETRY: 'true',
          AWS_EC2_METADATA_DISABLED: 'true',
          HTTPS_PROXY: 'http://127.0.0.1:9',
          HTTP_PROXY: 'http://127.0.0.1:9',
          npm_config_offline: 'true',
        },
      },
    );
    return { ...result, out: join(cwd, 'out') };
  }

  it('builds in five announced steps into a bundle that holds its own CDK CLI and no links', () => {
    expect(lines.filter((line) => /^\[\d\/5\] /.test(line))).toHaveLength(5);
    const bundle = join(clean, 'bundle');
    for (const file of [
      BUNDLE_BUILD_STEP,
      BUNDLE_DESCRIPTION_FILE,
      'producer-generator/app.js',
      'consumer-generator/app.js',
      'node_modules/aws-cdk/bin/cdk',
      'node_modules/aws-cdk-lib/package.json',
      'node_modules/cdk-nag/package.json',
      'node_modules/constructs/package.json',
    ]) {
      expect({ file, present: existsSync(join(bundle, file)) }).toEqual({ file, present: true });
    }
    const links = readdirSync(bundle, { recursive: true, withFileTypes: true }).filter((entry) =>
      entry.isSymbolicLink(),
    );
    expect(links).toEqual([]);
    expect(Object.keys(description.packages)).toEqual(
      expect.arrayContaining(['aws-cdk', 'aws-cdk-lib', 'cdk-nag', 'constructs']),
    );
    for (const component of ['producer', 'consumer']) {
      const cdkJson = JSON.parse(readFileSync(join(bundle, `${component}-generator`, 'cdk.json'), 'utf8'));
      expect(cdkJson).toEqual({ app: 'node app.js', context: FEATURE_FLAGS });
    }
  });

  it('prebuilds the handlers the generators deploy, each with the SDK version of the lockfile', () => {
    const sqsVersion = (
      JSON.parse(
        readFileSync(
          require.resolve('@aws-sdk/client-sqs/package.json', { paths: [join(PACKAGES, 'broker')] }),
          'utf8',
        ),
      ) as { version: string }
    ).version;
    for (const handler of GENERATOR_HANDLERS) {
      const code = readFileSync(join(clean, 'bundle', 'handlers', handler, 'index.js'), 'utf8');
      expect(code).toContain(`name:"@aws-sdk/client-sqs",version:"${sqsVersion}"`);
      // Only the SDK's optional CRT signer (loaded inside a try, never installed) is left to require.
      const required = [...code.matchAll(/require\("(@aws-sdk\/[^"]+)"\)/g)].map((match) => match[1]);
      expect([...new Set(required)]).toEqual(required.length === 0 ? [] : ['@aws-sdk/signature-v4-crt']);
    }
  });

  it('synthesizes a producer manifest in a clean folder with no install step', () => {
    const { status, stderr, out } = synth('producer', 'http-producer.json');

    expect({ status, stderr: status === 0 ? '' : stderr }).toEqual({ status: 0, stderr: '' });
    const template = JSON.parse(
      readFileSync(join(out, 'dev-producer-parcel-registered-v1.template.json'), 'utf8'),
    ) as { Resources: Record<string, { Type: string; Metadata?: Record<string, string> }> };
    const functions = Object.values(template.Resources).filter(
      (resource) => resource.Type === 'AWS::Lambda::Function',
    );
    expect(functions.length).toBeGreaterThan(0);
    // The function's code is the bundle's prebuilt handler, byte for byte: nothing was bundled at synth time.
    const asset = functions[0]?.Metadata?.['aws:asset:path'] as string;
    expect(filesUnder(join(out, asset)).sort()).toEqual(['index.js', 'index.js.map']);
    expect(readFileSync(join(out, asset, 'index.js'))).toEqual(
      readFileSync(join(clean, 'bundle', 'handlers', 'shared-api-resource', 'index.js')),
    );
  });

  it('synthesizes a consumer manifest in a clean folder with no install step', () => {
    const { status, stderr, out } = synth('consumer', 'sqs-consumer.json');

    expect({ status, stderr: status === 0 ? '' : stderr }).toEqual({ status: 0, stderr: '' });
    const template = readFileSync(
      join(out, 'dev-consumer-parcel-registered-v1-p8r2t6w4y0cd.template.json'),
      'utf8',
    );
    expect(template).toContain('"Type": "AWS::Events::Rule"');
    expect(template).toContain('"Type": "Custom::BridgeportQueuePolicyStatement"');
  });

  it('refuses to write into a directory that holds something else', async () => {
    const other = join(work, 'other');
    mkdirSync(other);
    writeFileSync(join(other, 'keep.txt'), 'mine');

    await expect(
      buildGeneratorsBundle({ workspaceRoot: ROOT, outdir: other, log: () => {} }),
    ).rejects.toThrow(`${other} is not empty and holds no generators bundle: choose a new directory`);
    expect(readFileSync(join(other, 'keep.txt'), 'utf8')).toBe('mine');
  });
});
