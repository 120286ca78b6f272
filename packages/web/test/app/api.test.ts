import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApiError, PortalApi } from '../../src/app/api';
import type { HostedUiSettings } from '../../src/app/hosted-ui';
import { Session } from '../../src/app/session';
import { MemoryStore } from '../support/memory-store';
import { type FakeTokenEndpoint, startTokenEndpoint, unsignedJwt } from '../support/token-endpoint';

const CLIENT_ID = 'portal-web-client';
const NOW = Date.parse('2026-03-01T12:00:00Z');

/** A stand-in for the portal API: answers 401 to a token it no longer takes; `/slow` answers only when released. */
interface FakePortal {
  readonly apiUrl: string;
  /** The Authorization header of every request, in order ('' when none). */
  readonly seen: string[];
  readonly refused: Set<string>;
  /** Resolves when `/slow` has been received; `release()` lets it answer. */
  slowArrived: Promise<void>;
  release(): void;
  close(): Promise<void>;
}

async function startPortal(): Promise<FakePortal> {
  let arrived: () => void = () => undefined;
  let release: () => void = () => undefined;
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  const portal = {
    seen: [] as string[],
    refused: new Set<string>(),
    slowArrived: new Promise<void>((resolve) => {
      arrived = resolve;
    }),
    release: () => release(),
  };
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const authorization = request.headers.authorization ?? '';
    portal.seen.push(authorization);
    const answer = () => {
      const token = authorization.replace(/^Bearer /, '');
      const ok = token !== '' && !portal.refused.has(token);
      response.writeHead(ok ? 200 : 401, { 'content-type': 'application/json' });
      response.end(JSON.stringify(ok ? { items: [] } : { message: 'Unauthorized' }));
    };
    if (request.url === '/slow') {
      arrived();
      void released.then(answer);
    } else answer();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    ...portal,
    apiUrl: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error === undefined ? resolve() : reject(error)));
      }),
  };
}

let endpoint: FakeTokenEndpoint;
let hostedUi: HostedUiSettings;
let portal: FakePortal;
let clock = NOW;

beforeAll(async () => {
  endpoint = await startTokenEndpoint({
    clientId: CLIENT_ID,
    issueIdToken: () => unsignedJwt({ sub: 'alice', exp: Math.floor((clock + 3_600_000) / 1000) }),
  });
  hostedUi = { baseUrl: endpoint.baseUrl, clientId: CLIENT_ID };
});

afterAll(async () => {
  await endpoint.close();
});

beforeEach(async () => {
  clock = NOW;
  portal = await startPortal();
});

afterEach(async () => {
  portal.release();
  await portal.close();
});

describe('a request whose token the portal refuses', () => {
  it('never goes out again with that token once a shared refresh of it failed', async () => {
    const store = new MemoryStore();
    // A hosted-UI sign-in whose refresh token has since been revoked.
    store.setItem(
      'bridgeport.token',
      unsignedJwt({ sub: 'alice', exp: Math.floor((NOW + 3_600_000) / 1000) }),
    );
    store.setItem('bridgeport.refresh', 'revoked-refresh-token');
    let releaseRefresh: () => void = () => undefined;
    const refreshGate = new Promise<void>((resolve) => {
      releaseRefresh = resolve;
    });
    const session = new Session(store, {
      hostedUi,
      now: () => clock,
      fetch: async (input, init) => {
        await refreshGate;
        return fetch(input, init);
      },
    });
    const api = new PortalApi({ apiUrl: portal.apiUrl, producerUrl: '' }, session);
    const token = session.token ?? '';

    // One request goes out with the token; the portal stops taking it before answering.
    const slow = api.get('/slow');
    await portal.slowArrived;
    portal.refused.add(token);
    // Another starts as the token nears its end: it begins a refresh (which would let it keep a still-valid token).
    clock += 3_600_000 - 30_000;
    const fast = api.get('/fast');
    // The first is answered 401 and joins that refresh, which then fails.
    const unauthorized = session.afterUnauthorized.bind(session);
    const joined = new Promise<void>((resolve) => {
      jest.spyOn(session, 'afterUnauthorized').mockImplementation((refused) => {
        const answer = unauthorized(refused);
        resolve();
        return answer;
      });
    });
    portal.release();
    await joined;
    releaseRefresh();

    const outcomes = await Promise.allSettled([slow, fast]);

    for (const outcome of outcomes) {
      expect(outcome.status).toBe('rejected');
      expect((outcome as PromiseRejectedResult).reason).toBeInstanceOf(ApiError);
      expect(((outcome as PromiseRejectedResult).reason as ApiError).status).toBe(401);
    }
    expect(session.token).toBeUndefined();
    expect(session.signedOutReason).toBe('Your session has ended: sign in again.');
    await expect(api.get('/later')).rejects.toMatchObject({ status: 401 });
    expect(portal.seen.filter((header) => header === `Bearer ${token}`)).toHaveLength(1);
    expect(portal.seen.at(-1)).toBe('');
  });
});
