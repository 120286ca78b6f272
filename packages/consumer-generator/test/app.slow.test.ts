import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InvalidManifestError } from '@bridgeport/core';
import { GENERATED_RESOURCE_TYPES } from '@bridgeport/infrastructure/cdk-kit';
import { Template } from 'aws-cdk-lib/assertions';
import { describeManifestError, GeneratorContext, GeneratorInputError } from '../src/app';
import { consumerApp, EXAMPLES, example, NO_BUNDLING, tempManifest } from './helpers';

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

describe('what a subscriber may target, refused again at deploy time', () => {
  const http = JSON.parse(readFileSync(example('http-consumer'), 'utf8')) as {
    consumer: Record<string, unknown>;
  } & Record<string, unknown>;
  const withManifest = async (content: unknown, context: Record<string, unknown> = NO_BUNDLING) => {
    const file = tempManifest(JSON.stringify(content));
    try {
      return await consumerApp(file.path, context);
    } finally {
      file.cleanup();
    }
  };

  it("refuses a secret that is not the subscription's own", async () => {
    await expect(
      withManifest({ ...http, consumer: { ...http.consumer, secret_name: 'prod/database-password' } }),
    ).rejects.toThrow(
      /is refused: consumer\.secret_name must be this subscription's own secret, bridgeport\/dev\/consumers\/h5j7l9n1b3ef$/,
    );
    await expect(withManifest(http)).resolves.toBeDefined();
  });

  it('refuses a Lambda function or SQS queue of the account that the allow-list does not name', async () => {
    const allowList = (value: string) => ({
      ...NO_BUNDLING,
      [GeneratorContext.ALLOWED_CONSUMER_TARGETS]: value,
    });
    const sqs = example('sqs-consumer');

    // The pipeline passes an empty allow-list when none is configured: nothing of the account is allowed.
    await expect(consumerApp(sqs, allowList(''))).rejects.toThrow(
      /is refused: consumer\.connection_string is a SQS queue of this account \(123456789012\) that is not on the environment's allow-list/,
    );
    await expect(
      consumerApp(example('lambda-consumer'), allowList('arn:aws:sqs:eu-west-1:123456789012:*')),
    ).rejects.toThrow(/consumer\.connection_string is a Lambda function of this account/);
    const allowed = await consumerApp(sqs, allowList('arn:aws:sqs:eu-west-1:123456789012:warehouse-*'));
    expect(allowed.stack.stackName).toBe('dev-consumer-parcel-registered-v1-p8r2t6w4y0cd');
    await expect(consumerApp(sqs, allowList('not-an-arn'))).rejects.toThrow(GeneratorInputError);
  });
});

describe('the resource types of every example stack', () => {
  it.each(readdirSync(EXAMPLES).filter((name) => name.endsWith('.json')))(
    '%s holds only types the execution policy of the generators allows',
    async (name) => {
      const { stack } = await consumerApp(join(EXAMPLES, name));
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
