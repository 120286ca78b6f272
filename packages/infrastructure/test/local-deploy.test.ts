import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const ROOT = join(__dirname, '..', '..', '..');
const SCRIPT = join(ROOT, 'local_deploy.sh');
const HEAD = execFileSync('git', ['-C', ROOT, 'rev-parse', 'HEAD'], { encoding: 'utf8' }).trim();

interface Fakes {
  /** Commit recorded on the uploaded source bundle, if any. */
  readonly deployedCommit?: string;
  /** Whether the account is CDK-bootstrapped. @default true */
  readonly bootstrapped?: boolean;
  /** API Gateway's CloudWatch role in the region (set by another environment's stack). @default none */
  readonly gatewayRole?: string;
  /** Tools left off PATH. */
  readonly without?: readonly string[];
}

/** Runs local_deploy.sh with `aws`, `sam` and `pnpm` replaced by recorders (node, git and tsx are real). */
function deploy(args: string[], fakes: Fakes = {}) {
  const bin = mkdtempSync(join(tmpdir(), 'local-deploy-'));
  const log = join(bin, 'calls.log');
  try {
    const scripts: Record<string, string> = {
      pnpm: `echo "pnpm($(basename "$PWD")) $*" >> "${log}"`,
      sam: `echo "sam $*" >> "${log}"`,
      aws: [
        `echo "aws $*" >> "${log}"`,
        'case "$1 $2" in',
        '  "sts get-caller-identity") echo 123456789012 ;;',
        '  "configure get") echo eu-west-1 ;;',
        '  "cloudformation describe-stacks")',
        `    case "$*" in *CDKToolkit*) exit ${fakes.bootstrapped === false ? 255 : 0} ;;`,
        '      *DeploymentSourceBucketName*) echo pipeline-bucket ;;',
        '      *DeploymentSourceObjectKey*) echo bridgeport/source.zip ;; esac ;;',
        `  "s3api head-object") ${fakes.deployedCommit === undefined ? 'exit 254' : `echo ${fakes.deployedCommit}`} ;;`,
        `  "apigateway get-account") echo ${fakes.gatewayRole ?? 'None'} ;;`,
        'esac',
      ].join('\n'),
    };
    for (const [tool, body] of Object.entries(scripts)) {
      if (fakes.without?.includes(tool)) continue;
      writeFileSync(join(bin, tool), `#!/bin/bash\n${body}\n`);
      chmodSync(join(bin, tool), 0o755);
    }
    const result = spawnSync(SCRIPT, args, {
      encoding: 'utf8',
      env: {
        PATH: `${bin}:${dirname(process.execPath)}:/usr/bin:/bin`,
        HOME: bin,
        AWS_REGION: 'eu-west-1',
      },
    });
    let calls: string[] = [];
    try {
      calls = readFileSync(log, 'utf8').trim().split('\n');
    } catch {
      calls = [];
    }
    return { status: result.status, stdout: result.stdout, stderr: result.stderr, calls };
  } finally {
    rmSync(bin, { recursive: true, force: true });
  }
}

const CONTEXT =
  '-c environment=dev -c account=123456789012 -c region=eu-west-1 -c apiGatewayAccount=create';
const CDK_DEPLOY = `pnpm(infrastructure) exec cdk deploy --exclusively --require-approval never --no-notices --no-version-reporting ${CONTEXT}`;

describe('local_deploy.sh', () => {
  it.each([['--help'], ['-h'], ['dev', '--help']])(
    'prints the usage for %s and exits 0, deploying nothing',
    (...args) => {
      const { status, stdout, calls } = deploy(args);

      expect(status).toBe(0);
      expect(stdout).toMatch(/^usage: \S*local_deploy\.sh <environment> \[--dry-run\]\n/);
      expect(stdout).toContain('--dry-run needs no AWS account');
      expect(calls).toEqual([]);
    },
  );

  it('deploys the seed steps in order, each idempotent, and uploads the source bundle', () => {
    const { status, calls, stdout } = deploy(['dev']);

    expect(status).toBe(0);
    const steps = calls.filter((call) => /^(pnpm|sam|aws s3 cp)/.test(call));
    expect(steps).toEqual([
      `${CDK_DEPLOY} dev-event-schemas-backup-service`,
      `${CDK_DEPLOY} dev-components-configuration-storage-service`,
      expect.stringMatching(
        new RegExp(
          `^aws s3 cp --region eu-west-1 --metadata commit=${HEAD} \\S+/source.zip s3://pipeline-bucket/bridgeport/source.zip$`,
        ),
      ),
      `${CDK_DEPLOY} dev-event-broker-bus dev-event-broker-api-service`,
      'sam build --config-env default',
      'sam deploy --config-env default --stack-name dev-self-service-portal --region eu-west-1 --parameter-overrides ' +
        'Environment=dev SchemasBackupBucketName=dev-event-schemas-backup-bucket-123456789012-eu-west-1 ' +
        'PublisherComponentsBucketName=dev-publisher-components-bucket-123456789012-eu-west-1 ' +
        'SubscriberComponentsBucketName=dev-subscriber-components-bucket-123456789012-eu-west-1 ' +
        '--no-fail-on-empty-changeset',
    ]);
    expect(stdout).toContain('==> [1/4] schema backup bucket: dev-event-schemas-backup-service');
    expect(stdout).toContain('==> [4/4] self-service portal: dev-self-service-portal');
  });

  it('leaves an up-to-date source bundle alone on a second run', () => {
    const { status, calls, stdout } = deploy(['dev'], { deployedCommit: HEAD });

    expect(status).toBe(0);
    expect(calls.filter((call) => call.startsWith('aws s3 cp'))).toEqual([]);
    expect(stdout).toContain(
      `source bundle s3://pipeline-bucket/bridgeport/source.zip is up to date (${HEAD})`,
    );
  });

  it("leaves API Gateway's account role to the environment of the region that already set it", () => {
    const { status, calls } = deploy(['dev'], { gatewayRole: 'arn:aws:iam::123456789012:role/qa-gateway' });

    expect(status).toBe(0);
    const deploys = calls.filter((call) => call.includes('cdk deploy'));
    expect(deploys).toHaveLength(3);
    for (const call of deploys) expect(call).toContain('-c apiGatewayAccount=existing');
  });

  it('uses the prod configuration of samconfig.toml for prod', () => {
    const { calls } = deploy(['prod']);

    expect(calls).toContain('sam build --config-env prod');
    expect(
      calls.some((call) =>
        call.startsWith('sam deploy --config-env prod --stack-name prod-self-service-portal'),
      ),
    ).toBe(true);
  });

  it('names every missing prerequisite before doing anything', () => {
    const { status, stderr, calls } = deploy(['dev'], { without: ['aws', 'sam'] });

    expect(status).toBe(69);
    expect(stderr).toContain('missing prerequisites: aws sam');
    expect(calls).toEqual([]);
  });

  it('stops before deploying when the account is not CDK-bootstrapped', () => {
    const { status, stderr, calls } = deploy(['dev'], { bootstrapped: false });

    expect(status).toBe(69);
    expect(stderr).toContain(
      'missing prerequisites: CDK bootstrap of aws://123456789012/eu-west-1 (run: pnpm --filter @bridgeport/infrastructure exec cdk bootstrap aws://123456789012/eu-west-1)',
    );
    expect(calls.filter((call) => call.startsWith('pnpm') || call.startsWith('sam'))).toEqual([]);
  });

  it('refuses an environment name core would refuse', () => {
    const { status, stderr } = deploy(['Dev']);

    expect(status).toBe(64);
    expect(stderr).toContain('environment must match ^[a-z][a-z0-9-]{0,19}$');
  });
});
