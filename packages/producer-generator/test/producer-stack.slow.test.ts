import { readFileSync } from 'node:fs';
import { producerPlan } from '@bridgeport/core';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { parseProducerManifestOrThrow } from '../src/app';
import type { ProducerStack } from '../src/producer-stack';
import { example, producerApp } from './helpers';

function manifestOf(name: string) {
  return parseProducerManifestOrThrow(readFileSync(example(name), 'utf8'), name);
}

function ssmParameter(template: Template, name: string): string {
  const parameters = template.findParameters('*', { Default: name });
  const [logicalId] = Object.keys(parameters);
  if (logicalId === undefined) throw new Error(`No parameter reads ${name}`);
  expect(parameters[logicalId]?.Type).toBe('AWS::SSM::Parameter::Value<String>');
  return logicalId;
}

describe('HTTP producer stack', () => {
  const manifest = manifestOf('http-producer');
  const plan = producerPlan(manifest);
  let stack: ProducerStack;
  let template: Template;

  beforeAll(async () => {
    ({ stack } = await producerApp(example('http-producer')));
    template = Template.fromStack(stack);
  });

  it('is named by core and deployed to the manifest account and region', () => {
    expect(stack.stackName).toBe('dev-producer-parcel-registered-v1');
    expect(stack.account).toBe('123456789012');
    expect(stack.region).toBe('eu-west-1');
  });

  it('adds /{event_type}/{version} to the broker API imported from SSM, sharing /{event_type} between versions', () => {
    const apiId = ssmParameter(template, plan.ssm.brokerRestApiId);
    const rootId = ssmParameter(template, plan.ssm.brokerRestApiRootResourceId);
    template.hasResourceProperties('Custom::BridgeportSharedApiResource', {
      ServiceToken: { 'Fn::GetAtt': [Match.stringLikeRegexp('SharedResourceFunction'), 'Arn'] },
      RestApiId: { Ref: apiId },
      ParentId: { Ref: rootId },
      PathPart: 'parcel_registered',
    });
    template.resourceCountIs('AWS::ApiGateway::Resource', 1);
    template.hasResourceProperties('AWS::ApiGateway::Resource', {
      RestApiId: { Ref: apiId },
      ParentId: { 'Fn::GetAtt': [Match.stringLikeRegexp('SharedResource0'), 'ResourceId'] },
      PathPart: '1',
    });
  });

  it('lets the shared path function only list the API resources, create below the root and redeploy the stage', () => {
    const apiId = ssmParameter(template, plan.ssm.brokerRestApiId);
    const rootId = ssmParameter(template, plan.ssm.brokerRestApiRootResourceId);
    const stage = ssmParameter(template, plan.ssm.brokerApiStageName);
    const resources = [
      'arn:',
      { Ref: 'AWS::Partition' },
      ':apigateway:eu-west-1::/restapis/',
      { Ref: apiId },
      '/resources',
    ];
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: [
          { Effect: 'Allow', Action: 'apigateway:GET', Resource: { 'Fn::Join': ['', resources] } },
          {
            Effect: 'Allow',
            Action: 'apigateway:POST',
            Resource: { 'Fn::Join': ['', [...resources.slice(0, -1), '/resources/', { Ref: rootId }]] },
          },
          {
            Effect: 'Allow',
            Action: 'apigateway:GET',
            Resource: { 'Fn::Join': ['', [...resources.slice(0, -1), '/stages/', { Ref: stage }]] },
          },
          {
            Effect: 'Allow',
            Action: 'apigateway:POST',
            Resource: { 'Fn::Join': ['', [...resources.slice(0, -1), '/deployments']] },
          },
        ],
      },
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs22.x',
      Handler: 'index.handler',
    });
  });

  it('validates the body against the draft-04 request model of the plan', () => {
    expect(plan.requestModel).toBeDefined();
    template.hasResourceProperties('AWS::ApiGateway::Model', {
      ContentType: 'application/json',
      Schema: plan.requestModel,
    });
    template.hasResourceProperties('AWS::ApiGateway::RequestValidator', { ValidateRequestBody: true });
    template.hasResourceProperties('AWS::ApiGateway::Method', {
      HttpMethod: 'POST',
      RequestValidatorId: { Ref: Match.anyValue() },
      RequestModels: { 'application/json': { Ref: Match.anyValue() } },
    });
  });

  it("requires the event type's API key on the route, in place of IAM signatures", () => {
    expect(plan.type === 'HTTPS' && plan.http.apiKeyRequired).toBe(true);
    template.resourceCountIs('AWS::ApiGateway::Method', 1);
    template.hasResourceProperties('AWS::ApiGateway::Method', {
      HttpMethod: 'POST',
      AuthorizationType: 'NONE',
      ApiKeyRequired: true,
    });
  });

  it('integrates with the injector imported from SSM and lets API Gateway invoke it', () => {
    const injector = ssmParameter(template, plan.ssm.injectorFunctionArn);
    template.hasResourceProperties('AWS::ApiGateway::Method', {
      Integration: {
        Type: 'AWS_PROXY',
        IntegrationHttpMethod: 'POST',
        Uri: {
          'Fn::Join': [
            '',
            [
              'arn:',
              { Ref: 'AWS::Partition' },
              ':apigateway:eu-west-1:lambda:path/2015-03-31/functions/',
              { Ref: injector },
              '/invocations',
            ],
          ],
        },
      },
    });
    // The broker API stack grants the invoke permission once for all producer routes.
    template.resourceCountIs('AWS::Lambda::Permission', 0);
  });

  it('deploys the stage so the route goes live', () => {
    const stage = ssmParameter(template, plan.ssm.brokerApiStageName);
    const deployments = template.findResources('AWS::ApiGateway::Deployment');
    expect(Object.keys(deployments)).toHaveLength(1);
    const [deployment] = Object.values(deployments);
    expect(deployment?.Properties.StageName).toEqual({ Ref: stage });
    expect(deployment?.DependsOn).toEqual(expect.arrayContaining([expect.stringMatching(/Post/)]));
    expect(deployment?.DeletionPolicy).toBe('Retain');
  });

  it('takes the route out of the live stage when the stack is deleted', () => {
    const apiId = ssmParameter(template, plan.ssm.brokerRestApiId);
    const stage = ssmParameter(template, plan.ssm.brokerApiStageName);
    const redeployments = template.findResources('Custom::BridgeportStageRedeployment');
    const [redeploymentId] = Object.keys(redeployments);
    expect(Object.keys(redeployments)).toHaveLength(1);
    expect(redeployments[redeploymentId as string]?.Properties).toMatchObject({
      RestApiId: { Ref: apiId },
      StageName: { Ref: stage },
      Route: 'POST /parcel_registered/1',
    });
    const [method] = Object.values(template.findResources('AWS::ApiGateway::Method'));
    const [resource] = Object.values(template.findResources('AWS::ApiGateway::Resource'));
    expect(method?.DependsOn).toEqual(expect.arrayContaining([redeploymentId]));
    expect(resource?.DependsOn).toEqual(expect.arrayContaining([redeploymentId]));
  });

  it('passes the AWS Solutions checks', () => {
    expect(new AwsSolutionsChecks().validateScope(stack).violations).toEqual([]);
  });
});

describe('HTTP producer stack whose schema draft-04 cannot express', () => {
  let template: Template;

  beforeAll(async () => {
    const { stack } = await producerApp(example('http-producer-without-model'));
    template = Template.fromStack(stack);
  });

  it('omits the request model and leaves validation to the injector', () => {
    expect(producerPlan(manifestOf('http-producer-without-model')).requestModel).toBeUndefined();
    template.resourceCountIs('AWS::ApiGateway::Model', 0);
    template.hasResourceProperties('AWS::ApiGateway::Method', {
      HttpMethod: 'POST',
      ApiKeyRequired: true,
      RequestModels: Match.absent(),
    });
    template.resourceCountIs('AWS::ApiGateway::Deployment', 1);
  });
});

describe('SQS producer stack', () => {
  const manifest = manifestOf('sqs-producer');
  const plan = producerPlan(manifest);
  let stack: ProducerStack;
  let template: Template;

  beforeAll(async () => {
    ({ stack } = await producerApp(example('sqs-producer')));
    template = Template.fromStack(stack);
  });

  it('creates the encrypted ingress queue with a redrive to its dead-letter queue after 3 receives', () => {
    if (plan.type !== 'SQS') throw new Error('the example is an SQS producer');
    const { sqs } = plan;
    template.hasResourceProperties('AWS::SQS::Queue', {
      QueueName: sqs.deadLetterQueueName,
      SqsManagedSseEnabled: true,
    });
    template.hasResourceProperties('AWS::SQS::Queue', {
      QueueName: sqs.ingressQueueName,
      SqsManagedSseEnabled: true,
      VisibilityTimeout: 180,
      RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [Match.anyValue(), 'Arn'] }, maxReceiveCount: 3 },
    });
  });

  it('lets the allowed principals send to the ingress queue', () => {
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Sid: 'AllowProducersToSend',
            Effect: 'Allow',
            Action: Match.arrayWith(['sqs:SendMessage']),
            Principal: {
              AWS: Match.arrayWith([
                { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::123456789012:root']] },
                'arn:aws:iam::210987654321:role/warehouse-sync',
              ]),
            },
          }),
        ]),
      },
    });
  });

  it('runs the forwarder on nodejs22.x with the configuration it reads', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs22.x',
      Handler: 'index.handler',
      Environment: {
        Variables: Match.objectLike({
          PUBLISHER_COMPONENTS_BUCKET: 'dev-publisher-components-bucket-123456789012-eu-west-1',
          PRODUCER_EVENT_TYPE: 'stock_adjusted',
          PRODUCER_EVENT_VERSION: '1',
          MAX_EVENT_SIZE_BYTES: '262144',
          PRODUCER_DEAD_LETTER_QUEUE_URL: { Ref: Match.anyValue() },
        }),
      },
    });
  });

  it('feeds the forwarder from the ingress queue with partial batch responses', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      BatchSize: 10,
    });
  });

  it('lets the forwarder put events on the bus imported from SSM and read its manifest', () => {
    const bus = ssmParameter(template, plan.ssm.eventBusArn);
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Action: 'events:PutEvents', Resource: { Ref: bus } }),
          Match.objectLike({
            Action: 's3:GetObject',
            Resource: {
              'Fn::Join': [
                '',
                [
                  'arn:',
                  { Ref: 'AWS::Partition' },
                  ':s3:::dev-publisher-components-bucket-123456789012-eu-west-1/stock_adjusted/1/deploy.json',
                ],
              ],
            },
          }),
        ]),
      },
    });
  });

  it('passes the AWS Solutions checks', () => {
    expect(new AwsSolutionsChecks().validateScope(stack).violations).toEqual([]);
  });
});
