import { httpErrorHandler, jsonBody, jsonBodyParser, type Logger, optionalJsonBody } from '@bridgeport/edge';
import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { isJsonMediaType, PORTAL_BODY_RULES } from '../../src/http/request';
import { apiEvent } from '../support/api';

describe('isJsonMediaType', () => {
  it.each([
    ['application/json', true],
    ['Application/JSON; charset=UTF-8', true],
    ['application/merge-patch+json', true],
    ['application/vnd.example.v1+json', true],
    ['text/json', false],
    ['text/plain', false],
    ['application/jsonp', false],
  ])('%s → %s', (contentType, expected) => {
    expect(isJsonMediaType(contentType)).toBe(expected);
  });
});

describe('jsonBodyParser under the portal rules', () => {
  const logged: unknown[] = [];
  const logger: Logger = {
    error: (...args) => {
      logged.push(args);
    },
    info: () => undefined,
    warn: () => undefined,
  };
  const echo = middy<APIGatewayProxyEvent, APIGatewayProxyResult>()
    .use(httpErrorHandler({ logger }))
    .use(jsonBodyParser(PORTAL_BODY_RULES))
    .handler(async (event) => ({ statusCode: 200, body: JSON.stringify({ body: jsonBody(event) }) }));

  async function send(event: APIGatewayProxyEvent): Promise<{ statusCode: number; body: unknown }> {
    const response = await echo(event, {} as never);
    return { statusCode: response.statusCode, body: JSON.parse(response.body) };
  }

  const post = (body: unknown, headers?: Record<string, string>): APIGatewayProxyEvent =>
    apiEvent({ method: 'POST', resource: '/events', body, ...(headers ? { headers } : {}) });

  afterEach(() => {
    expect(logged).toEqual([]);
  });

  it('hands the parsed body to the route', async () => {
    expect(await send(post({ a: 1 }))).toEqual({ statusCode: 200, body: { body: { a: 1 } } });
  });

  it('decodes a base64-encoded body', async () => {
    const event = { ...post('x'), body: Buffer.from('{"a":1}').toString('base64'), isBase64Encoded: true };

    expect(await send(event)).toEqual({ statusCode: 200, body: { body: { a: 1 } } });
  });

  it.each([
    ['no Content-Type', {}],
    ['an empty Content-Type', { 'Content-Type': '' }],
    ['a +json Content-Type', { 'content-type': 'application/vnd.bridgeport.event+json; charset=utf-8' }],
  ])('reads a body with %s as JSON', async (_name, headers) => {
    const event = { ...post({ a: 1 }), headers, multiValueHeaders: {} };

    expect(await send(event)).toEqual({ statusCode: 200, body: { body: { a: 1 } } });
  });

  it('answers 400 with the reason for a body that is not JSON', async () => {
    const { statusCode, body } = await send(post('{"a":'));

    expect(statusCode).toBe(400);
    expect(body).toEqual({
      message: 'The request body is not valid JSON',
      errors: [{ path: '$', message: expect.stringMatching(/^is not valid JSON: .*JSON/) }],
    });
  });

  it('answers 400 for a missing body', async () => {
    const { statusCode, body } = await send({ ...post('x'), body: null });

    expect(statusCode).toBe(400);
    expect(body).toEqual({
      message: 'The request body is required',
      errors: [{ path: '$', message: 'is required' }],
    });
  });

  it('reads a missing body as undefined where the body is optional, and still checks one that is there', async () => {
    const optional = middy<APIGatewayProxyEvent, APIGatewayProxyResult>()
      .use(httpErrorHandler({ logger }))
      .use(jsonBodyParser(PORTAL_BODY_RULES))
      .handler(async (event) => ({
        statusCode: 200,
        body: JSON.stringify({ given: optionalJsonBody(event) ?? null }),
      }));

    const empty = await optional({ ...post('x'), body: '' }, {} as never);
    const given = await optional(post({ a: 1 }), {} as never);
    const broken = await optional(post('{'), {} as never);

    expect([empty.statusCode, JSON.parse(empty.body)]).toEqual([200, { given: null }]);
    expect([given.statusCode, JSON.parse(given.body)]).toEqual([200, { given: { a: 1 } }]);
    expect(broken.statusCode).toBe(400);
  });

  it('answers 415 for a Content-Type that is not JSON, before reading the size', async () => {
    const huge = 'x'.repeat(1024 * 1024 + 1);

    expect(await send(post(huge, { 'Content-Type': 'text/csv' }))).toEqual({
      statusCode: 415,
      body: { message: 'Content-Type text/csv is not supported; send application/json' },
    });
  });

  it('answers 413 over 1 MB, before parsing, and accepts exactly 1 MB', async () => {
    const huge = 'x'.repeat(1024 * 1024 + 1);
    const exact = `"${'x'.repeat(1024 * 1024 - 2)}"`;

    expect(await send(post(huge))).toEqual({
      statusCode: 413,
      body: { message: 'The request body is 1048577 bytes; the limit is 1048576 bytes (1 MB)' },
    });
    expect((await send(post(exact))).statusCode).toBe(200);
  });

  it('leaves the body of other methods alone', async () => {
    const get = apiEvent({ method: 'GET', resource: '/events' });
    const handler = middy<APIGatewayProxyEvent, APIGatewayProxyResult>()
      .use(jsonBodyParser(PORTAL_BODY_RULES))
      .handler(async (event) => ({ statusCode: 200, body: String(event.body) }));

    expect((await handler(get, {} as never)).body).toBe('null');
  });

  it('refuses to hand out a body it did not parse', () => {
    expect(() => jsonBody(post({ a: 1 }))).toThrow(/was not parsed by jsonBodyParser/);
  });
});
