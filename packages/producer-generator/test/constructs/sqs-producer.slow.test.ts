import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { SqsProducer, type SqsProducerProps } from '../../src/constructs/sqs-producer';
import { NO_BUNDLING } from '../helpers';

const props: SqsProducerProps = {
  ingressQueueName: 'dev-stock_adjusted-v1-ingress',
  deadLetterQueueName: 'dev-stock_adjusted-v1-ingress-dlq',
  allowedPrincipals: ['123456789012'],
  eventBusArn: 'arn:aws:events:eu-west-1:123456789012:event-bus/dev.custom.events.bus',
  publisherBucketName: 'dev-publisher-components-bucket-123456789012-eu-west-1',
  manifestKey: 'stock_adjusted/1/deploy.json',
  eventType: 'stock_adjusted',
  version: 1,
};

function stackWithoutBundling(): Stack {
  return new Stack(new App({ context: NO_BUNDLING }), 'Producer', {
    env: { account: '123456789012', region: 'eu-west-1' },
  });
}

describe('SqsProducer', () => {
  it('names the prop when a principal is neither an account nor an IAM ARN', () => {
    expect(
      () => new SqsProducer(stackWithoutBundling(), 'Sqs', { ...props, allowedPrincipals: ['*'] }),
    ).toThrow(
      'SqsProducer: allowedPrincipals contains "*", which is neither an account id nor an IAM user or role ARN',
    );
    expect(() => new SqsProducer(stackWithoutBundling(), 'Sqs', { ...props, allowedPrincipals: [] })).toThrow(
      'SqsProducer: allowedPrincipals must name at least one principal',
    );
  });

  it('names the prop when the receive count is out of range', () => {
    expect(() => new SqsProducer(stackWithoutBundling(), 'Sqs', { ...props, maxReceiveCount: 0 })).toThrow(
      'SqsProducer: maxReceiveCount must be an integer from 1 to 1000, got 0',
    );
  });

  it('bundles the broker forwarder with esbuild into the function asset', () => {
    const outdir = mkdtempSync(join(tmpdir(), 'sqs-producer-bundle-'));
    try {
      const app = new App({ outdir });
      const stack = new Stack(app, 'BundledProducer', {
        env: { account: '123456789012', region: 'eu-west-1' },
      });
      new SqsProducer(stack, 'Sqs', props);

      const assembly = app.synth();

      const template = Template.fromJSON(assembly.getStackByName('BundledProducer').template);
      const [fn] = Object.values(template.findResources('AWS::Lambda::Function'));
      const key = String(fn?.Properties.Code.S3Key).replace(/\.zip$/, '');
      const bundle = join(outdir, `asset.${key}`, 'index.js');
      expect(existsSync(bundle)).toBe(true);
      const code = readFileSync(bundle, 'utf8');
      expect(code).toContain('PRODUCER_DEAD_LETTER_QUEUE_URL');
      expect(code).toContain('batchItemFailures');
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  });
});
