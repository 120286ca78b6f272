import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { InvalidManifestError } from '@bridgeport/core';
import { GENERATED_RESOURCE_TYPES } from '@bridgeport/infrastructure/cdk-kit';
import { Template } from 'aws-cdk-lib/assertions';
import { describeManifestError, GeneratorInputError } from '../src/app';
import { EXAMPLES, example, producerApp, tempManifest } from './helpers';

const valid = JSON.parse(readFileSync(example('sqs-producer'), 'utf8')) as Record<string, unknown>;

async function failureOf(content: unknown): Promise<{ error: unknown; path: string }> {
  const file = tempManifest(typeof content === 'string' ? content : JSON.stringify(content));
  try {
    await producerApp(file.path);
    return { error: undefined, path: file.path };
  } catch (error) {
    return { error, path: file.path };
  } finally {
    file.cleanup();
  }
}

describe('the producer app input', () => {
  it('rejects a manifest of another format version, naming the file and the problem', async () => {
    const { error, path } = await failureOf({ ...valid, format: 2 });

    expect(error).toBeInstanceOf(InvalidManifestError);
    const text = describeManifestError(error as InvalidManifestError);
    expect(text.split('\n')[0]).toBe(`Invalid manifest ${path}:`);
    expect(text).toMatch(/^ {2}\$\.format: /m);
  });

  it('lists every missing field', async () => {
    const { event_type: _eventType, schema: _schema, ...incomplete } = valid;

    const { error } = await failureOf(incomplete);

    expect(error).toBeInstanceOf(InvalidManifestError);
    const paths = (error as InvalidManifestError).problems.map((problem) => problem.path);
    expect(paths).toEqual(expect.arrayContaining(['$.event_type', '$.schema']));
  });

  it('rejects an allowed principal that is not an IAM ARN', async () => {
    const { error } = await failureOf({ ...valid, allowed_principals: ['arn:aws:iam::12345:role/sync'] });

    expect(error).toBeInstanceOf(InvalidManifestError);
    const paths = (error as InvalidManifestError).problems.map((problem) => problem.path);
    expect(paths).toEqual(['$.allowed_principals[0]']);
  });

  it('rejects a manifest that is not JSON', async () => {
    const { error } = await failureOf('{"format": 1,');

    expect(error).toBeInstanceOf(InvalidManifestError);
    expect((error as InvalidManifestError).problems[0]?.path).toBe('$');
  });

  it('refuses a manifest for another environment than the one asked for', async () => {
    await expect(producerApp(example('sqs-producer'), { environment: 'prod' })).rejects.toThrow(
      new GeneratorInputError(`Manifest ${example('sqs-producer')} is for environment dev, not prod`),
    );
  });

  it('asks for a manifest when none is given', async () => {
    const { buildProducerApp } = await import('../src/app');

    await expect(buildProducerApp({ context: {} })).rejects.toThrow(
      'Missing manifest: pass -c manifest=<path or s3://bucket/key>',
    );
  });

  it('names a manifest file that cannot be read', async () => {
    await expect(producerApp('/nonexistent/deploy.json')).rejects.toThrow(
      /^Cannot read manifest \/nonexistent\/deploy\.json: ENOENT/,
    );
  });

  it('exits 1 from the command line, printing every problem of an invalid manifest', async () => {
    const file = tempManifest(JSON.stringify({ ...valid, format: 2, region: 'nowhere' }));
    try {
      const run = promisify(execFile)(process.execPath, ['--import', 'tsx', join('bin', 'app.ts')], {
        cwd: join(__dirname, '..'),
        env: { ...process.env, CDK_CONTEXT_JSON: JSON.stringify({ manifest: file.path }) },
      });

      await expect(run).rejects.toMatchObject({
        code: 1,
        stderr: expect.stringContaining(`Invalid manifest ${file.path}:\n  $.`),
      });
    } finally {
      file.cleanup();
    }
  });
});

describe('the resource types of every example stack', () => {
  it.each(readdirSync(EXAMPLES).filter((name) => name.endsWith('.json')))(
    '%s holds only types the execution policy of the generators allows',
    async (name) => {
      const { stack } = await producerApp(join(EXAMPLES, name));
      const types = Object.values(
        Template.fromStack(stack).toJSON().Resources as Record<string, { Type: string }>,
      ).map((resource) => resource.Type);

      expect(types.length).toBeGreaterThan(0);
      expect(types.filter((type) => !(GENERATED_RESOURCE_TYPES as readonly string[]).includes(type))).toEqual(
        [],
      );
    },
  );
});
