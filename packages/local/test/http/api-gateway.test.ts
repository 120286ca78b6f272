import http, { type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyResult } from 'aws-lambda';
import {
  lambdaContexts,
  type RouteMatch,
  RouteTable,
  toProxyEvent,
  writeProxyResult,
} from '../../src/http/api-gateway';

describe('RouteTable', () => {
  const handler = async () => ({ statusCode: 200, body: '' });
  const table = new RouteTable([
    { method: 'GET', resource: '/events/{event_type}', handler },
    { method: 'GET', resource: '/events/{event_type}/versions/{version}', handler },
    { method: 'POST', resource: '/events', handler },
    { method: 'GET', resource: '/subscriptions/{id}/dead-letters', handler },
  ]);

  it('extracts decoded path parameters by name', () => {
    const match = table.match('GET', '/events/scanned%5Fparcel/versions/2');
    expect(match).toMatchObject({ pathParameters: { event_type: 'scanned_parcel', version: '2' } });
  });

  it('gives no path parameters to a literal resource', () => {
    expect(table.match('POST', '/events')).toMatchObject({ pathParameters: null });
  });

  it('tells an unknown method on a known path from an unknown path', () => {
    expect(table.match('DELETE', '/events')).toBe('methodNotAllowed');
    expect(table.match('GET', '/nowhere')).toBeUndefined();
  });
});

describe('toProxyEvent', () => {
  const handler = async () => ({ statusCode: 200, body: '' });
  const match = new RouteTable([{ method: 'POST', resource: '/events/{event_type}', handler }]).match(
    'POST',
    '/events/parcel_scanned',
  ) as RouteMatch;

  function eventOf(target: string, headers: IncomingMessage['headers'], body = Buffer.from('{"a":1}')) {
    return toProxyEvent({
      method: 'POST',
      url: new URL(`http://localhost${target}`),
      headers,
      body,
      match,
      stage: 'dev',
    });
  }

  it('gives single and multi-value forms of headers and of a repeated query parameter', () => {
    const event = eventOf('/events/parcel_scanned?unit=a&unit=b&page=2', {
      'content-type': 'application/json',
      'x-forwarded-for': ['10.0.0.1', '10.0.0.2'] as unknown as string,
    });
    expect(event.headers).toEqual({
      'content-type': 'application/json',
      'x-forwarded-for': '10.0.0.1,10.0.0.2',
    });
    expect(event.multiValueHeaders).toEqual({
      'content-type': ['application/json'],
      'x-forwarded-for': ['10.0.0.1', '10.0.0.2'],
    });
    expect(event.queryStringParameters).toEqual({ unit: 'b', page: '2' });
    expect(event.multiValueQueryStringParameters).toEqual({ unit: ['a', 'b'], page: ['2'] });
    expect(event.body).toBe('{"a":1}');
    expect(event.isBase64Encoded).toBe(false);
  });

  it('gives null query parameters to a request without a query string, and base64 to a binary body', () => {
    const event = eventOf(
      '/events/parcel_scanned',
      { 'content-type': 'application/octet-stream' },
      Buffer.from([0xff, 0x00]),
    );
    expect(event.queryStringParameters).toBeNull();
    expect(event.multiValueQueryStringParameters).toBeNull();
    expect(event.body).toBe('/wA=');
    expect(event.isBase64Encoded).toBe(true);
  });
});

describe('lambdaContexts', () => {
  it('gives each invocation its own request id and deadline, and the function ARN in its scope', () => {
    const contextOf = lambdaContexts('portal-api', {
      partition: 'aws',
      account: '123456789012',
      region: 'eu-west-1',
    });
    const first = contextOf();
    const second = contextOf();
    expect(first.invokedFunctionArn).toBe('arn:aws:lambda:eu-west-1:123456789012:function:portal-api');
    expect(first.awsRequestId).not.toBe(second.awsRequestId);
    expect(first.getRemainingTimeInMillis()).toBeGreaterThan(29_000);
  });
});

describe('writeProxyResult', () => {
  async function written(result: APIGatewayProxyResult) {
    const server = http.createServer((_request, response) => writeProxyResult(response, result));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const response = await fetch(`http://127.0.0.1:${port}/`);
      return {
        status: response.status,
        headers: response.headers,
        body: Buffer.from(await response.arrayBuffer()),
      };
    } finally {
      server.close();
    }
  }

  it('writes a text body with its length in bytes, and single and multi-value headers', async () => {
    const answer = await written({
      statusCode: 201,
      headers: { 'content-type': 'application/json', 'x-count': 3 },
      multiValueHeaders: { 'set-cookie': ['a=1', 'b=2'] },
      body: '{"name":"café"}',
    });
    expect(answer.status).toBe(201);
    expect(answer.headers.get('content-length')).toBe('16');
    expect(answer.headers.get('x-count')).toBe('3');
    expect(answer.headers.getSetCookie()).toEqual(['a=1', 'b=2']);
    expect(answer.body.toString('utf8')).toBe('{"name":"café"}');
  });

  it('decodes a base64 body and writes an empty one with length 0', async () => {
    const binary = await written({ statusCode: 200, body: '/wA=', isBase64Encoded: true });
    expect([...binary.body]).toEqual([0xff, 0x00]);
    expect(binary.headers.get('content-length')).toBe('2');
    const empty = await written({ statusCode: 204, body: '' });
    expect(empty.status).toBe(204);
    expect(empty.body.length).toBe(0);
  });
});
