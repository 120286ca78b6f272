import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { InvalidManifestError, type Validated } from '@bridgeport/core';
import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import S3rver from 's3rver';
import { GeneratorInputError } from '../../src/errors';
import {
  buildGeneratorApp,
  defineGeneratorApp,
  describeManifestError,
  type GeneratorAppDefinition,
} from '../../src/kit/generator-app';

interface TestManifest {
  readonly environment: string;
  readonly name: string;
}

/** Accepts `{"environment": string, "name": string}` and nothing else. */
function parseTestManifest(text: string): Validated<TestManifest> {
  const value = JSON.parse(text) as Partial<TestManifest>;
  const errors = (['environment', 'name'] as const)
    .filter((key) => typeof value[key] !== 'string')
    .map((key) => ({ path: `$.${key}`, message: 'is required' }));
  return errors.length === 0 ? { ok: true, value: value as TestManifest } : { ok: false, errors };
}

class TestStack extends Stack {
  readonly manifest: TestManifest;

  constructor(scope: Construct, props: { readonly manifest: TestManifest }) {
    super(scope, props.manifest.name);
    this.manifest = props.manifest;
  }
}

const definition: GeneratorAppDefinition<TestManifest, TestStack> = {
  parse: parseTestManifest,
  manifestKey: (manifest) => `test/1/${manifest.name}/deploy.json`,
  stack: TestStack,
};
const BUCKET = 'dev-publisher-components-bucket-123456789012-eu-west-1';

describe('the generator app', () => {
  let directory: string;
  let server: S3rver;
  let s3: S3Client;

  beforeAll(async () => {
    directory = mkdtempSync(join(tmpdir(), 'generator-app-'));
    writeFileSync(join(directory, 'valid.json'), JSON.stringify({ environment: 'dev', name: 'from-file' }));
    writeFileSync(join(directory, 'invalid.json'), JSON.stringify({ environment: 'dev' }));
    server = new S3rver({
      address: '127.0.0.1',
      port: 0,
      silent: true,
      directory: join(directory, 's3'),
      configureBuckets: [{ name: BUCKET }],
    });
    const { port } = await server.run();
    s3 = new S3Client({
      endpoint: `http://127.0.0.1:${port}`,
      forcePathStyle: true,
      region: 'eu-west-1',
      credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    });
    await s3.send(
      new PutObjectCommand({
        Bucket: BUCKET,
        Key: 'parcel_registered/1/deploy.json',
        Body: JSON.stringify({ environment: 'dev', name: 'from-s3' }),
      }),
    );
  });

  afterAll(async () => {
    s3.destroy();
    await server.close();
    rmSync(directory, { recursive: true, force: true });
  });

  it('renders the manifest of a file path with the definition stack', async () => {
    const { stack } = await buildGeneratorApp(definition, {
      context: { manifest: join(directory, 'valid.json') },
    });

    expect(stack).toBeInstanceOf(TestStack);
    expect(stack.manifest).toEqual({ environment: 'dev', name: 'from-file' });
  });

  it('reads an s3:// manifest with the client it is given', async () => {
    const { stack } = await buildGeneratorApp(definition, {
      context: { manifest: `s3://${BUCKET}/parcel_registered/1/deploy.json`, environment: 'dev' },
      s3,
    });

    expect(stack.manifest).toEqual({ environment: 'dev', name: 'from-s3' });
  });

  it('stamps the manifest key and the version it was given into the stack outputs', async () => {
    const { stack } = await buildGeneratorApp(definition, {
      context: {
        manifest: `s3://${BUCKET}/parcel_registered/1/deploy.json`,
        manifestVersion: 'a1b2c3d4e5f6a1b2c3d4e5f6a1b2c3d4',
      },
      s3,
    });
    const template = Template.fromStack(stack);

    template.hasOutput('BridgeportManifestKey', { Value: 'test/1/from-s3/deploy.json' });
    template.hasOutput('BridgeportManifestVersionId', { Value: 'a1b2c3d4e5f6a1b2c3d4e5f6a1b2c3d4' });
  });

  it('marks a stack made from a file as unversioned', async () => {
    const { stack } = await buildGeneratorApp(definition, {
      context: { manifest: join(directory, 'valid.json') },
    });

    Template.fromStack(stack).hasOutput('BridgeportManifestVersionId', { Value: 'unversioned' });
  });

  it('names an s3:// manifest that does not exist', async () => {
    const source = `s3://${BUCKET}/missing/1/deploy.json`;

    await expect(buildGeneratorApp(definition, { context: { manifest: source }, s3 })).rejects.toThrow(
      new RegExp(`^Cannot read manifest ${source}: `),
    );
  });

  it('throws every problem of an invalid manifest under the name of its file', async () => {
    const source = join(directory, 'invalid.json');

    const error = await buildGeneratorApp(definition, { context: { manifest: source } }).catch(
      (caught: unknown) => caught,
    );

    expect(error).toBeInstanceOf(InvalidManifestError);
    expect(describeManifestError(error as InvalidManifestError)).toBe(
      `Invalid manifest ${source}:\n  $.name: is required`,
    );
  });

  it('refuses a context value that is not a string', async () => {
    await expect(buildGeneratorApp(definition, { context: { manifest: 42 } })).rejects.toThrow(
      new GeneratorInputError('Context manifest must be a string'),
    );
  });

  it('fails synthesis on a finding nobody acknowledged', async () => {
    const { app, stack } = await buildGeneratorApp(definition, {
      context: { manifest: join(directory, 'valid.json') },
    });
    new Bucket(stack, 'Unsafe');

    expect(() => app.synth()).toThrow(/AwsSolutions-S1/);
  });

  it('binds parse, build and run to one definition', async () => {
    const app = defineGeneratorApp(definition);

    expect(app.parseManifestOrThrow('{"environment":"qa","name":"bound"}', 'inline')).toEqual({
      environment: 'qa',
      name: 'bound',
    });
    expect(() => app.parseManifestOrThrow('{"name":"bound"}', 'inline')).toThrow(
      'Invalid manifest inline: $.environment is required',
    );
    await expect(app.build({ context: {} })).rejects.toThrow(
      'Missing manifest: pass -c manifest=<path or s3://bucket/key>',
    );
  });
});
