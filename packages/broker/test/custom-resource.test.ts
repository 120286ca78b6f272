import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { APIGatewayClient, CreateResourceCommand, GetResourcesCommand } from '@aws-sdk/client-api-gateway';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { handleSharedApiResourceEvent, sendCustomResourceResponse } from '../src/custom-resource';
import { silentLogger } from '../src/logger';

const apiGatewayMock = mockClient(APIGatewayClient);
const options = () => ({ apiGateway: new APIGatewayClient({ region: 'eu-west-1' }), logger: silentLogger });

const properties = {
  ServiceToken: 'arn:aws:lambda:eu-west-1:123456789012:function:x',
  RestApiId: 'api1',
  ParentId: 'root',
  PathPart: 'parcel_registered',
};

function event(requestType: 'Create' | 'Update' | 'Delete'): CloudFormationCustomResourceEvent {
  const base = {
    ServiceToken: properties.ServiceToken,
    ResponseURL: 'https://example.invalid/response',
    StackId: 'arn:aws:cloudformation:eu-west-1:123456789012:stack/dev-producer-parcel-registered-v2/1',
    RequestId: 'req-1',
    LogicalResourceId: 'SharedResource0',
    ResourceType: 'Custom::BridgeportSharedApiResource',
    ResourceProperties: properties,
  };
  if (requestType === 'Create') return { ...base, RequestType: 'Create' };
  if (requestType === 'Update') {
    return {
      ...base,
      RequestType: 'Update',
      PhysicalResourceId: 'old123',
      OldResourceProperties: properties,
    };
  }
  return { ...base, RequestType: 'Delete', PhysicalResourceId: 'et1234' };
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
