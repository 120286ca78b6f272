import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { HttpProducer, type HttpProducerProps } from '../../src/constructs/http-producer';

const props: HttpProducerProps = {
  restApiId: 'abc123',
  rootResourceId: 'root456',
  stageName: 'live',
  injectorFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:dev-injector',
  pathParts: ['parcel_registered', '1'],
  requestModel: { $schema: 'http://json-schema.org/draft-04/schema#', type: 'object' },
};

function deploymentIds(overrides: Partial<HttpProducerProps>): string[] {
  const stack = new Stack(new App(), 'Producer', { env: { account: '123456789012', region: 'eu-west-1' } });
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

  it('changes the deployment logical id when the path changes', () => {
    expect(deploymentIds({ pathParts: ['parcel_registered', '2'] })).not.toEqual(deploymentIds({}));
  });

  it('grants no invoke permission when told the API already has it', () => {
    const stack = new Stack(new App(), 'Producer');
    new HttpProducer(stack, 'Route', { ...props, grantInvoke: false });

    Template.fromStack(stack).resourceCountIs('AWS::Lambda::Permission', 0);
  });

  it('names the prop when a path part is invalid', () => {
    const stack = new Stack(new App(), 'Producer');

    expect(() => new HttpProducer(stack, 'Route', { ...props, pathParts: ['parcel registered'] })).toThrow(
      'HttpProducer: pathParts contains "parcel registered", which is not a valid path part',
    );
    expect(() => new HttpProducer(stack, 'Empty', { ...props, pathParts: [] })).toThrow(
      'HttpProducer: pathParts must name at least one path part',
    );
  });
});
