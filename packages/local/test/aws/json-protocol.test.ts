import http, { type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AwsServiceError, type JsonProtocol, serveJsonRequest } from '../../src/index';

class ThingNotFound extends Error {}

const protocol: JsonProtocol<{ readonly greeting: string }> = {
  targetPrefix: 'Things.',
  contentType: 'application/x-amz-json-1.1',
  unsupportedDetail: ' here',
  operations: {
    Greet: (context, input) => ({ Message: `${context.greeting}, ${String(input.Name)}` }),
    Find: () => {
      throw new ThingNotFound('no such thing');
    },
    Crash: () => {
      throw new Error('secret detail');
    },
  },
  toAwsError: (error) =>
    error instanceof AwsServiceError
      ? error
      : error instanceof ThingNotFound
        ? new AwsServiceError('ThingNotFound', error.message, 404, { 'x-thing': 'missing' })
        : new AwsServiceError('InternalFailure', 'Internal error.', 500),
};

describe('serveJsonRequest', () => {
  let server: Server;
  let url: string;
  const internalErrors: unknown[] = [];

  beforeAll(async () => {
    server = http.createServer((request, response) => {
      void serveJsonRequest(protocol, () => ({ greeting: 'Hello' }), request, response, {
        maxBodyBytes: 64,
        onInternalError: (error) => internalErrors.push(error),
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });

  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const call = (target: string, body: string) =>
    fetch(url, { method: 'POST', headers: { 'x-amz-target': target }, body });

  it('answers the operation named by the target with its JSON output', async () => {
    const response = await call('Things.Greet', '{"Name":"Ada"}');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/x-amz-json-1.1');
    expect(await response.json()).toEqual({ Message: 'Hello, Ada' });
  });

  it('names an operation it does not have', async () => {
    const response = await call('Things.Destroy', '{}');
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      __type: 'UnknownOperationException',
      message: 'Operation Destroy is not supported here.',
    });
  });

  it('refuses a body that is not a JSON object', async () => {
    for (const body of ['{', '[1]']) {
      const response = await call('Things.Greet', body);
      expect(response.status).toBe(400);
      expect(((await response.json()) as { __type: string }).__type).toBe('SerializationException');
    }
  });

  it("answers a service error in the service's envelope, with its headers", async () => {
    const response = await call('Things.Find', '{}');
    expect(response.status).toBe(404);
    expect(response.headers.get('x-thing')).toBe('missing');
    expect(await response.json()).toEqual({ __type: 'ThingNotFound', message: 'no such thing' });
  });

  it('answers an unexpected error as a generic 500 and reports its cause', async () => {
    const response = await call('Things.Crash', '{}');
    expect(response.status).toBe(500);
    expect(await response.text()).not.toContain('secret detail');
    expect(internalErrors).toHaveLength(1);
    expect((internalErrors[0] as Error).message).toBe('secret detail');
  });
});
