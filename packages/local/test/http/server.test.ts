import type { Server } from 'node:http';
import net from 'node:net';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { close, createProxyServer, listen, malformedEscape } from '../../src/http/server';

describe('createProxyServer', () => {
  let server: Server;
  let base: string;
  const seen: APIGatewayProxyEvent[] = [];

  beforeAll(async () => {
    server = createProxyServer({
      name: 'test-api',
      stage: 'local',
      maxBodyBytes: 64,
      routes: [
        {
          method: 'POST',
          resource: '/items/{id}',
          handler: async (event) => {
            seen.push(event);
            return { statusCode: 201, headers: { etag: '"1"' }, body: JSON.stringify({ got: event.body }) };
          },
        },
      ],
    });
    base = `http://127.0.0.1:${await listen(server, 0, '127.0.0.1')}`;
  });

  afterAll(() => close(server));

  it('hands the handler the proxy event API Gateway would build and returns its response', async () => {
    const response = await fetch(`${base}/items/a1?x=1&x=2`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"a":1}',
    });

    expect(response.status).toBe(201);
    expect(response.headers.get('etag')).toBe('"1"');
    expect(await response.json()).toEqual({ got: '{"a":1}' });
    const event = seen.at(-1);
    expect(event).toMatchObject({
      resource: '/items/{id}',
      path: '/items/a1',
      httpMethod: 'POST',
      pathParameters: { id: 'a1' },
      queryStringParameters: { x: '2' },
      multiValueQueryStringParameters: { x: ['1', '2'] },
      isBase64Encoded: false,
      requestContext: { stage: 'local', resourcePath: '/items/{id}', path: '/items/a1' },
    });
    expect(event?.headers['content-type']).toBe('application/json');
  });

  it('serves the same routes under /{stage}, as execute-api URLs have them', async () => {
    const response = await fetch(`${base}/local/items/a2`, { method: 'POST', body: '{}' });

    expect(response.status).toBe(201);
    expect(seen.at(-1)).toMatchObject({
      path: '/items/a2',
      pathParameters: { id: 'a2' },
      requestContext: { stage: 'local', path: '/local/items/a2' },
    });
  });

  it('answers 413 without calling the handler when the body is over the limit', async () => {
    const before = seen.length;
    const response = await fetch(`${base}/items/a1`, { method: 'POST', body: 'x'.repeat(65) });
    expect(response.status).toBe(413);
    expect(seen.length).toBe(before);
  });

  it('answers 404 for an unknown path and 405 for an unknown method', async () => {
    expect((await fetch(`${base}/nothing`)).status).toBe(404);
    expect((await fetch(`${base}/items/a1`)).status).toBe(405);
  });

  it.each(['/items/%E0%A4%A', '/items/%zz', '/%C0/items/a1', '/items/a%', '//%E0%A4%A'])(
    'answers 400 for the malformed percent escape in %s without calling the handler',
    async (path) => {
      const before = seen.length;
      const response = await fetch(`${base}${path}`, { method: 'POST', body: '{}' });

      expect(response.status).toBe(400);
      expect(await response.json()).toEqual({
        message: expect.stringMatching(/^The path has a malformed percent escape at "/),
        errors: [{ path: 'path', message: expect.stringMatching(/^has a malformed percent escape/) }],
      });
      expect(seen.length).toBe(before);
    },
  );
});

describe('malformedEscape', () => {
  it('names the first segment that does not decode', () => {
    expect(malformedEscape('/events/%E0%A4%A/versions')).toBe('%E0%A4%A');
    expect(malformedEscape('/events/scanned%5Fparcel')).toBeUndefined();
  });
});

describe('server limits', () => {
  it('closes idle connections past the headers timeout and refuses connections over the limit', async () => {
    const server = createProxyServer({
      name: 'limited',
      stage: 'local',
      routes: [
        { method: 'GET', resource: '/ping', handler: async () => ({ statusCode: 200, body: 'pong' }) },
      ],
      limits: { maxConnections: 3, headersTimeoutMs: 300, connectionsCheckingIntervalMs: 50 },
    });
    const port = await listen(server, 0, '127.0.0.1');
    const idle = [1, 2, 3].map(() => net.connect(port, '127.0.0.1'));
    const closed = idle.map(
      (socket) =>
        new Promise<string>((resolve) => {
          let answer = '';
          socket.on('data', (chunk: Buffer) => {
            answer += chunk.toString('utf8');
          });
          socket.on('error', () => undefined);
          socket.on('close', () => resolve(answer));
        }),
    );
    await Promise.all(idle.map((socket) => new Promise((resolve) => socket.once('connect', resolve))));
    await new Promise((resolve) => setTimeout(resolve, 50));

    // A fourth connection is closed at once rather than left hanging.
    await expect(fetch(`http://127.0.0.1:${port}/ping`)).rejects.toThrow();
    // The idle sockets are answered 408 and closed; then the server answers again.
    const answers = await Promise.all(closed);
    expect(answers.every((answer) => answer.startsWith('HTTP/1.1 408'))).toBe(true);
    const response = await fetch(`http://127.0.0.1:${port}/ping`);
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('pong');
    await close(server);
  });
});
