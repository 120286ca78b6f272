import { readFileSync } from 'node:fs';
import { InvalidManifestError } from '@bridgeport/core';
import { describeManifestError } from '../src/app';
import { consumerApp, example, tempManifest } from './helpers';

const valid = JSON.parse(readFileSync(example('lambda-consumer'), 'utf8')) as Record<string, unknown>;

async function failureOf(content: unknown): Promise<{ error: unknown; path: string }> {
  const file = tempManifest(JSON.stringify(content));
  try {
    await consumerApp(file.path);
    return { error: undefined, path: file.path };
  } catch (error) {
    return { error, path: file.path };
  } finally {
    file.cleanup();
  }
}

describe('the consumer app input', () => {
  it('rejects a manifest of another format version, naming the file and the problem', async () => {
    const { error, path } = await failureOf({ ...valid, format: 0 });

    expect(error).toBeInstanceOf(InvalidManifestError);
    const text = describeManifestError(error as InvalidManifestError);
    expect(text.split('\n')[0]).toBe(`Invalid manifest ${path}:`);
    expect(text).toMatch(/^ {2}\$\.format: /m);
  });

  it('lists every missing field', async () => {
    const { subscription_id: _id, consumer: _consumer, ...incomplete } = valid;

    const { error } = await failureOf(incomplete);

    expect(error).toBeInstanceOf(InvalidManifestError);
    const paths = (error as InvalidManifestError).problems.map((problem) => problem.path);
    expect(paths).toEqual(expect.arrayContaining(['$.subscription_id', '$.consumer']));
  });

  it('rejects a connection string that is not a Lambda function ARN', async () => {
    const { error } = await failureOf({
      ...valid,
      consumer: { type: 'LAMBDA', connection_string: 'arn:aws:lambda:eu-west-1:1234:function:billing' },
    });

    expect(error).toBeInstanceOf(InvalidManifestError);
    expect((error as InvalidManifestError).problems).toEqual([
      { path: '$.consumer.connection_string', message: expect.stringMatching(/Lambda function ARN/) },
    ]);
  });

  it('refuses a manifest for another environment than the one asked for', async () => {
    await expect(consumerApp(example('lambda-consumer'), { environment: 'prod' })).rejects.toThrow(
      `Manifest ${example('lambda-consumer')} is for environment dev, not prod`,
    );
  });
});
