import { settingsFrom } from '../../src/app/api';
import { beginSignIn, type HostedUiSettings } from '../../src/app/hosted-ui';
import { type KeyValueStore, Session, tokenExpiry } from '../../src/app/session';
import { MemoryStore } from '../support/memory-store';
import { type FakeTokenEndpoint, startTokenEndpoint, unsignedJwt } from '../support/token-endpoint';

const CLIENT_ID = 'portal-web-client';
const REDIRECT = 'https://d111111abcdef8.cloudfront.net/';
const NOW = Date.parse('2026-03-01T12:00:00Z');

const tokenEnding = (at: number, sub = 'alice') => unsignedJwt({ sub, exp: Math.floor(at / 1000) });

let endpoint: FakeTokenEndpoint;
let hostedUi: HostedUiSettings;
let clock = NOW;

beforeAll(async () => {
  endpoint = await startTokenEndpoint({
    clientId: CLIENT_ID,
    issueIdToken: () => tokenEnding(clock + 3_600_000),
  });
  hostedUi = { baseUrl: endpoint.baseUrl, clientId: CLIENT_ID };
});

afterAll(async () => {
  await endpoint.close();
});

beforeEach(() => {
  clock = NOW;
});

/** A tab that went to the hosted UI and came back with `?code=…&state=…`. */
async function signedInThroughHostedUi(store: KeyValueStore): Promise<Session> {
  const session = new Session(store, { hostedUi, now: () => clock });
  const { pending, url } = await beginSignIn(hostedUi, REDIRECT, '#/events/scanned_parcel');
  session.savePending(pending);
  const back = await fetch(url, { redirect: 'manual' });
  const returnTo = await session.finishSignIn(new URL(back.headers.get('location') ?? '').search);
  expect(returnTo).toBe('#/events/scanned_parcel');
  return session;
}

describe('a hosted-UI session', () => {
  it('keeps the ID token and the refresh token in the tab, and uses the pending sign-in once', async () => {
    const store = new MemoryStore();
    const session = await signedInThroughHostedUi(store);

    expect(session.token).toBe(store.getItem('bridgeport.token'));
    expect(store.getItem('bridgeport.refresh')).toEqual(expect.any(String));
    expect(session.takePending()).toBeUndefined();
  });

  it('sends the token as it is while it has more than a minute left', async () => {
    const session = await signedInThroughHostedUi(new MemoryStore());
    const token = session.token;
    const before = endpoint.requests.length;

    clock += 3_600_000 - 61_000;

    await expect(session.currentToken()).resolves.toBe(token);
    expect(endpoint.requests.length).toBe(before);
  });

  it('refreshes a token about to expire, once for requests made together', async () => {
    const session = await signedInThroughHostedUi(new MemoryStore());
    const old = session.token;
    let changes = 0;
    session.subscribe(() => changes++);
    const before = endpoint.requests.length;

    clock += 3_600_000 - 30_000;
    const [a, b] = await Promise.all([session.currentToken(), session.currentToken()]);

    expect(a).toBe(b);
    expect(a).not.toBe(old);
    expect(tokenExpiry(a)).toBe(Math.floor((clock + 3_600_000) / 1000) * 1000);
    expect(endpoint.requests.slice(before).map((request) => request.form.grant_type)).toEqual([
      'refresh_token',
    ]);
    expect(changes).toBe(1);
  });

  it('signs the tab out, saying why, when an expired token cannot be refreshed', async () => {
    const store = new MemoryStore();
    const session = await signedInThroughHostedUi(store);
    endpoint.revoke(store.getItem('bridgeport.refresh') ?? '');

    clock += 3_600_000 + 1_000;

    await expect(session.currentToken()).resolves.toBeUndefined();
    expect(session.token).toBeUndefined();
    expect(store.items.size).toBe(0);
    expect(session.signedOutReason).toBe('Your session has ended: sign in again.');
  });

  it('refreshes after the API refused the token (401)', async () => {
    const session = await signedInThroughHostedUi(new MemoryStore());
    const old = session.token;
    clock += 5_000;

    const fresh = await session.afterUnauthorized();

    expect(fresh).toEqual(expect.any(String));
    expect(fresh).not.toBe(old);
    expect(session.token).toBe(fresh);
  });

  it('signs the tab out for every caller when a shared refresh fails after the API refused the token', async () => {
    const store = new MemoryStore();
    const session = await signedInThroughHostedUi(store);
    const refused = session.token;
    endpoint.revoke(store.getItem('bridgeport.refresh') ?? '');
    const before = endpoint.requests.length;

    // The token has 30 s left: one request starts a refresh (it could still use the token were the refresh to fail)
    // while another request's answer, a 401, says the portal no longer takes it.
    clock += 3_600_000 - 30_000;
    const [starter, refusedCaller] = await Promise.all([
      session.currentToken(),
      session.afterUnauthorized(refused),
    ]);

    expect(endpoint.requests.length - before).toBe(1);
    expect(starter).toBeUndefined();
    expect(refusedCaller).toBeUndefined();
    expect(session.token).toBeUndefined();
    expect(store.items.size).toBe(0);
    expect(session.signedOutReason).toBe('Your session has ended: sign in again.');
    await expect(session.currentToken()).resolves.toBeUndefined();
  });

  it('keeps a token about to expire when its refresh fails and nobody was refused', async () => {
    const store = new MemoryStore();
    const session = await signedInThroughHostedUi(store);
    const token = session.token;
    endpoint.revoke(store.getItem('bridgeport.refresh') ?? '');

    clock += 3_600_000 - 30_000;
    const [a, b] = await Promise.all([session.currentToken(), session.currentToken()]);

    expect(a).toBe(token);
    expect(b).toBe(token);
    expect(session.token).toBe(token);
  });

  it('answers a 401 for a token already replaced with the new token, without another refresh', async () => {
    const session = await signedInThroughHostedUi(new MemoryStore());
    const refused = session.token;
    clock += 3_600_000 - 30_000;
    const fresh = await session.currentToken();
    const before = endpoint.requests.length;

    await expect(session.afterUnauthorized(refused)).resolves.toBe(fresh);
    expect(fresh).not.toBe(refused);
    expect(endpoint.requests.length).toBe(before);
  });

  it('refuses a sign-in answer that does not match the pending one, keeping the tab signed out', async () => {
    const session = new Session(new MemoryStore(), { hostedUi, now: () => clock });
    const { pending } = await beginSignIn(hostedUi, REDIRECT);
    session.savePending(pending);

    await expect(session.finishSignIn('?code=stolen&state=forged')).rejects.toMatchObject({
      code: 'invalid_state',
    });
    expect(session.token).toBeUndefined();
    await expect(session.finishSignIn('?unrelated=1')).resolves.toBeUndefined();
  });
});

describe('a pasted token', () => {
  it('is used until it expires, then the tab is signed out (nothing to refresh it with)', async () => {
    const session = new Session(new MemoryStore(), { now: () => clock });
    session.signInWithToken(`  ${tokenEnding(NOW + 120_000)}\n`);

    clock = NOW + 90_000;
    await expect(session.currentToken()).resolves.toBe(tokenEnding(NOW + 120_000));

    clock = NOW + 121_000;
    await expect(session.currentToken()).resolves.toBeUndefined();
    expect(session.signedOutReason).toBe('Your session has expired: sign in again.');
  });
});

describe('config.json', () => {
  it('names the hosted UI only when both the domain and the client are given', () => {
    expect(
      settingsFrom({
        apiUrl: '',
        producerUrl: 'https://broker.example.com/dev/',
        region: 'eu-west-1',
        cognitoDomain: 'dev-bridgeport-123456789012.auth.eu-west-1.amazoncognito.com',
        cognitoClientId: 'abc',
      }),
    ).toEqual({
      apiUrl: '',
      producerUrl: 'https://broker.example.com/dev',
      hostedUi: {
        baseUrl: 'https://dev-bridgeport-123456789012.auth.eu-west-1.amazoncognito.com',
        clientId: 'abc',
        region: 'eu-west-1',
      },
    });
    expect(
      settingsFrom({ apiUrl: '', producerUrl: '', cognitoDomain: 'x.auth.eu-west-1.amazoncognito.com' }),
    ).toEqual({ apiUrl: '', producerUrl: '' });
  });
});
