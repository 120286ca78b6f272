import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { HeadBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { yamlParse } from 'yaml-cfn';
import { DEFAULT_DOCKER_HOST, samEnvironment } from '../../src/cli/sam-env';
import { type Bridgeport, startBridgeport } from '../../src/runtime/bridgeport';
import { testOptions } from '../e2e/support';

const ROOT = path.resolve(__dirname, '../../../..');
const PACKAGE_DIR = path.resolve(__dirname, '../..');

interface SamTemplate {
  readonly Globals?: { readonly Function?: { readonly Environment?: { readonly Variables?: object } } };
  readonly Resources: Record<
    string,
    {
      readonly Type: string;
      readonly Properties?: { readonly Environment?: { readonly Variables?: object } };
    }
  >;
}

/** Every environment variable a function of template.yaml is given, by function (globals included). */
function templateVariables(): Record<string, string[]> {
  const template = yamlParse(readFileSync(path.join(ROOT, 'template.yaml'), 'utf8')) as SamTemplate;
  const globals = Object.keys(template.Globals?.Function?.Environment?.Variables ?? {});
  return Object.fromEntries(
    Object.entries(template.Resources)
      .filter(([, resource]) => resource.Type === 'AWS::Serverless::Function')
      .map(([name, resource]) => [
        name,
        [...globals, ...Object.keys(resource.Properties?.Environment?.Variables ?? {})],
      ]),
  );
}

/** The options sam-env reads, without a data directory. */
const runtimeOptions = (awsPort: number) => ({ environment: 'e2e', awsPort, maxEventSizeBytes: 262_144 });

describe('bridgeport sam-env', () => {
  it('covers every environment variable of every function in template.yaml', () => {
    const functions = templateVariables();
    const { Parameters } = samEnvironment(runtimeOptions(4566));

    expect(Object.keys(functions).length).toBeGreaterThan(0);
    for (const [name, variables] of Object.entries(functions)) {
      expect(variables.length).toBeGreaterThan(0);
      const missing = variables.filter((variable) => !(variable in Parameters));
      expect({ function: name, missing }).toEqual({ function: name, missing: [] });
    }
  });

  it('names one AWS endpoint, the runtime port on the docker host, for every service', () => {
    const { Parameters } = samEnvironment(runtimeOptions(4999), '10.0.0.7');
    // The portal under sam local accepts every local function and queue, as the runtime does.
    expect(Parameters.BRIDGEPORT_ALLOWED_CONSUMER_TARGETS).toMatch(
      /^arn:aws:lambda:[a-z0-9-]+:000000000000:\*,arn:aws:sqs:[a-z0-9-]+:000000000000:\*$/,
    );
    const endpoints = Object.entries(Parameters).filter(([name]) => name.startsWith('AWS_ENDPOINT_URL'));

    expect(endpoints.length).toBeGreaterThanOrEqual(3);
    expect(new Set(endpoints.map(([, url]) => url))).toEqual(new Set(['http://10.0.0.7:4999']));
    expect(samEnvironment(runtimeOptions(4566)).Parameters.AWS_ENDPOINT_URL_S3).toBe(
      `http://${DEFAULT_DOCKER_HOST}:4566`,
    );
  });

  describe('against a running runtime', () => {
    let dataDir: string;
    let runtime: Bridgeport;

    beforeAll(async () => {
      dataDir = await mkdtemp(path.join(tmpdir(), 'bridgeport-sam-env-'));
      runtime = await startBridgeport({
        ...testOptions(dataDir, { environment: 'samtest' }),
        log: () => undefined,
      });
    });

    afterAll(async () => {
      await runtime.close();
      await rm(dataDir, { recursive: true, force: true });
    });

    it("names the runtime's environment, table and buckets, which exist behind its AWS port", async () => {
      const awsPort = Number(new URL(runtime.awsUrl).port);
      const { Parameters } = samEnvironment({ ...testOptions(dataDir, { environment: 'samtest' }), awsPort });
      const config = {
        region: 'us-east-1',
        endpoint: runtime.awsUrl,
        credentials: { accessKeyId: 'l', secretAccessKey: 'l' },
      };
      const dynamodb = new DynamoDBClient(config);
      const s3 = new S3Client({ ...config, forcePathStyle: true });
      try {
        expect(Parameters.BRIDGEPORT_ENVIRONMENT).toBe('samtest');
        expect(Parameters.AWS_ENDPOINT_URL_DYNAMODB).toBe(`http://${DEFAULT_DOCKER_HOST}:${awsPort}`);
        const table = await dynamodb.send(
          new DescribeTableCommand({ TableName: Parameters.EVENTS_TABLE_NAME }),
        );
        expect(table.Table?.TableStatus).toBe('ACTIVE');
        for (const bucket of [
          'SCHEMAS_BACKUP_BUCKET',
          'PUBLISHER_COMPONENTS_BUCKET',
          'SUBSCRIBER_COMPONENTS_BUCKET',
        ]) {
          await expect(s3.send(new HeadBucketCommand({ Bucket: Parameters[bucket] }))).resolves.toBeDefined();
        }
      } finally {
        dynamodb.destroy();
        s3.destroy();
      }
    });
  });

  it('prints the env.json for the options it is given', async () => {
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        'src/cli.ts',
        'sam-env',
        '--env',
        'qa',
        '--aws-port',
        '4700',
        '--docker-host',
        '192.168.65.254',
      ],
      { cwd: PACKAGE_DIR, env: { ...process.env, NODE_NO_WARNINGS: '1' }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (text: string) => {
      stdout += text;
    });
    const code = await new Promise((resolve) => child.once('exit', resolve));

    expect(code).toBe(0);
    const printed = JSON.parse(stdout) as { Parameters: Record<string, string> };
    expect(printed.Parameters).toMatchObject({
      BRIDGEPORT_ENVIRONMENT: 'qa',
      EVENTS_TABLE_NAME: expect.stringMatching(/^qa-/),
      AWS_ENDPOINT_URL_SCHEMAS: 'http://192.168.65.254:4700',
    });
  });
});
