import {
  beginSignIn,
  codeChallenge,
  completeSignIn,
  HostedUiError,
  type HostedUiSettings,
  hostedUiBaseUrl,
  logoutUrl,
  readCallback,
  refreshTokens,
} from '../../src/app/hosted-ui';
import { type FakeTokenEndpoint, startTokenEndpoint, unsignedJwt } from '../support/token-endpoint';

const CLIENT_ID = '4n0ther5ecretl3ssc1ient';
const REDIRECT = 'https://d111111abcdef8.cloudfront.net/';

let endpoint: FakeTokenEndpoint;
let settings: HostedUiSettings;
let issued = 0;

beforeAll(async () => {
  endpoint = await startTokenEndpoint({
    clientId: CLIENT_ID,
    issueIdToken: () => unsignedJwt({ sub: 'alice', n: ++issued, exp: Math.floor(Date.now() / 1000) + 3600 }),
  });
  settings = { baseUrl: endpoint.baseUrl, clientId: CLIENT_ID, region: 'eu-west-1' };
});

afterAll(async () => {
  await endpoint.close();
});

/** The browser's trip to the hosted UI and back: the query the redirect URI receives. */
async function visitHostedUi(url: string): Promise<string> {
  const answer = await fetch(url, { redirect: 'manual' });
  expect(answer.status).toBe(302);
  return new URL(answer.headers.get('location') ?? '').search;
}

describe('PKCE', () => {
  it('derives the S256 challenge of RFC 7636 appendix B', async () => {
    await expect(codeChallenge('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk')).resolves.toBe(
      'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    );
  });

  it('asks the authorize endpoint for a code with an S256 challenge, a fresh state and the ID token scopes', async () => {
    const first = await beginSignIn(settings, REDIRECT, '#/subscriptions');
    const second = await beginSignIn(settings, REDIRECT);
    const url = new URL(first.url);

    expect(`${url.origin}${url.pathname}`).toBe(`${endpoint.baseUrl}/oauth2/authorize`);
    expect(Object.fromEntries(url.searchParams)).toEqual({
      response_type: 'code',
      client_id: CLIENT_ID,
      redirect_uri: REDIRECT,
      scope: 'openid email profile',
      state: first.pending.state,
      code_challenge_method: 'S256',
      code_challenge: await codeChallenge(first.pending.verifier),
    });
    expect(first.pending.verifier).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(first.pending.returnTo).toBe('#/subscriptions');
    expect(second.pending.state).not.toBe(first.pending.state);
    expect(second.pending.verifier).not.toBe(first.pending.verifier);
  });
});

describe('the code exchange', () => {
  it('exchanges the code with its verifier for ID, access and refresh tokens', async () => {
    const { pending, url } = await beginSignIn(settings, REDIRECT);
    const callback = readCallback(await visitHostedUi(url));

    const tokens = await completeSignIn(settings, callback, pending);

    expect(tokens.idToken).toMatch(/^[\w-]+\.[\w-]+\.$/);
    expect(tokens.refreshToken).toEqual(expect.any(String));
    expect(tokens.expiresIn).toBe(3600);
    const request = endpoint.requests.at(-1);
    expect(request?.contentType).toBe('application/x-www-form-urlencoded');
    expect(request?.form).toEqual({
      grant_type: 'authorization_code',
      client_id: CLIENT_ID,
      code: callback.kind === 'code' ? callback.code : '',
      redirect_uri: REDIRECT,
      code_verifier: pending.verifier,
    });
  });

  it('is refused by the token endpoint with another verifier (invalid_grant), and a code is used once', async () => {
    const { pending, url } = await beginSignIn(settings, REDIRECT);
    const callback = readCallback(await visitHostedUi(url));

    const forged = completeSignIn(settings, callback, { ...pending, verifier: 'x'.repeat(43) });
    await expect(forged).rejects.toMatchObject({ name: 'HostedUiError', code: 'invalid_grant', status: 400 });
    // The code was spent by the refused attempt: the right verifier cannot use it either.
    await expect(completeSignIn(settings, callback, pending)).rejects.toMatchObject({
      code: 'invalid_grant',
    });
  });

  it('refuses an answer whose state is not the pending one, before calling the token endpoint', async () => {
    const { pending, url } = await beginSignIn(settings, REDIRECT);
    const callback = readCallback(await visitHostedUi(url));
    const before = endpoint.requests.length;

    await expect(
      completeSignIn(settings, callback, { ...pending, state: 'another-tab' }),
    ).rejects.toMatchObject({
      code: 'invalid_state',
    });
    await expect(completeSignIn(settings, callback, undefined)).rejects.toThrow(/did not start a sign-in/);
    expect(endpoint.requests.length).toBe(before);
  });

  it("reports the hosted UI's error answer with its description", async () => {
    const callback = readCallback('?error=access_denied&error_description=User+is+disabled&state=s1');

    expect(callback).toEqual({
      kind: 'error',
      error: 'access_denied',
      description: 'User is disabled',
      state: 's1',
    });
    await expect(
      completeSignIn(settings, callback, {
        state: 's1',
        verifier: 'v',
        redirectUri: REDIRECT,
        returnTo: '#/',
      }),
    ).rejects.toEqual(new HostedUiError('access_denied', 'User is disabled'));
  });

  it('reads an address without a code as nothing to finish', () => {
    expect(readCallback('')).toEqual({ kind: 'none' });
    expect(readCallback('?code=abc')).toEqual({ kind: 'none' });
  });

  it('names an unreachable token endpoint', async () => {
    const closed = await startTokenEndpoint({ clientId: CLIENT_ID, issueIdToken: () => 'x' });
    await closed.close();

    await expect(refreshTokens({ ...settings, baseUrl: closed.baseUrl }, 'r')).rejects.toMatchObject({
      code: 'unreachable',
    });
  });
});

describe('the refresh', () => {
  it('gets a new ID token for the refresh token, and is refused once it is revoked', async () => {
    const { pending, url } = await beginSignIn(settings, REDIRECT);
    const signedIn = await completeSignIn(settings, readCallback(await visitHostedUi(url)), pending);
    const refreshToken = signedIn.refreshToken ?? '';

    const refreshed = await refreshTokens(settings, refreshToken);

    expect(refreshed.idToken).not.toBe(signedIn.idToken);
    expect(refreshed.refreshToken).toBeUndefined();
    expect(endpoint.requests.at(-1)?.form).toEqual({
      grant_type: 'refresh_token',
      client_id: CLIENT_ID,
      refresh_token: refreshToken,
    });
    endpoint.revoke(refreshToken);
    await expect(refreshTokens(settings, refreshToken)).rejects.toMatchObject({ code: 'invalid_grant' });
  });
});

describe('the hosted UI addresses', () => {
  it('signs out at /logout with the client and the sign-out URL', () => {
    const url = new URL(logoutUrl(settings, REDIRECT));

    expect(url.pathname).toBe('/logout');
    expect(Object.fromEntries(url.searchParams)).toEqual({ client_id: CLIENT_ID, logout_uri: REDIRECT });
  });

  it('takes the domain as the template outputs it, over HTTPS; plain HTTP only on loopback', () => {
    expect(hostedUiBaseUrl('dev-bridgeport-123456789012.auth.eu-west-1.amazoncognito.com')).toBe(
      'https://dev-bridgeport-123456789012.auth.eu-west-1.amazoncognito.com',
    );
    expect(hostedUiBaseUrl('https://auth.example.com/')).toBe('https://auth.example.com');
    expect(hostedUiBaseUrl('http://127.0.0.1:4000')).toBe('http://127.0.0.1:4000');
    expect(() => hostedUiBaseUrl('http://auth.example.com')).toThrow(/not a host name/);
  });
});
