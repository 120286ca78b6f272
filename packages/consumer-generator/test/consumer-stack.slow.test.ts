import { readFileSync } from 'node:fs';
import {
  type ArnConsumerTarget,
  type ConsumerPlan,
  ConsumerType,
  consumerPlan,
  type HttpsConsumerTarget,
} from '@bridgeport/core';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { parseConsumerManifestOrThrow } from '../src/app';
import type { ConsumerStack } from '../src/consumer-stack';
import { consumerApp, example } from './helpers';

/** The target of a Lambda or SQS consumer's plan. */
function arnTarget(plan: ConsumerPlan): ArnConsumerTarget {
  if (plan.target.type === ConsumerType.HTTPS) throw new Error(`${plan.stackName} targets an HTTPS endpoint`);
  return plan.target;
}

/** The target of an HTTPS consumer's plan. */
function httpsTarget(plan: ConsumerPlan): HttpsConsumerTarget {
  if (plan.target.type !== ConsumerType.HTTPS) throw new Error(`${plan.stackName} targets an ARN`);
  return plan.target;
}

function planOf(name: string): ConsumerPlan {
  return consumerPlan(parseConsumerManifestOrThrow(readFileSync(example(name), 'utf8'), name));
}

interface Synthesized {
  readonly plan: ConsumerPlan;
  readonly stack: ConsumerStack;
  readonly template: Template;
}

async function synthesize(name: string): Promise<Synthesized> {
  const { stack } = await consumerApp(example(name));
  return { plan: planOf(name), stack, template: Template.fromStack(stack) };
}

function ruleOf(template: Template, name: string): Record<string, unknown> {
  const rules = Object.values(template.findResources('AWS::Events::Rule', { Properties: { Name: name } }));
  expect(rules).toHaveLength(1);
  return (rules[0] as { Properties: Record<string, unknown> }).Properties;
}

/** The text of an `Fn::Join` whose only token is the partition, rendered for the `aws` partition. */
function withPartition(value: unknown): string {
  const parts = (value as { 'Fn::Join': [string, unknown[]] })['Fn::Join'][1];
  return parts
    .map((part) => {
      if (typeof part === 'string') return part;
      if (JSON.stringify(part) === '{"Ref":"AWS::Partition"}') return 'aws';
      throw new Error(`Unexpected token ${JSON.stringify(part)}`);
    })
    .join('');
}

function dlqLogicalId(template: Template, plan: ConsumerPlan): string {
  const [id] = Object.keys(
    template.findResources('AWS::SQS::Queue', { Properties: { QueueName: plan.deadLetterQueue.name } }),
  );
  if (id === undefined) throw new Error('no dead-letter queue');
  return id;
}

/** Assertions every consumer type shares. */
function describeSharedBehaviour(name: string, load: () => Synthesized): void {
  it(`is named by core (${name})`, () => {
    const { plan, stack } = load();
    expect(stack.stackName).toBe(plan.stackName);
    expect(stack.account).toBe('123456789012');
    expect(stack.region).toBe('eu-west-1');
  });

  it('puts one rule on the broker bus whose pattern deep-equals the plan pattern', () => {
    const { plan, template } = load();
    const rule = ruleOf(template, plan.ruleName);
    expect(rule.EventBusName).toBe(plan.busName);
    expect(rule.EventPattern).toEqual(plan.eventPattern);
    expect(Object.keys(template.findResources('AWS::Events::Rule'))).toHaveLength(2);
  });

  it('adds a redrive rule: redrive requests for this subscription only, to the same target with the original event', () => {
    const { plan, template } = load();
    const rule = ruleOf(template, plan.redrive.ruleName);
    const [main] = ruleOf(template, plan.ruleName).Targets as Record<string, unknown>[];
    const [redrive] = rule.Targets as Record<string, unknown>[];

    expect(rule.EventBusName).toBe(plan.busName);
    expect(rule.EventPattern).toEqual({
      source: ['bridgeport.redrive'],
      'detail-type': ['Bridgeport Redrive'],
      detail: { subscription_id: [plan.subscriptionId] },
    });
    expect(rule.Targets).toHaveLength(1);
    expect(redrive).toEqual({ ...main, InputPath: '$.detail.event' });
  });

  it("gives the target the plan's retry policy and a dedicated dead-letter queue", () => {
    const { plan, template } = load();
    const dlq = dlqLogicalId(template, plan);
    template.hasResourceProperties('AWS::Events::Rule', {
      Targets: [
        Match.objectLike({
          Id: plan.target.id,
          RetryPolicy: {
            MaximumEventAgeInSeconds: plan.retryPolicy.maximumEventAgeInSeconds,
            MaximumRetryAttempts: plan.retryPolicy.maximumRetryAttempts,
          },
          DeadLetterConfig: { Arn: { 'Fn::GetAtt': [dlq, 'Arn'] } },
        }),
      ],
    });
  });

  it('encrypts the dead-letter queue and lets only this rule write to it', () => {
    const { plan, template } = load();
    const dlq = dlqLogicalId(template, plan);
    template.hasResourceProperties('AWS::SQS::Queue', {
      QueueName: plan.deadLetterQueue.name,
      SqsManagedSseEnabled: true,
    });
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      Queues: [{ Ref: dlq }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: 'sqs:SendMessage',
            Principal: { Service: 'events.amazonaws.com' },
            Condition: { ArnEquals: { 'aws:SourceArn': { 'Fn::GetAtt': [Match.anyValue(), 'Arn'] } } },
          }),
        ]),
      },
    });
  });

  it('raises an alarm as soon as the dead-letter queue holds a message', () => {
    const { plan, template } = load();
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: plan.alarmName,
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Namespace: 'AWS/SQS',
      Dimensions: [
        { Name: 'QueueName', Value: { 'Fn::GetAtt': [dlqLogicalId(template, plan), 'QueueName'] } },
      ],
      ComparisonOperator: 'GreaterThanThreshold',
      Threshold: 0,
      EvaluationPeriods: 1,
    });
  });

  it('passes the AWS Solutions checks', () => {
    expect(new AwsSolutionsChecks().validateScope(load().stack).violations).toEqual([]);
  });
}

describe('Lambda consumer stack', () => {
  let synthesized: Synthesized;
  beforeAll(async () => {
    synthesized = await synthesize('lambda-consumer');
  });
  describeSharedBehaviour('lambda', () => synthesized);

  it('targets the function by ARN and lets this rule invoke it', () => {
    const { plan, template } = synthesized;
    template.hasResourceProperties('AWS::Events::Rule', {
      Targets: [Match.objectLike({ Arn: arnTarget(plan).arn })],
    });
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      FunctionName: arnTarget(plan).arn,
      Principal: 'events.amazonaws.com',
      SourceArn: { 'Fn::GetAtt': [Match.anyValue(), 'Arn'] },
    });
  });
});

describe('SQS consumer stack', () => {
  let synthesized: Synthesized;
  beforeAll(async () => {
    synthesized = await synthesize('sqs-consumer');
  });
  describeSharedBehaviour('sqs', () => synthesized);

  it('matches the target unit in the event attributes', () => {
    expect(synthesized.plan.eventPattern).toEqual({
      source: ['parcels'],
      'detail-type': ['parcel_registered.1'],
      detail: { metadata: { event_attributes: { target: ['warehouse-north'] } } },
    });
  });

  it('targets the queue by ARN and adds one statement for this rule to the queue policy', () => {
    const { plan, template } = synthesized;
    template.hasResourceProperties('AWS::Events::Rule', {
      Targets: [Match.objectLike({ Arn: arnTarget(plan).arn })],
    });
    // Only the dead-letter queue gets a whole queue policy; the consumer's queue keeps its own.
    const policies = Object.values(template.findResources('AWS::SQS::QueuePolicy'));
    expect(policies).toHaveLength(1);
    expect(policies[0]?.Properties.Queues).toEqual([{ Ref: dlqLogicalId(template, plan) }]);

    const statements = template.findResources('Custom::BridgeportQueuePolicyStatement');
    expect(Object.keys(statements)).toHaveLength(1);
    // A crashed handler fails the resource after 5 minutes, not CloudFormation's hour.
    template.hasResourceProperties('Custom::BridgeportQueuePolicyStatement', { ServiceTimeout: '300' });
    const [properties] = Object.values(statements).map((resource) => resource.Properties);
    expect(properties.QueueUrl).toEqual({
      'Fn::Join': [
        '',
        ['https://sqs.eu-west-1.', { Ref: 'AWS::URLSuffix' }, '/123456789012/warehouse-north-parcels'],
      ],
    });
    expect(properties.Sid).toBe('Bridgeportdevparcelregisteredv1p8r2t6w4y0cd');
    expect(plan.ruleName).toBe('dev-parcel_registered-v1-p8r2t6w4y0cd');
    expect(JSON.parse(withPartition(properties.Statement))).toEqual({
      Effect: 'Allow',
      Principal: { Service: 'events.amazonaws.com' },
      Action: 'sqs:SendMessage',
      Resource: arnTarget(plan).arn,
      Condition: {
        ArnEquals: {
          'aws:SourceArn': `arn:aws:events:eu-west-1:123456789012:rule/dev.custom.events.bus/${plan.ruleName}`,
        },
      },
    });
  });

  it('creates the rule after the statement and deletes it before', () => {
    const { template } = synthesized;
    const [statementId] = Object.keys(template.findResources('Custom::BridgeportQueuePolicyStatement'));
    const [rule] = Object.values(template.findResources('AWS::Events::Rule'));
    expect(rule?.DependsOn).toEqual(expect.arrayContaining([statementId]));
  });

  it('lets the statement function only read and write the attributes of that queue', () => {
    const { plan, template } = synthesized;
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: [
          {
            Effect: 'Allow',
            Action: ['sqs:GetQueueAttributes', 'sqs:SetQueueAttributes'],
            Resource: arnTarget(plan).arn,
          },
        ],
      },
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
    });
  });
});

describe('HTTPS consumer stack', () => {
  let synthesized: Synthesized;
  beforeAll(async () => {
    synthesized = await synthesize('http-consumer');
  });
  describeSharedBehaviour('https', () => synthesized);

  it('merges the target unit and the data filter under one detail', () => {
    expect(synthesized.plan.eventPattern).toEqual({
      source: ['parcels'],
      'detail-type': ['parcel_registered.1'],
      detail: {
        metadata: { event_attributes: { target: ['customs'] } },
        data: { destination: ['international'], weight_grams: [{ numeric: ['>', 30000] }] },
      },
    });
  });

  it('takes the credentials from the Secrets Manager secret, never inline', () => {
    const { plan, template } = synthesized;
    const secret = httpsTarget(plan).secretName;
    template.hasResourceProperties('AWS::Events::Connection', {
      Name: httpsTarget(plan).connectionName,
      AuthorizationType: 'API_KEY',
      AuthParameters: {
        ApiKeyAuthParameters: {
          ApiKeyName: `{{resolve:secretsmanager:${secret}:SecretString:api_key_name::}}`,
          ApiKeyValue: `{{resolve:secretsmanager:${secret}:SecretString:api_key_value::}}`,
        },
      },
    });
  });

  it('posts to the endpoint through an API destination with the plan rate limit', () => {
    const { plan, template } = synthesized;
    template.hasResourceProperties('AWS::Events::ApiDestination', {
      Name: httpsTarget(plan).apiDestinationName,
      InvocationEndpoint: httpsTarget(plan).endpoint,
      HttpMethod: 'POST',
      InvocationRateLimitPerSecond: httpsTarget(plan).rateLimitPerSecond,
    });
    expect(httpsTarget(plan).rateLimitPerSecond).toBe(5);
    template.hasResourceProperties('AWS::Events::Rule', {
      Targets: [
        Match.objectLike({
          Arn: { 'Fn::GetAtt': [Match.anyValue(), 'Arn'] },
          RoleArn: { 'Fn::GetAtt': [Match.anyValue(), 'Arn'] },
        }),
      ],
    });
  });
});
