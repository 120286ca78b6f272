import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deploymentBuildCommands } from '../../src/constructs/deployment-pipeline';

const PUBLISHER = 'dev-publisher-components-bucket-123456789012-eu-west-1';
const SUBSCRIBER = 'dev-subscriber-components-bucket-123456789012-eu-west-1';

/** Runs the build commands as CodeBuild does (one bash session), with `npx` and `aws` replaced by recorders. */
function runBuild(variables: Record<string, string>, options: { lastVersion?: string } = {}) {
  const root = mkdtempSync(join(tmpdir(), 'deployment-build-'));
  try {
    const bin = join(root, 'bin');
    const source = join(root, 'source');
    mkdirSync(bin);
    mkdirSync(join(source, 'packages', 'producer-generator'), { recursive: true });
    mkdirSync(join(source, 'packages', 'consumer-generator'), { recursive: true });
    const log = join(root, 'calls.log');
    writeFileSync(join(bin, 'npx'), `#!/bin/bash\necho "npx($(basename "$PWD")) $*" >> "${log}"\n`);
    writeFileSync(
      join(bin, 'aws'),
      [
        '#!/bin/bash',
        `echo "aws $*" >> "${log}"`,
        `if [ "$2" = list-object-versions ]; then echo "${options.lastVersion ?? 'None'}"; fi`,
        'if [ "$2" = get-object ]; then for last; do :; done; echo "{}" > "$last"; fi',
      ].join('\n'),
    );
    chmodSync(join(bin, 'npx'), 0o755);
    chmodSync(join(bin, 'aws'), 0o755);
    const result = spawnSync('bash', ['-c', `set -e\n${deploymentBuildCommands().join('\n')}`], {
      cwd: source,
      encoding: 'utf8',
      env: {
        PATH: `${bin}:/usr/bin:/bin`,
        CODEBUILD_SRC_DIR: source,
        BRIDGEPORT_ENVIRONMENT: 'dev',
        PUBLISHER_COMPONENTS_BUCKET: PUBLISHER,
        SUBSCRIBER_COMPONENTS_BUCKET: SUBSCRIBER,
        ...variables,
      },
    });
    let calls: string[] = [];
    try {
      calls = readFileSync(log, 'utf8').trim().split('\n');
    } catch {
      calls = [];
    }
    return {
      status: result.status,
      stderr: result.stderr,
      calls: calls.map((c) => c.replaceAll(source, '$SRC')),
    };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

describe('deploymentBuildCommands', () => {
  it('deploys a producer manifest with the producer generator, reading it from S3', () => {
    const { status, calls } = runBuild({
      ACTION: 'deploy',
      COMPONENT: 'producer',
      MANIFEST_BUCKET: PUBLISHER,
      MANIFEST_KEY: 'parcel_registered/2/deploy.json',
    });

    expect(status).toBe(0);
    expect(calls).toEqual([
      `npx(producer-generator) cdk deploy --all --require-approval never --no-notices --no-version-reporting -c manifest=s3://${PUBLISHER}/parcel_registered/2/deploy.json -c environment=dev`,
    ]);
  });

  it("destroys a consumer stack from its deleted manifest's last version", () => {
    const { status, calls } = runBuild(
      {
        ACTION: 'destroy',
        COMPONENT: 'consumer',
        MANIFEST_BUCKET: SUBSCRIBER,
        MANIFEST_KEY: 'parcel_registered/1/abcdef123456/deploy.json',
      },
      { lastVersion: 'v42' },
    );

    expect(status).toBe(0);
    expect(calls[0]).toMatch(
      new RegExp(
        `^aws s3api list-object-versions --bucket ${SUBSCRIBER} --prefix parcel_registered/1/abcdef123456/deploy.json `,
      ),
    );
    expect(calls[1]).toBe(
      `aws s3api get-object --bucket ${SUBSCRIBER} --key parcel_registered/1/abcdef123456/deploy.json --version-id v42 $SRC/manifest.json`,
    );
    expect(calls[2]).toBe(
      'npx(consumer-generator) cdk destroy --all --force --no-notices --no-version-reporting -c manifest=$SRC/manifest.json -c environment=dev',
    );
  });

  it('destroys nothing when no version of the manifest is left', () => {
    const { status, calls } = runBuild({
      ACTION: 'destroy',
      COMPONENT: 'producer',
      MANIFEST_BUCKET: PUBLISHER,
      MANIFEST_KEY: 'parcel_registered/1/deploy.json',
    });

    expect(status).toBe(0);
    expect(calls.filter((call) => call.startsWith('npx'))).toEqual([]);
  });

  it.each([
    [
      {
        ACTION: 'rm -rf',
        COMPONENT: 'producer',
        MANIFEST_BUCKET: PUBLISHER,
        MANIFEST_KEY: 'a/1/deploy.json',
      },
      "ACTION must be deploy or destroy, got 'rm -rf'",
    ],
    [
      { ACTION: 'deploy', COMPONENT: '../x', MANIFEST_BUCKET: PUBLISHER, MANIFEST_KEY: 'a/1/deploy.json' },
      "COMPONENT must be producer or consumer, got '../x'",
    ],
    [
      {
        ACTION: 'deploy',
        COMPONENT: 'producer',
        MANIFEST_BUCKET: 'other-bucket',
        MANIFEST_KEY: 'a/1/deploy.json',
      },
      "MANIFEST_BUCKET 'other-bucket' is not a components bucket",
    ],
    [
      {
        ACTION: 'deploy',
        COMPONENT: 'producer',
        MANIFEST_BUCKET: PUBLISHER,
        MANIFEST_KEY: 'a/1/deploy.json; id',
      },
      "MANIFEST_KEY 'a/1/deploy.json; id' is not a manifest key",
    ],
  ])('refuses variables it does not expect and runs nothing: %j', (variables, message) => {
    const { status, stderr, calls } = runBuild(variables);

    expect(status).not.toBe(0);
    expect(stderr).toContain(message);
    expect(calls).toEqual([]);
  });
});
