import { App, type CfnElement, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { EventBus } from 'aws-cdk-lib/aws-events';
import { AwsSolutionsChecks } from 'cdk-nag';
import { HttpConsumer } from '../../src/constructs/http-consumer';
import { LambdaConsumer } from '../../src/constructs/lambda-consumer';
import { SqsConsumer } from '../../src/constructs/sqs-consumer';

function scope() {
  const stack = new Stack(new App({ context: { 'aws:cdk:bundling-stacks': [] } }), 'Consumer', {
    env: { account: '123456789012', region: 'eu-west-1' },
  });
  const base = {
    eventBus: EventBus.fromEventBusName(stack, 'Bus', 'dev.custom.events.bus'),
    ruleName: 'dev-parcel_registered-v1-abcdefabcdef',
    eventPattern: { source: ['parcels'], 'detail-type': ['parcel_registered.1'] },
  };
  return { stack, base };
}

describe('consumer constructs', () => {
  it('default to EventBridge retry policy of 24 hours and 185 attempts', () => {
    const { stack, base } = scope();
    new LambdaConsumer(stack, 'Lambda', {
      ...base,
      functionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:billing:live',
    });

    Template.fromStack(stack).hasResourceProperties('AWS::Events::Rule', {
      Targets: [
        Match.objectLike({
          Id: 'Target0',
          RetryPolicy: { MaximumEventAgeInSeconds: 86400, MaximumRetryAttempts: 185 },
        }),
      ],
    });
  });

  it('name the prop when the retry policy is out of range', () => {
    const { stack, base } = scope();
    const functionArn = 'arn:aws:lambda:eu-west-1:123456789012:function:billing';

    expect(() => new LambdaConsumer(stack, 'A', { ...base, functionArn, retryAttempts: 186 })).toThrow(
      'LambdaConsumer: retryAttempts must be an integer from 0 to 185, got 186',
    );
    expect(
      () => new LambdaConsumer(stack, 'B', { ...base, functionArn, maxEventAge: Duration.seconds(30) }),
    ).toThrow('LambdaConsumer: maxEventAge must be an integer from 60 to 86400, got 30');
  });

  it('name the prop when an ARN is malformed', () => {
    const { stack, base } = scope();

    expect(() => new LambdaConsumer(stack, 'A', { ...base, functionArn: 'billing' })).toThrow(
      'LambdaConsumer: functionArn must be a Lambda function ARN, got "billing"',
    );
    expect(() => new SqsConsumer(stack, 'B', { ...base, queueArn: 'arn:aws:sqs:eu-west-1:123:q' })).toThrow(
      'SqsConsumer: queueArn must be an SQS queue ARN, got "arn:aws:sqs:eu-west-1:123:q"',
    );
  });

  it('reach a queue in another account through an execution role, leaving its policy to its owner', () => {
    const { stack, base } = scope();
    const queueArn = 'arn:aws:sqs:eu-west-1:210987654321:partner-queue';
    const consumer = new SqsConsumer(stack, 'Sqs', { ...base, queueArn, retryAttempts: 3 });

    const template = Template.fromStack(stack);
    expect(consumer.queuePolicyStatement).toBeUndefined();
    template.resourceCountIs('Custom::BridgeportQueuePolicyStatement', 0);
    template.resourceCountIs('AWS::Lambda::Function', 0);
    const role = stack.getLogicalId(consumer.targetRole?.node.defaultChild as CfnElement);
    template.hasResourceProperties('AWS::Events::Rule', {
      Targets: [
        Match.objectLike({
          Arn: queueArn,
          RoleArn: { 'Fn::GetAtt': [role, 'Arn'] },
          RetryPolicy: { MaximumEventAgeInSeconds: 86400, MaximumRetryAttempts: 3 },
          DeadLetterConfig: { Arn: Match.anyValue() },
        }),
      ],
    });
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: role }],
      PolicyDocument: { Statement: [{ Effect: 'Allow', Action: 'sqs:SendMessage', Resource: queueArn }] },
    });
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Principal: { Service: 'events.amazonaws.com' }, Action: 'sqs:SendMessage' }),
        ]),
      },
    });
    expect(new AwsSolutionsChecks().validateScope(stack).violations).toEqual([]);
  });

  it('add a statement naming the execution role to a queue in another account when told to', () => {
    const { stack, base } = scope();
    const queueArn = 'arn:aws:sqs:eu-west-1:210987654321:partner-queue';
    const consumer = new SqsConsumer(stack, 'Sqs', { ...base, queueArn, manageQueuePolicy: true });

    const template = Template.fromStack(stack);
    const role = stack.getLogicalId(consumer.targetRole?.node.defaultChild as CfnElement);
    const [properties] = Object.values(template.findResources('Custom::BridgeportQueuePolicyStatement')).map(
      (resource) => resource.Properties,
    );
    expect(properties.Sid).toBe('Bridgeportdevparcelregisteredv1abcdefabcdef');
    expect(JSON.stringify(properties.Statement)).toContain(
      `{\\"AWS\\":\\"",{"Fn::GetAtt":["${role}","Arn"]}`,
    );
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: [
          {
            Effect: 'Allow',
            Action: ['sqs:GetQueueAttributes', 'sqs:SetQueueAttributes'],
            Resource: queueArn,
          },
        ],
      },
    });
    expect(new AwsSolutionsChecks().validateScope(stack).violations).toEqual([]);
  });

  it('keep one statement per subscription when several subscribe one queue, never a whole queue policy', () => {
    const { stack, base } = scope();
    const queueArn = 'arn:aws:sqs:eu-west-1:123456789012:shared-queue';
    new SqsConsumer(stack, 'First', { ...base, queueArn });
    new SqsConsumer(stack, 'Second', {
      ...base,
      ruleName: 'dev-parcel_registered-v1-bbbbbbbbbbbb',
      queueArn,
    });

    const template = Template.fromStack(stack);
    const sids = Object.values(template.findResources('Custom::BridgeportQueuePolicyStatement')).map(
      (resource) => resource.Properties.Sid,
    );
    expect(sids).toEqual([
      'Bridgeportdevparcelregisteredv1abcdefabcdef',
      'Bridgeportdevparcelregisteredv1bbbbbbbbbbbb',
    ]);
    const queuePolicyTargets = Object.values(template.findResources('AWS::SQS::QueuePolicy')).flatMap(
      (policy) => policy.Properties.Queues,
    );
    expect(JSON.stringify(queuePolicyTargets)).not.toContain('shared-queue');
    expect(new AwsSolutionsChecks().validateScope(stack).violations).toEqual([]);
  });

  it('name the prop when the statement id is not letters and digits', () => {
    const { stack, base } = scope();

    expect(
      () =>
        new SqsConsumer(stack, 'Sqs', {
          ...base,
          queueArn: 'arn:aws:sqs:eu-west-1:123456789012:q',
          statementId: 'bridge-port',
        }),
    ).toThrow('SqsConsumer: statementId must be 1 to 100 letters and digits, got "bridge-port"');
  });

  it('invoke a function in another account through an execution role, without a permission', () => {
    const { stack, base } = scope();
    const functionArn = 'arn:aws:lambda:eu-west-1:210987654321:function:partner';
    new LambdaConsumer(stack, 'Lambda', { ...base, functionArn });

    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::Lambda::Permission', 0);
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: [{ Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: functionArn }],
      },
    });
    template.hasResourceProperties('AWS::Events::Rule', {
      Targets: [Match.objectLike({ Arn: functionArn, RoleArn: Match.anyValue() })],
    });
  });

  it('send the subscription id in a header when an HTTPS consumer has no secret', () => {
    const { stack, base } = scope();
    new HttpConsumer(stack, 'Http', {
      ...base,
      endpoint: 'https://hooks.example.com/parcels',
      subscriptionId: 'abcdefabcdef',
    });

    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::Events::Connection', {
      AuthorizationType: 'API_KEY',
      AuthParameters: {
        ApiKeyAuthParameters: { ApiKeyName: 'x-bridgeport-subscription', ApiKeyValue: 'abcdefabcdef' },
      },
    });
    template.hasResourceProperties('AWS::Events::ApiDestination', { InvocationRateLimitPerSecond: 10 });
  });

  it('name the prop when an HTTPS endpoint or rate limit is invalid', () => {
    const { stack, base } = scope();
    const props = { ...base, subscriptionId: 'abcdefabcdef' };

    expect(() => new HttpConsumer(stack, 'A', { ...props, endpoint: 'http://hooks.example.com' })).toThrow(
      'HttpConsumer: endpoint must be an https:// URL without credentials, got "http://hooks.example.com"',
    );
    expect(
      () =>
        new HttpConsumer(stack, 'B', {
          ...props,
          endpoint: 'https://hooks.example.com',
          rateLimitPerSecond: 0,
        }),
    ).toThrow('HttpConsumer: rateLimitPerSecond must be an integer from 1 to 300, got 0');
  });
});
