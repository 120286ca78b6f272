import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { generatorExecutionPolicy } from '../src/kit/execution-policy';

const ROOT = join(__dirname, '..', '..', '..');
const SCRIPT = join(ROOT, 'local_deploy.sh');

interface Fakes {
  /** Bundle id recorded on the uploaded generators bundle, if any. */
  readonly deployedBundle?: string;
  /** Version of the default CDK bootstrap (`none`: not bootstrapped). @default '33' */
  readonly bootstrapVersion?: string;
  /** API Gateway's CloudWatch role in the region (set by another environment's stack). @default none */
  readonly gatewayRole?: string;
  /** The execution policy's current document (JSON), when the policy exists. @default it does not */
  readonly policyDocument?: string;
  /** Whether the web portal stack exists before the run (it exists once `cdk deploy` of it ran). @default true */
  readonly webPortalExists?: boolean;
  /** Tools left off PATH. */
  readonly without?: readonly string[];
}

/**
 * Runs local_deploy.sh with `aws`, `sam`, `pnpm` and `zip` replaced by recorders (node, git and tsx are real). The
 * fake `pnpm` creates the directory the generators bundle is asked for.
 */
function deploy(args: string[], fakes: Fakes = {}) {
  const bin = mkdtempSync(join(tmpdir(), 'local-deploy-'));
  const log = join(bin, 'calls.log');
  const policies = join(bin, 'policies.log');
  try {
    const scripts: Record<string, string> = {
      pnpm: [
        `echo "pnpm($(basename "$PWD")) $*" >> "${log}"`,
        'case "$*" in *web-portal.ts*) touch "$HOME/web-portal" ;; esac',
        'case "$*" in *generators-bundle*) for out; do :; done; mkdir -p "$out"; echo built > "$out/bundle.txt" ;; esac',
      ].join('\n'),
      sam: `echo "sam $*" >> "${log}"`,
      zip: `echo "zip $*" >> "${log}"; touch "$2"`,
      aws: [
        `echo "aws $*" >> "${log}"`,
        `for arg in "$@"; do case "$arg" in file://*) cat "\${arg#file://}" >> "${policies}"; echo >> "${policies}" ;; esac; done`,
        'case "$1 $2" in',
        '  "sts get-caller-identity") echo 123456789012 ;;',
        '  "configure get") echo eu-west-1 ;;',
        '  "ssm get-parameter")',
        `    case "$*" in */cdk-bootstrap/hnb659fds/*) ${fakes.bootstrapVersion === 'none' ? 'exit 255' : `echo ${fakes.bootstrapVersion ?? '33'}`} ;;`,
        '      */cdk-bootstrap/*) echo 33 ;;',
        '      *broker-api*) echo brokerapi1 ;; esac ;;',
        '  "cloudformation describe-stacks")',
        '    case "$*" in *DeploymentSourceBucketName*) echo pipeline-bucket ;;',
        '      *DeploymentSourceObjectKey*) echo bridgeport/source.zip ;;',
        '      *PortalApiUrl*) echo https://portalapi1.execute-api.eu-west-1.amazonaws.com/dev ;;',
        '      *PortalApiId*) echo portalapi1 ;;',
        '      *PortalUserPoolDomain*) echo dev-portal.auth.eu-west-1.amazoncognito.com ;;',
        '      *PortalWebClientId*) echo webclient1 ;;',
        `      *WebPortalUrl*) ${fakes.webPortalExists === false ? 'if [ -f "$HOME/web-portal" ]; then echo https://d111.cloudfront.net; else echo None; fi' : 'echo https://d111.cloudfront.net'} ;; esac ;;`,
        `  "s3api head-object") ${fakes.deployedBundle === undefined ? 'exit 254' : `echo '${fakes.deployedBundle}'`} ;;`,
        `  "apigateway get-account") echo ${fakes.gatewayRole ?? 'None'} ;;`,
        `  "iam get-policy") ${fakes.policyDocument === undefined ? 'exit 254' : 'echo v1'} ;;`,
        `  "iam get-policy-version") echo '${fakes.policyDocument ?? ''}' ;;`,
        '  "iam list-policy-versions") case "$*" in *length*) echo 5 ;; *) echo v1 ;; esac ;;',
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
        BRIDGEPORT_ALLOWED_CONSUMER_TARGETS: 'arn:aws:lambda:eu-west-1:123456789012:function:orders-*',
      },
    });
    const lines = (file: string) => {
      try {
        return readFileSync(file, 'utf8').trim().split('\n');
      } catch {
        return [];
      }
    };
    return {
      status: result.status,
      stdout: result.stdout,
      stderr: result.stderr,
      calls: lines(log),
      policies: lines(policies).filter((line) => line !== ''),
    };
  } finally {
    rmSync(bin, { recursive: true, force: true });
  }
}

const CONTEXT = '-c environment=dev -c account=123456789012 -c region=eu-west-1 -c apiGatewayAccount=create';
const CDK = 'pnpm(infrastructure) exec cdk';
const CDK_DEPLOY = `${CDK} deploy --exclusively --require-approval never --no-notices --no-version-reporting ${CONTEXT}`;
const POLICY_ARN = 'arn:aws:iam::123456789012:policy/bridgeport-generated-stacks-eu-west-1';

describe('local_deploy.sh', () => {
  it.each([['--help'], ['-h'], ['dev', '--help']])(
    'prints the usage for %s and exits 0, deploying nothing',
    (...args) => {
      const { status, stdout, calls } = deploy(args);

      expect(status).toBe(0);
      expect(stdout).toMatch(/^usage: \S*local_deploy\.sh <environment> \[--dry-run\] \[--confirm\]\n/);
      expect(stdout).toContain('--dry-run needs no AWS account');
      expect(stdout).toContain('--confirm shows the portal');
      expect(calls).toEqual([]);
    },
  );

  it.each([[['dev', '--force']], [['--dry-run']], [['dev', '--dry-run', '--confirm']]])(
    'refuses the arguments %j with the usage and exit code 64, deploying nothing',
    (args) => {
      const { status, stderr, calls } = deploy(args);

      expect(status).toBe(64);
      expect(stderr).toMatch(/usage: |--confirm has no meaning with --dry-run/);
      expect(calls).toEqual([]);
    },
  );

  it('deploys every step in order, one shot, announcing each as [n/7], and prints the URLs', () => {
    const { status, calls, stdout } = deploy(['dev']);

    expect({ status, stdout: status === 0 ? '' : stdout }).toEqual({ status: 0, stdout: '' });
    const steps = calls.filter((call) => /^(pnpm|sam|zip|aws s3 cp|aws iam create)/.test(call));
    expect(steps).toEqual([
      expect.stringMatching(/^aws iam create-policy --policy-name bridgeport-generated-stacks-eu-west-1 /),
      `${CDK} bootstrap aws://123456789012/eu-west-1 --qualifier bridgeport --toolkit-stack-name BridgeportCDKToolkit --cloudformation-execution-policies ${POLICY_ARN} --no-notices --no-version-reporting`,
      `${CDK_DEPLOY} dev-event-schemas-backup-service`,
      `${CDK_DEPLOY} -c allowedConsumerTargets=arn:aws:lambda:eu-west-1:123456789012:function:orders-* dev-components-configuration-storage-service`,
      expect.stringMatching(/^pnpm\(infrastructure\) run --silent generators-bundle \S+\/bundle$/),
      expect.stringMatching(/^zip -qr \S+\/bundle\.zip \.$/),
      expect.stringMatching(
        /^aws s3 cp --region eu-west-1 --metadata commit=[0-9a-f]{40}(\+[0-9a-f]{12})? \S+\/bundle\.zip s3:\/\/pipeline-bucket\/bridgeport\/source\.zip$/,
      ),
      `${CDK_DEPLOY} dev-event-broker-bus dev-event-broker-api-service`,
      'sam build --config-env default',
      'sam deploy --config-env default --stack-name dev-self-service-portal --region eu-west-1 --no-confirm-changeset ' +
        '--parameter-overrides Environment=dev SchemasBackupBucketName=dev-event-schemas-backup-bucket-123456789012-eu-west-1 ' +
        'PublisherComponentsBucketName=dev-publisher-components-bucket-123456789012-eu-west-1 ' +
        'SubscriberComponentsBucketName=dev-subscriber-components-bucket-123456789012-eu-west-1 ' +
        'AllowedConsumerTargets=arn:aws:lambda:eu-west-1:123456789012:function:orders-* ' +
        'WebPortalCallbackUrl=https://d111.cloudfront.net/ --no-fail-on-empty-changeset',
      `pnpm(${basename(ROOT)}) --filter @bridgeport/web run --silent build`,
      `${CDK} deploy --require-approval never --no-notices --no-version-reporting -a node --import tsx bin/web-portal.ts ${CONTEXT} ` +
        '-c portalApiDomain=portalapi1.execute-api.eu-west-1.amazonaws.com ' +
        '-c producerEndpointUrl=https://brokerapi1.execute-api.eu-west-1.amazonaws.com/dev ' +
        '-c cognitoDomain=dev-portal.auth.eu-west-1.amazoncognito.com -c cognitoClientId=webclient1 dev-self-service-web-portal',
    ]);
    const announced = stdout.split('\n').filter((line) => line.startsWith('==> '));
    expect(announced.map((line) => /^==> \[(\d)\/7\] /.exec(line)?.[1])).toEqual([
      '1',
      '2',
      '3',
      '4',
      '5',
      '6',
      '7',
    ]);
    expect(stdout).toContain(
      [
        "Bridgeport 'dev' is deployed to account 123456789012, region eu-west-1",
        '  portal API: https://portalapi1.execute-api.eu-west-1.amazonaws.com/dev',
        '  broker API: https://brokerapi1.execute-api.eu-west-1.amazonaws.com/dev   (producers POST /{event_type}/{version})',
        '  web portal: https://d111.cloudfront.net',
      ].join('\n'),
    );
  });

  it('on the first deployment of the web portal, gives the portal its address, then the page its sign-in client', () => {
    const { status, calls, stdout } = deploy(['dev'], { webPortalExists: false });

    expect(status).toBe(0);
    const order = calls
      .filter((call) => call.startsWith('sam deploy') || call.includes('bin/web-portal.ts'))
      .map((call) =>
        call.startsWith('sam deploy') ? `portal ${/WebPortalCallbackUrl=(\S*)/.exec(call)?.[1]}` : 'web',
      );
    expect(order).toEqual(['portal ', 'web', 'portal https://d111.cloudfront.net/', 'web']);
    expect(stdout).toContain(
      "giving the portal's user pool the web portal's address https://d111.cloudfront.net/",
    );
  });

  it("creates the generators' execution policy from the TypeScript document, and leaves an equal one alone", () => {
    const first = deploy(['dev']);
    const expected = generatorExecutionPolicy({ account: '123456789012', region: 'eu-west-1' });

    expect(first.policies.map((line) => JSON.parse(line))).toEqual([expected]);
    const second = deploy(['dev'], { policyDocument: JSON.stringify(expected) });
    expect(second.status).toBe(0);
    expect(second.calls.filter((call) => /^aws iam (create|delete)-policy/.test(call))).toEqual([]);
    expect(second.stdout).toContain(`the execution policy ${POLICY_ARN} is up to date`);
  });

  it('replaces a changed execution policy by a new default version, making room for it', () => {
    const { status, calls } = deploy(['dev'], { policyDocument: '{"Version":"2012-10-17","Statement":[]}' });

    expect(status).toBe(0);
    expect(calls.filter((call) => /^aws iam (create|delete)-policy/.test(call))).toEqual([
      `aws iam delete-policy-version --policy-arn ${POLICY_ARN} --version-id v1`,
      expect.stringMatching(
        new RegExp(`^aws iam create-policy-version --policy-arn ${POLICY_ARN} --set-as-default `),
      ),
    ]);
  });

  it('leaves an up-to-date generators bundle alone on a second run', () => {
    const first = deploy(['dev']);
    const id = /--metadata commit=(\S+)/.exec(first.calls.join('\n'))?.[1];
    expect(id).toBeDefined();

    const { status, calls, stdout } = deploy(['dev'], { deployedBundle: id });

    expect(status).toBe(0);
    expect(calls.filter((call) => /generators-bundle|^zip|^aws s3 cp/.test(call))).toEqual([]);
    expect(stdout).toContain(`s3://pipeline-bucket/bridgeport/source.zip is up to date (${id})`);
  });

  it("leaves API Gateway's account role to the environment of the region that already set it", () => {
    const { status, calls } = deploy(['dev'], { gatewayRole: 'arn:aws:iam::123456789012:role/qa-gateway' });

    expect(status).toBe(0);
    const deploys = calls.filter((call) => call.includes('cdk deploy'));
    expect(deploys).toHaveLength(4);
    for (const call of deploys) expect(call).toContain('-c apiGatewayAccount=existing');
  });

  it('deploys prod in one shot with its samconfig.toml configuration, and shows the change set only with --confirm', () => {
    const oneShot = deploy(['prod']);
    const confirmed = deploy(['prod', '--confirm']);

    expect(oneShot.calls).toContain('sam build --config-env prod');
    const samDeploy = (calls: string[]) => calls.find((call) => call.startsWith('sam deploy')) ?? '';
    expect(samDeploy(oneShot.calls)).toMatch(
      /^sam deploy --config-env prod --stack-name prod-self-service-portal --region eu-west-1 --no-confirm-changeset /,
    );
    expect(samDeploy(confirmed.calls)).toContain(' --confirm-changeset ');
  });

  it('names every missing prerequisite before doing anything', () => {
    const { status, stderr, calls } = deploy(['dev'], { without: ['aws', 'sam'] });

    expect(status).toBe(69);
    expect(stderr).toContain('missing prerequisites: aws sam');
    expect(calls).toEqual([]);
  });

  it('needs make (sam build bundles the functions through the Makefile) and zip (the generators bundle)', () => {
    // A PATH without /usr/bin (where make and zip live) but with every other tool the script needs.
    const bin = mkdtempSync(join(tmpdir(), 'local-deploy-nomake-'));
    try {
      for (const tool of ['git', 'sed', 'dirname', 'basename', 'mktemp', 'rm', 'cat', 'cut', 'bash', 'env']) {
        const found = spawnSync('bash', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).stdout.trim();
        if (found !== '') cpSync(found, join(bin, tool));
      }
      for (const tool of ['aws', 'sam', 'pnpm']) {
        writeFileSync(join(bin, tool), '#!/bin/bash\nexit 0\n');
        chmodSync(join(bin, tool), 0o755);
      }
      const result = spawnSync(join(bin, 'bash'), [SCRIPT, 'dev'], {
        encoding: 'utf8',
        env: { PATH: `${bin}:${dirname(process.execPath)}`, HOME: bin },
      });

      expect(result.status).toBe(69);
      expect(result.stderr).toContain('missing prerequisites: make zip');
    } finally {
      rmSync(bin, { recursive: true, force: true });
    }
  });

  it('runs only in a git checkout', () => {
    const copy = mkdtempSync(join(tmpdir(), 'local-deploy-copy-'));
    try {
      cpSync(SCRIPT, join(copy, 'local_deploy.sh'));
      writeFileSync(join(copy, 'pnpm'), '#!/bin/bash\nexit 0\n');
      chmodSync(join(copy, 'pnpm'), 0o755);
      const result = spawnSync(join(copy, 'local_deploy.sh'), ['dev', '--dry-run'], {
        encoding: 'utf8',
        env: {
          PATH: `${copy}:${dirname(process.execPath)}:/usr/bin:/bin`,
          HOME: copy,
          GIT_CEILING_DIRECTORIES: tmpdir(),
        },
      });

      expect(result.status).toBe(69);
      expect(result.stderr).toContain(`missing prerequisites: a git checkout (${copy} is not one`);
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  });

  it.each([
    ['not CDK-bootstrapped', 'none', 'CDK bootstrap of aws://123456789012/eu-west-1 (run: '],
    [
      'bootstrapped with a version older than 6',
      '4',
      'CDK bootstrap version >= 6 in aws://123456789012/eu-west-1 (found 4;',
    ],
  ])('stops before deploying when the account is %s', (_what, bootstrapVersion, message) => {
    const { status, stderr, calls } = deploy(['dev'], { bootstrapVersion });

    expect(status).toBe(69);
    expect(stderr).toContain(`missing prerequisites: ${message}`);
    expect(calls.filter((call) => /^(pnpm|sam|aws iam)/.test(call))).toEqual([]);
  });

  it('refuses an environment name core would refuse', () => {
    const { status, stderr } = deploy(['Dev']);

    expect(status).toBe(64);
    expect(stderr).toContain('environment must match ^[a-z][a-z0-9-]{0,19}$');
  });
});
