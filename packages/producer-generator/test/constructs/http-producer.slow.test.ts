import { App, type CfnElement, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { HttpProducer, type HttpProducerProps } from '../../src/constructs/http-producer';
import { NO_BUNDLING } from '../helpers';

const props: HttpProducerProps = {
  restApiId: 'abc123',
  rootResourceId: 'root456',
  stageName: 'live',
  injectorFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:dev-injector',
  pathParts: ['parcel_registered', '1'],
  requestModel: { $schema: 'http://json-schema.org/draft-04/schema#', type: 'object' },
};

function deploymentIds(overrides: Partial<HttpProducerProps>): string[] {
  const stack = new Stack(new App({ context: NO_BUNDLING }), 'Producer', {
    env: { account: '123456789012', region: 'eu-west-1' },
  });
  new HttpProducer(stack, 'Route', { ...props, ...overrides });
  return Object.keys(Template.fromStack(stack).findResources('AWS::ApiGateway::Deployment'));
}

describe('HttpProducer', () => {
  it('keeps the deployment logical id while the route is unchanged', () => {
    expect(deploymentIds({})).toEqual(deploymentIds({}));
  });

  it('changes the deployment logical id when the request model changes, so the stage is redeployed', () => {
    const before = deploymentIds({});
    const after = deploymentIds({ requestModel: { ...props.requestModel, required: ['data'] } });

    expect(after).toHaveLength(1);
    expect(after).not.toEqual(before);
  });

  it('changes the deployment logical id when an API key becomes required, so the stage is redeployed', () => {
    expect(deploymentIds({ apiKeyRequired: true })).not.toEqual(deploymentIds({}));
  });

  it('requires no API key unless told to', () => {
    const stack = new Stack(new App({ context: NO_BUNDLING }), 'Producer', {
      env: { account: '123456789012', region: 'eu-west-1' },
    });
    new HttpProducer(stack, 'Route', props);
    Template.fromStack(stack).hasResourceProperties('AWS::ApiGateway::Method', {
      AuthorizationType: 'AWS_IAM',
      ApiKeyRequired: false,
    });
  });

  it('changes the deployment logical id when the path changes', () => {
    expect(deploymentIds({ pathParts: ['parcel_registered', '2'] })).not.toEqual(deploymentIds({}));
  });

  it('deploys the stage again on stack deletion, after the method and its resource are deleted', () => {
    const stack = new Stack(new App({ context: NO_BUNDLING }), 'Producer', {
      env: { account: '123456789012', region: 'eu-west-1' },
    });
    const route = new HttpProducer(stack, 'Route', props);
    const template = Template.fromStack(stack);
    const logicalId = (element: unknown) => stack.getLogicalId(element as CfnElement);
    const redeployment = logicalId(route.stageRedeployment.node.defaultChild);
    const fn = logicalId(route.sharedResourceFunction.node.defaultChild);

    template.hasResource('Custom::BridgeportStageRedeployment', {
      Properties: {
        ServiceToken: { 'Fn::GetAtt': [fn, 'Arn'] },
        RestApiId: 'abc123',
        StageName: 'live',
        Route: 'POST /parcel_registered/1',
      },
      DeletionPolicy: 'Delete',
    });
    // CloudFormation deletes a resource before the resources it depends on: the method and the route's
    // resource go first, then the redeployment runs.
    const dependsOn = (id: string) => template.toJSON().Resources[id].DependsOn as string[] | undefined;
    expect(dependsOn(logicalId(route.method))).toEqual(expect.arrayContaining([redeployment]));
    expect(dependsOn(logicalId(route.resource))).toEqual(expect.arrayContaining([redeployment]));
    // The function keeps its permissions until the redeployment has run.
    expect(dependsOn(fn)).toEqual(expect.arrayContaining([expect.stringMatching(/DefaultPolicy/)]));
  });

  it('lets the function read only this stage and create deployments of this API', () => {
    const stack = new Stack(new App({ context: NO_BUNDLING }), 'Producer', {
      env: { account: '123456789012', region: 'eu-west-1' },
    });
    new HttpProducer(stack, 'Route', props);
    const arn = (path: string) => ({
      'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:apigateway:eu-west-1::/restapis/abc123${path}`]],
    });

    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          {
            Effect: 'Allow',
            Action: 'apigateway:GET',
            Resource: arn('/stages/live'),
          },
          {
            Effect: 'Allow',
            Action: 'apigateway:POST',
            Resource: arn('/deployments'),
          },
        ]),
      },
    });
  });

  it('gives its custom resources 5 minutes (ServiceTimeout), not the CloudFormation default of an hour', () => {
    const stack = new Stack(new App({ context: NO_BUNDLING }), 'Producer', {
      env: { account: '123456789012', region: 'eu-west-1' },
    });
    new HttpProducer(stack, 'Route', props);
    const template = Template.fromStack(stack);

    template.hasResourceProperties('Custom::BridgeportStageRedeployment', { ServiceTimeout: '300' });
    template.allResourcesProperties('Custom::BridgeportSharedApiResource', { ServiceTimeout: '300' });
  });

  it('redeploys on deletion even for a route without shared path parts', () => {
    const stack = new Stack(new App({ context: NO_BUNDLING }), 'Producer', {
      env: { account: '123456789012', region: 'eu-west-1' },
    });
    const route = new HttpProducer(stack, 'Route', { ...props, pathParts: ['health'] });

    const template = Template.fromStack(stack);
    template.resourceCountIs('Custom::BridgeportSharedApiResource', 0);
    template.hasResourceProperties('Custom::BridgeportStageRedeployment', { Route: 'POST /health' });
    expect(route.sharedResources).toEqual([]);
  });

  it('grants no invoke permission when told the API already has it', () => {
    const stack = new Stack(new App({ context: NO_BUNDLING }), 'Producer');
    new HttpProducer(stack, 'Route', { ...props, grantInvoke: false });

    Template.fromStack(stack).resourceCountIs('AWS::Lambda::Permission', 0);
  });

  it('names the prop when a path part is invalid', () => {
    const stack = new Stack(new App({ context: NO_BUNDLING }), 'Producer');

    expect(() => new HttpProducer(stack, 'Route', { ...props, pathParts: ['parcel registered'] })).toThrow(
      'HttpProducer: pathParts contains "parcel registered", which is not a valid path part',
    );
    expect(() => new HttpProducer(stack, 'Empty', { ...props, pathParts: [] })).toThrow(
      'HttpProducer: pathParts must name at least one path part',
    );
  });
});
