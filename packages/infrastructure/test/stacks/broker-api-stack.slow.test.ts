import { BucketKind, bucketName, ssmParameterNames } from '@bridgeport/core';
import { App, Duration } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { buildInfrastructureApp } from '../../src/app';
import { BrokerApiStack } from '../../src/stacks/broker-api-stack';
import {
  actionsOf,
  infrastructure,
  NO_BUNDLING,
  onlyResource,
  roleIdOf,
  statementsOfRole,
  TARGET,
  templateOf,
} from '../helpers';

describe('BrokerApiStack', () => {
  const names = ssmParameterNames('dev');
  let template: Template;
  let api: string;
  let injector: string;

  beforeAll(() => {
    template = templateOf(infrastructure().brokerApi);
    api = onlyResource(template, 'AWS::ApiGateway::RestApi');
    injector = onlyResource(template, 'AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ PUBLISHER_COMPONENTS_BUCKET: Match.anyValue() }) },
    });
  });

  it("sets the region's API Gateway account role unless told another environment has it", () => {
    const existing = buildInfrastructureApp({
      context: { ...NO_BUNDLING, ...TARGET, apiGatewayAccount: 'existing' },
      env: {},
    }).stacks.brokerApi;

    template.resourceCountIs('AWS::ApiGateway::Account', 1);
    templateOf(existing).resourceCountIs('AWS::ApiGateway::Account', 0);
    expect(() =>
      buildInfrastructureApp({ context: { ...NO_BUNDLING, ...TARGET, apiGatewayAccount: 'maybe' }, env: {} }),
    ).toThrow('Context apiGatewayAccount must be create or existing, got maybe');
  });

  it('creates the REST API {env}-event-broker-api, regional, with a stage named after the environment', () => {
    template.hasResourceProperties('AWS::ApiGateway::RestApi', {
      Name: 'dev-event-broker-api',
      EndpointConfiguration: { Types: ['REGIONAL'] },
    });
    template.hasResourceProperties('AWS::ApiGateway::Stage', {
      RestApiId: { Ref: api },
      StageName: 'dev',
      TracingEnabled: true,
      AccessLogSetting: Match.objectLike({ DestinationArn: Match.anyValue() }),
      MethodSettings: [
        Match.objectLike({ LoggingLevel: 'ERROR', DataTraceEnabled: false, ThrottlingRateLimit: 500 }),
      ],
    });
  });

  it('publishes the API id, root resource id and stage name under the SSM parameters producer stacks import', () => {
    template.hasResourceProperties('AWS::SSM::Parameter', {
      Name: names.brokerRestApiId,
      Value: { Ref: api },
    });
    template.hasResourceProperties('AWS::SSM::Parameter', {
      Name: names.brokerRestApiRootResourceId,
      Value: { 'Fn::GetAtt': [api, 'RootResourceId'] },
    });
    template.hasResourceProperties('AWS::SSM::Parameter', {
      Name: names.brokerApiStageName,
      Value: { Ref: Match.stringLikeRegexp('DeploymentStage') },
    });
  });

  it('publishes the injector ARN under the SSM parameter producer stacks integrate with', () => {
    template.hasResourceProperties('AWS::SSM::Parameter', {
      Name: names.injectorFunctionArn,
      Value: { 'Fn::GetAtt': [injector, 'Arn'] },
    });
  });

  it('lets API Gateway invoke the injector for every POST route of this API with one permission', () => {
    const permissions = template.findResources('AWS::Lambda::Permission', {
      Properties: { FunctionName: { 'Fn::GetAtt': [injector, 'Arn'] } },
    });
    expect(Object.values(permissions)).toHaveLength(1);
    const [permission] = Object.values(permissions);
    expect(permission?.Properties).toMatchObject({
      Action: 'lambda:InvokeFunction',
      Principal: 'apigateway.amazonaws.com',
      SourceAccount: TARGET.account,
    });
    const sourceArn = JSON.stringify(permission?.Properties.SourceArn);
    expect(sourceArn).toContain(`{"Ref":"${api}"}`);
    expect(sourceArn).toContain('/*/POST/*/*');
  });

  it('runs the injector on nodejs22.x, reading manifests from the publisher bucket', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs22.x',
      Handler: 'index.handler',
      Environment: {
        Variables: {
          BRIDGEPORT_ENVIRONMENT: 'dev',
          PUBLISHER_COMPONENTS_BUCKET: bucketName(BucketKind.PUBLISHER, TARGET),
          MAX_EVENT_SIZE_BYTES: '262144',
          PRODUCER_CACHE_TTL_SECONDS: '60',
          NODE_OPTIONS: '--enable-source-maps',
        },
      },
    });
  });

  it('keeps producer manifests in a warm injector for the time it is given', () => {
    const stack = new BrokerApiStack(new App({ context: NO_BUNDLING }), {
      target: TARGET,
      producerCacheTtl: Duration.minutes(5),
    });

    Template.fromStack(stack).hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ PRODUCER_CACHE_TTL_SECONDS: '300' }) },
    });
  });

  it('lets the injector read manifests, tell missing ones, and put events on the bus, and nothing else', () => {
    const role = roleIdOf(template, injector, 'Role');
    const statements = statementsOfRole(template, role);
    expect(statements.map(actionsOf)).toEqual([['s3:GetObject'], ['events:PutEvents'], ['s3:ListBucket']]);
    expect(statements[2]?.Resource).toEqual({
      'Fn::Join': [
        '',
        ['arn:', { Ref: 'AWS::Partition' }, `:s3:::${bucketName(BucketKind.PUBLISHER, TARGET)}`],
      ],
    });
    expect(statements[0]?.Resource).toEqual({
      'Fn::Join': [
        '',
        ['arn:', { Ref: 'AWS::Partition' }, `:s3:::${bucketName(BucketKind.PUBLISHER, TARGET)}/*`],
      ],
    });
    expect(statements[1]?.Resource).toEqual({
      'Fn::Join': [
        '',
        ['arn:', { Ref: 'AWS::Partition' }, ':events:eu-west-1:123456789012:event-bus/dev.custom.events.bus'],
      ],
    });
  });

  it('answers health checks on GET / (the stage needs a method to be deployed) behind IAM authorization', () => {
    template.hasResourceProperties('AWS::ApiGateway::Method', {
      HttpMethod: 'GET',
      RestApiId: { Ref: api },
      AuthorizationType: 'AWS_IAM',
      Integration: Match.objectLike({ Type: 'MOCK' }),
      RequestValidatorId: { Ref: Match.anyValue() },
    });
  });
});
