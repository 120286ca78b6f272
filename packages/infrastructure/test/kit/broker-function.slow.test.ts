import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { App, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { AwsSolutionsChecks } from 'cdk-nag';
import {
  BrokerHandler,
  brokerHandlerEntry,
  createBrokerFunction,
  findWorkspaceLockFile,
} from '../../src/kit/broker-function';
import { NO_BUNDLING } from '../helpers';

function stackWithoutBundling(): Stack {
  return new Stack(new App({ context: NO_BUNDLING }), 'Functions');
}

describe('broker functions', () => {
  it.each(Object.values(BrokerHandler))(
    'resolves the %s handler to a source file of @bridgeport/broker',
    (name) => {
      const entry = brokerHandlerEntry(name);

      expect(entry).toMatch(/packages\/broker\/src\/.*\.ts$/);
      expect(existsSync(entry)).toBe(true);
    },
  );

  it('finds the workspace lock file above an entry, and names the file when there is none', () => {
    expect(findWorkspaceLockFile(brokerHandlerEntry(BrokerHandler.INJECTOR))).toBe(
      join(__dirname, '..', '..', '..', '..', 'pnpm-lock.yaml'),
    );
    expect(() => findWorkspaceLockFile('/handler.ts')).toThrow('No pnpm-lock.yaml above /handler.ts');
  });

  it('runs on nodejs22.x/arm64 with source maps, 256 MB and 30 s unless told otherwise', () => {
    const stack = stackWithoutBundling();

    createBrokerFunction(stack, 'Forwarder', {
      entry: brokerHandlerEntry(BrokerHandler.SQS_FORWARDER),
      description: 'Forwards',
      environment: { TABLE_NAME: 'table' },
    });

    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::Lambda::Function', {
      Description: 'Forwards',
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      MemorySize: 256,
      Timeout: 30,
      Environment: { Variables: { TABLE_NAME: 'table', NODE_OPTIONS: '--enable-source-maps' } },
    });
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });
    template.resourceCountIs('AWS::Lambda::EventInvokeConfig', 0);
    expect(stack.node.tryFindChild('ForwarderLogs')).toBeDefined();
  });

  it('takes the memory, timeout, retries and dead-letter queue it is given', () => {
    const stack = stackWithoutBundling();
    const deadLetterQueue = new Queue(stack, 'DeadLetters');

    createBrokerFunction(stack, 'Trigger', {
      entry: brokerHandlerEntry(BrokerHandler.DEPLOYMENT_TRIGGER),
      description: 'Triggers',
      memorySize: 512,
      timeout: Duration.seconds(10),
      retryAttempts: 2,
      deadLetterQueue,
    });

    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::Lambda::Function', {
      MemorySize: 512,
      Timeout: 10,
      DeadLetterConfig: { TargetArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^DeadLetters'), 'Arn'] } },
    });
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', { MaximumRetryAttempts: 2 });
  });

  it('acknowledges the runtime pin and the basic execution role to cdk-nag', () => {
    const stack = stackWithoutBundling();

    createBrokerFunction(stack, 'Injector', {
      entry: brokerHandlerEntry(BrokerHandler.INJECTOR),
      description: 'Injects',
    });

    expect(new AwsSolutionsChecks().validateScope(stack).violations).toEqual([]);
  });
});
