import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  APIGatewayClient,
  CreateDeploymentCommand,
  CreateResourceCommand,
  GetResourcesCommand,
  GetStageCommand,
} from '@aws-sdk/client-api-gateway';
import { silentLogger } from '@bridgeport/edge';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import {
  handleApiResourceEvent,
  handleSharedApiResourceEvent,
  handleStageRedeploymentEvent,
  sendCustomResourceResponse,
} from '../src/custom-resource';
import { type CustomResourceRequestType, customResourceEvent } from './support/custom-resource-events';

const apiGatewayMock = mockClient(APIGatewayClient);
const options = () => ({ apiGateway: new APIGatewayClient({ region: 'eu-west-1' }), logger: silentLogger });

const properties = {
  ServiceToken: 'arn:aws:lambda:eu-west-1:123456789012:function:x',
  RestApiId: 'api1',
  ParentId: 'root',
  PathPart: 'parcel_registered',
};

const PRODUCER_STACK_ID =
  'arn:aws:cloudformation:eu-west-1:123456789012:stack/dev-producer-parcel-registered-v2/1';

function event(requestType: CustomResourceRequestType): CloudFormationCustomResourceEvent {
  return customResourceEvent(requestType, {
    stackId: PRODUCER_STACK_ID,
    requestId: 'req-1',
    logicalResourceId: 'SharedResource0',
    resourceType: 'Custom::BridgeportSharedApiResource',
    properties,
    physicalResourceId: requestType === 'Update' ? 'old123' : 'et1234',
  });
}

describe('handleSharedApiResourceEvent', () => {
  beforeEach(() => apiGatewayMock.reset());

  it('returns the existing resource of another version without creating one', async () => {
    apiGatewayMock.on(GetResourcesCommand).resolves({
      items: [
        { id: 'root', path: '/' },
        { id: 'et1234', parentId: 'root', pathPart: 'parcel_registered', path: '/parcel_registered' },
      ],
    });

    const response = await handleSharedApiResourceEvent(event('Create'), options());

    expect(response).toMatchObject({
      Status: 'SUCCESS',
      PhysicalResourceId: 'et1234',
      Data: { ResourceId: 'et1234' },
    });
    expect(apiGatewayMock.commandCalls(CreateResourceCommand)).toHaveLength(0);
  });

  it('creates the resource when no page lists it', async () => {
    apiGatewayMock
      .on(GetResourcesCommand, { restApiId: 'api1', limit: 500, position: undefined })
      .resolves({ items: [{ id: 'root', path: '/' }], position: 'page2' })
      .on(GetResourcesCommand, { restApiId: 'api1', limit: 500, position: 'page2' })
      .resolves({ items: [{ id: 'other1', parentId: 'root', pathPart: 'invoice_issued' }] });
    apiGatewayMock.on(CreateResourceCommand).resolves({ id: 'new123' });

    const response = await handleSharedApiResourceEvent(event('Create'), options());

    expect(response).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: 'new123' });
    expect(apiGatewayMock.commandCalls(GetResourcesCommand)).toHaveLength(2);
    expect(apiGatewayMock.commandCalls(CreateResourceCommand)[0]?.args[0].input).toEqual({
      restApiId: 'api1',
      parentId: 'root',
      pathPart: 'parcel_registered',
    });
  });

  it('takes the resource a concurrent stack created first', async () => {
    apiGatewayMock
      .on(GetResourcesCommand)
      .resolvesOnce({ items: [] })
      .resolves({ items: [{ id: 'won123', parentId: 'root', pathPart: 'parcel_registered' }] });
    apiGatewayMock
      .on(CreateResourceCommand)
      .rejects(Object.assign(new Error('exists'), { name: 'ConflictException' }));

    const response = await handleSharedApiResourceEvent(event('Update'), options());

    expect(response).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: 'won123' });
  });

  it('leaves the shared resource in place on delete', async () => {
    const response = await handleSharedApiResourceEvent(event('Delete'), options());

    expect(response).toEqual({
      Status: 'SUCCESS',
      PhysicalResourceId: 'et1234',
      StackId: event('Delete').StackId,
      RequestId: 'req-1',
      LogicalResourceId: 'SharedResource0',
    });
    expect(apiGatewayMock.calls()).toHaveLength(0);
  });

  it('reports a failure with its reason', async () => {
    apiGatewayMock
      .on(GetResourcesCommand)
      .rejects(Object.assign(new Error('Invalid API identifier'), { name: 'NotFoundException' }));

    const response = await handleSharedApiResourceEvent(event('Create'), options());

    expect(response).toMatchObject({
      Status: 'FAILED',
      Reason: 'Ensuring the shared API resource failed: Invalid API identifier',
      PhysicalResourceId: 'failed-req-1',
    });
  });
});

const redeployProperties = {
  ServiceToken: properties.ServiceToken,
  RestApiId: 'api1',
  StageName: 'dev',
  Route: 'POST /parcel_registered/2',
};

function redeployEvent(
  requestType: CustomResourceRequestType,
  physicalId = 'api1/dev/POST /parcel_registered/2',
): CloudFormationCustomResourceEvent {
  return customResourceEvent(requestType, {
    stackId: PRODUCER_STACK_ID,
    requestId: 'req-2',
    logicalResourceId: 'StageRedeployment',
    resourceType: 'Custom::BridgeportStageRedeployment',
    properties: redeployProperties,
    physicalResourceId: physicalId,
  });
}

describe('handleStageRedeploymentEvent', () => {
  const waits: number[] = [];
  const redeployOptions = () => ({
    ...options(),
    redeploy: { sleep: async (ms: number) => void waits.push(ms) },
  });

  beforeEach(() => {
    apiGatewayMock.reset();
    waits.length = 0;
  });

  it.each(['Create', 'Update'] as const)(
    'changes nothing on %s: the stack deploys the route itself',
    async (type) => {
      const response = await handleStageRedeploymentEvent(redeployEvent(type), redeployOptions());

      expect(response).toEqual({
        Status: 'SUCCESS',
        PhysicalResourceId: 'api1/dev/POST /parcel_registered/2',
        StackId: redeployEvent(type).StackId,
        RequestId: 'req-2',
        LogicalResourceId: 'StageRedeployment',
      });
      expect(apiGatewayMock.calls()).toHaveLength(0);
    },
  );

  it('deploys the stage again on delete, so the removed route is no longer served', async () => {
    apiGatewayMock.on(GetStageCommand).resolves({ stageName: 'dev', deploymentId: 'old1' });
    apiGatewayMock.on(CreateDeploymentCommand).resolves({ id: 'new1' });

    const response = await handleStageRedeploymentEvent(redeployEvent('Delete'), redeployOptions());

    expect(response).toMatchObject({
      Status: 'SUCCESS',
      PhysicalResourceId: 'api1/dev/POST /parcel_registered/2',
    });
    expect(apiGatewayMock.commandCalls(GetStageCommand)[0]?.args[0].input).toEqual({
      restApiId: 'api1',
      stageName: 'dev',
    });
    expect(apiGatewayMock.commandCalls(CreateDeploymentCommand).map((call) => call.args[0].input)).toEqual([
      { restApiId: 'api1', stageName: 'dev', description: 'POST /parcel_registered/2 removed' },
    ]);
  });

  it('waits and tries again while API Gateway throttles or another change is in progress', async () => {
    apiGatewayMock.on(GetStageCommand).resolves({ stageName: 'dev' });
    apiGatewayMock
      .on(CreateDeploymentCommand)
      .rejectsOnce(Object.assign(new Error('Too Many Requests'), { name: 'TooManyRequestsException' }))
      .rejectsOnce(Object.assign(new Error('Another update is in progress'), { name: 'ConflictException' }))
      .resolves({ id: 'new2' });

    const response = await handleStageRedeploymentEvent(redeployEvent('Delete'), redeployOptions());

    expect(response.Status).toBe('SUCCESS');
    expect(apiGatewayMock.commandCalls(CreateDeploymentCommand)).toHaveLength(3);
    expect(waits).toEqual([2000, 4000]);
  });

  it('fails the deletion with the reason once the attempts are spent', async () => {
    apiGatewayMock.on(GetStageCommand).resolves({ stageName: 'dev' });
    apiGatewayMock
      .on(CreateDeploymentCommand)
      .rejects(Object.assign(new Error('Too Many Requests'), { name: 'TooManyRequestsException' }));

    const response = await handleStageRedeploymentEvent(redeployEvent('Delete'), {
      ...redeployOptions(),
      redeploy: { maxAttempts: 3, firstDelayMs: 10_000, sleep: async (ms: number) => void waits.push(ms) },
    });

    expect(response).toMatchObject({
      Status: 'FAILED',
      Reason: 'Redeploying the stage failed: Too Many Requests',
      PhysicalResourceId: 'api1/dev/POST /parcel_registered/2',
    });
    expect(waits).toEqual([10_000, 15_000]);
  });

  it('does not retry other failures', async () => {
    apiGatewayMock.on(GetStageCommand).resolves({ stageName: 'dev' });
    apiGatewayMock
      .on(CreateDeploymentCommand)
      .rejects(Object.assign(new Error('User is not authorized'), { name: 'AccessDeniedException' }));

    const response = await handleStageRedeploymentEvent(redeployEvent('Delete'), redeployOptions());

    expect(response).toMatchObject({
      Status: 'FAILED',
      Reason: 'Redeploying the stage failed: User is not authorized',
    });
    expect(apiGatewayMock.commandCalls(CreateDeploymentCommand)).toHaveLength(1);
    expect(waits).toEqual([]);
  });

  it('creates no stage when the API or the stage is gone, and lets the deletion succeed', async () => {
    apiGatewayMock
      .on(GetStageCommand)
      .rejects(Object.assign(new Error('Invalid stage identifier specified'), { name: 'NotFoundException' }));

    const response = await handleStageRedeploymentEvent(redeployEvent('Delete'), redeployOptions());

    expect(response.Status).toBe('SUCCESS');
    expect(apiGatewayMock.commandCalls(CreateDeploymentCommand)).toHaveLength(0);
  });

  it('does nothing when deleting a resource whose creation failed', async () => {
    const response = await handleStageRedeploymentEvent(
      redeployEvent('Delete', 'failed-req-0'),
      redeployOptions(),
    );

    expect(response).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: 'failed-req-0' });
    expect(apiGatewayMock.calls()).toHaveLength(0);
  });

  it('fails naming a missing property', async () => {
    const event = {
      ...redeployEvent('Create'),
      ResourceProperties: { ...redeployProperties, StageName: '' },
    };

    const response = await handleStageRedeploymentEvent(event, redeployOptions());

    expect(response).toMatchObject({
      Status: 'FAILED',
      Reason: 'Redeploying the stage failed: Property StageName must be a non-empty string',
      PhysicalResourceId: 'failed-req-2',
    });
  });
});

describe('handleApiResourceEvent', () => {
  beforeEach(() => apiGatewayMock.reset());

  it('redeploys the stage for a stage redeployment resource', async () => {
    apiGatewayMock.on(GetStageCommand).resolves({ stageName: 'dev' });
    apiGatewayMock.on(CreateDeploymentCommand).resolves({ id: 'new3' });

    await handleApiResourceEvent(redeployEvent('Delete'), options());

    expect(apiGatewayMock.commandCalls(CreateDeploymentCommand)).toHaveLength(1);
  });

  it('finds the shared path part for a shared API resource', async () => {
    apiGatewayMock.on(GetResourcesCommand).resolves({
      items: [{ id: 'et1234', parentId: 'root', pathPart: 'parcel_registered' }],
    });

    const response = await handleApiResourceEvent(event('Create'), options());

    expect(response).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: 'et1234' });
    expect(apiGatewayMock.commandCalls(CreateDeploymentCommand)).toHaveLength(0);
  });
});

describe('sendCustomResourceResponse', () => {
  let server: Server;
  let received: { method?: string; body: string } | undefined;

  beforeAll(async () => {
    server = createServer((request: IncomingMessage, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => {
        body += chunk.toString('utf8');
      });
      request.on('end', () => {
        received = { method: request.method, body };
        response.writeHead(request.url === '/refuse' ? 403 : 200).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const response = {
    Status: 'SUCCESS' as const,
    PhysicalResourceId: 'et1234',
    StackId: 'stack',
    RequestId: 'req-1',
    LogicalResourceId: 'SharedResource0',
  };

  it('puts the response as JSON to the response URL', async () => {
    const { port } = server.address() as AddressInfo;

    await sendCustomResourceResponse(`http://127.0.0.1:${port}/ok`, response);

    expect(received?.method).toBe('PUT');
    expect(JSON.parse(received?.body ?? '')).toEqual(response);
  });

  it('fails when CloudFormation refuses the response', async () => {
    const { port } = server.address() as AddressInfo;

    await expect(sendCustomResourceResponse(`http://127.0.0.1:${port}/refuse`, response)).rejects.toThrow(
      'CloudFormation refused the response: HTTP 403',
    );
  });
});
