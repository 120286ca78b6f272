import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { TargetDeliveryError } from '../../../src/bus/errors';
import type { Delivery } from '../../../src/bus/targets/dispatcher';
import { HttpTargetDispatcher, type ResolvedAddress } from '../../../src/bus/targets/http';
import { RuleState } from '../../../src/bus/types';

function delivery(arn: string): Delivery {
  const event = {
    version: '0',
    id: 'e-1',
    'detail-type': 'parcel_scanned.1',
    source: 'parcels',
    account: '000000000000',
    time: '2026-01-01T00:00:00Z',
    region: 'us-east-1',
    resources: [],
    detail: { ok: true },
  };
  const eventJson = JSON.stringify(event);
  return {
    event,
    eventJson,
    payload: eventJson,
    rule: {
      Name: 'r',
      Arn: 'arn:aws:events:us-east-1:000000000000:rule/b/r',
      EventBusName: 'b',
      State: RuleState.ENABLED,
      CreatedBy: '000000000000',
    },
    target: { Id: 't', Arn: arn },
    attempt: 1,
  };
}

/** A resolver that answers from a table and records what it was asked. */
function fakeResolver(table: Record<string, readonly string[]>) {
  const asked: string[] = [];
  const resolve = async (host: string): Promise<ResolvedAddress[]> => {
    asked.push(host);
    return (table[host] ?? []).map((address) => ({ address, family: net.isIP(address) === 6 ? 6 : 4 }));
  };
  return { asked, resolve };
}

async function refusal(promise: Promise<void>): Promise<TargetDeliveryError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof TargetDeliveryError) return error;
    throw error;
  }
  throw new Error('expected the delivery to be refused');
}

describe('HttpTargetDispatcher outbound safety', () => {
  let sink: Server;
  let port: number;
  const received: IncomingHttpHeaders[] = [];
  let connects: jest.SpyInstance;

  beforeAll(async () => {
    sink = createServer((request, response) => {
      received.push(request.headers);
      request.resume();
      response.end('ok');
    });
    await new Promise<void>((resolve) => sink.listen(0, '127.0.0.1', resolve));
    port = (sink.address() as AddressInfo).port;
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => sink.close(() => resolve()));
  });

  beforeEach(() => {
    received.length = 0;
    connects = jest.spyOn(net.Socket.prototype, 'connect');
  });

  afterEach(() => connects.mockRestore());

  it.each([
    ['10.0.0.5', 'a private address'],
    ['169.254.169.254', 'a cloud metadata service'],
    ['fd00::1', 'a unique-local address'],
    ['100.64.0.9', 'a carrier-grade NAT address'],
    ['::ffff:192.168.1.1', 'a private address'],
  ])('refuses a host that resolves to %s, without connecting', async (address, why) => {
    const resolver = fakeResolver({ 'hooks.example.test': [address] });
    const dispatcher = new HttpTargetDispatcher({ resolver: resolver.resolve, allowInsecureHttp: true });

    const error = await refusal(dispatcher.deliver(delivery('https://hooks.example.test/events')));

    expect(error).toMatchObject({ code: 'FORBIDDEN_TARGET', retryable: false });
    expect(error.message).toBe(
      `Refused: hooks.example.test resolves to ${address}, which is ${why}; consumers must be reachable on the public internet.`,
    );
    expect(resolver.asked).toEqual(['hooks.example.test']);
    expect(connects).not.toHaveBeenCalled();
    await dispatcher.close();
  });

  it('refuses when any of the addresses is internal (DNS rebinding), without connecting', async () => {
    const resolver = fakeResolver({ 'rebind.example.test': ['127.0.0.1', '10.1.1.1'] });
    const dispatcher = new HttpTargetDispatcher({
      resolver: resolver.resolve,
      allowLoopbackTargets: true,
      allowInsecureHttp: true,
    });

    const error = await refusal(dispatcher.deliver(delivery(`http://rebind.example.test:${port}/x`)));

    expect(error.message).toMatch(/resolves to 10\.1\.1\.1, which is a private address/);
    expect(connects).not.toHaveBeenCalled();
    expect(received).toEqual([]);
    await dispatcher.close();
  });

  it('refuses loopback unless loopback targets are allowed', async () => {
    const resolver = fakeResolver({ 'sink.example.test': ['127.0.0.1'] });
    const dispatcher = new HttpTargetDispatcher({ resolver: resolver.resolve, allowInsecureHttp: true });

    const named = await refusal(dispatcher.deliver(delivery(`http://127.0.0.1:${port}/x`)));
    const resolved = await refusal(dispatcher.deliver(delivery(`http://sink.example.test:${port}/x`)));

    expect(named.message).toMatch(/the host 127\.0\.0\.1 is a loopback address/);
    expect(resolved.message).toMatch(
      /sink\.example\.test resolves to 127\.0\.0\.1, which is a loopback address/,
    );
    expect(connects).not.toHaveBeenCalled();
    expect(received).toEqual([]);
    await dispatcher.close();
  });

  it('connects to the very address it checked, keeping the host name in the request', async () => {
    const resolver = fakeResolver({ 'sink.example.test': ['127.0.0.1'] });
    const dispatcher = new HttpTargetDispatcher({
      resolver: resolver.resolve,
      allowLoopbackTargets: true,
      allowInsecureHttp: true,
    });

    await dispatcher.deliver(delivery(`http://sink.example.test:${port}/x`));

    expect(resolver.asked).toEqual(['sink.example.test']);
    expect(connects).toHaveBeenCalled();
    expect(received).toEqual([expect.objectContaining({ host: `sink.example.test:${port}` })]);
    await dispatcher.close();
  });

  it("never calls the runtime's own ports", async () => {
    const dispatcher = new HttpTargetDispatcher({ allowLoopbackTargets: true, reservedPorts: () => [port] });

    const error = await refusal(dispatcher.deliver(delivery(`http://127.0.0.1:${port}/x`)));

    expect(error.message).toBe(
      `Refused: the host 127.0.0.1 is this runtime's own port ${port}; the broker never calls itself.`,
    );
    expect(received).toEqual([]);
    await dispatcher.close();
  });

  it("refuses a target once its port becomes one of the runtime's own, after delivering to it before", async () => {
    const reserved: number[] = [];
    const dispatcher = new HttpTargetDispatcher({
      allowLoopbackTargets: true,
      reservedPorts: () => reserved,
    });
    const sent = delivery(`http://127.0.0.1:${port}/x`);

    await dispatcher.deliver(sent);
    reserved.push(port);
    const error = await refusal(dispatcher.deliver(sent));

    expect(error).toMatchObject({ code: 'FORBIDDEN_TARGET', retryable: false });
    expect(received).toHaveLength(1);
    await dispatcher.close();
  });

  it('resolves a host name again at every delivery to the same target', async () => {
    const table: Record<string, string[]> = { 'sink.example.test': ['127.0.0.1'] };
    const resolver = fakeResolver(table);
    const dispatcher = new HttpTargetDispatcher({
      resolver: resolver.resolve,
      allowLoopbackTargets: true,
      allowInsecureHttp: true,
    });
    const sent = delivery(`http://sink.example.test:${port}/x`);

    await dispatcher.deliver(sent);
    table['sink.example.test'] = ['10.0.0.5'];
    const error = await refusal(dispatcher.deliver(sent));

    expect(resolver.asked).toEqual(['sink.example.test', 'sink.example.test']);
    expect(error.message).toMatch(/resolves to 10\.0\.0\.5, which is a private address/);
    expect(received).toHaveLength(1);
    await dispatcher.close();
  });

  it('sends the headers of the target definition in force (a changed target is a new definition)', async () => {
    const dispatcher = new HttpTargetDispatcher({ allowLoopbackTargets: true });
    const first = delivery(`http://127.0.0.1:${port}/x`);
    const changed: Delivery = {
      ...first,
      target: { ...first.target, HttpParameters: { HeaderParameters: { 'x-team': 'parcels' } } },
    };

    await dispatcher.deliver(first);
    await dispatcher.deliver(changed);

    expect(received[0]?.['x-team']).toBeUndefined();
    expect(received[1]).toEqual(expect.objectContaining({ 'x-team': 'parcels' }));
    await dispatcher.close();
  });

  it('refuses metadata host names before resolving them', async () => {
    const resolver = fakeResolver({});
    const dispatcher = new HttpTargetDispatcher({ resolver: resolver.resolve });

    const error = await refusal(dispatcher.deliver(delivery('https://metadata.google.internal/x')));

    expect(error.message).toMatch(/the host metadata\.google\.internal is a cloud metadata service/);
    expect(resolver.asked).toEqual([]);
    expect(connects).not.toHaveBeenCalled();
    await dispatcher.close();
  });
});

describe('HttpTargetDispatcher answers', () => {
  let server: Server;
  let port: number;
  /** What the target answers: a status, and a body in chunks (endless when `chunks` is undefined). */
  let answer: { status: number; chunk: string; chunks: number | undefined };

  beforeAll(async () => {
    server = createServer((request, response) => {
      request.resume();
      request.on('end', () => {
        response.writeHead(answer.status, { 'content-type': 'text/plain' });
        let sent = 0;
        const more = (): void => {
          while (answer.chunks === undefined || sent < answer.chunks) {
            sent += 1;
            if (!response.write(answer.chunk)) {
              response.once('drain', more);
              return;
            }
          }
          response.end();
        };
        response.on('close', () => response.off('drain', more));
        more();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await new Promise((resolve) => breakingServer.close(resolve));
  });

  /** A target that answers 200 with a body of 100 bytes, sends 7 of them and closes the connection. */
  let breakingServer: Server;
  let breaking: number;
  beforeAll(async () => {
    breakingServer = createServer((request, response) => {
      request.resume();
      request.on('end', () => {
        response.writeHead(200, { 'content-length': '100' });
        response.write('partial', () => response.socket?.destroy());
      });
    });
    await new Promise<void>((resolve) => breakingServer.listen(0, '127.0.0.1', resolve));
    breaking = (breakingServer.address() as AddressInfo).port;
  });

  const dispatcher = () => new HttpTargetDispatcher({ allowLoopbackTargets: true });

  it('counts a 2xx as delivered without reading a body longer than it needs', async () => {
    answer = { status: 200, chunk: 'x'.repeat(16 * 1024), chunks: undefined };
    const target = dispatcher();
    try {
      await expect(target.deliver(delivery(`http://127.0.0.1:${port}/endless`))).resolves.toBeUndefined();
    } finally {
      await target.close();
    }
  });

  it('counts a 2xx as delivered when the connection breaks off in the middle of its body', async () => {
    const target = dispatcher();
    try {
      await expect(target.deliver(delivery(`http://127.0.0.1:${breaking}/cut`))).resolves.toBeUndefined();
    } finally {
      await target.close();
    }
  });

  it('names the status and the start of the body of a failed answer, retryable for a 5xx only', async () => {
    const target = dispatcher();
    try {
      answer = { status: 503, chunk: 'busy, come back later ', chunks: 100 };
      const unavailable = await refusal(target.deliver(delivery(`http://127.0.0.1:${port}/busy`)));
      expect(unavailable.code).toBe('HTTP_503');
      expect(unavailable.retryable).toBe(true);
      expect(unavailable.message).toMatch(
        new RegExp(`^http://127\\.0\\.0\\.1:${port}/busy answered HTTP 503: busy, come back later busy`),
      );
      expect(unavailable.message.length).toBeLessThan(400);

      answer = { status: 400, chunk: 'no such field', chunks: 1 };
      const refused = await refusal(target.deliver(delivery(`http://127.0.0.1:${port}/strict`)));
      expect(refused).toMatchObject({ code: 'HTTP_400', retryable: false });
      expect(refused.message).toMatch(/answered HTTP 400: no such field$/);
    } finally {
      await target.close();
    }
  });
});
