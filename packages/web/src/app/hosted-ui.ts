/**
 * Signing in through the user pool's hosted UI: the OAuth 2.0 authorization code grant with PKCE (RFC 7636, S256,
 * the one method Cognito supports), as Cognito's endpoints define it — `GET /oauth2/authorize`, `POST /oauth2/token`
 * (form-encoded; `authorization_code` and `refresh_token` grants; a public client, so `client_id` in the body and no
 * secret) and `GET /logout` (`client_id`, `logout_uri`). Written here rather than taken from a library because the
 * page needs only these three calls and the portal's bundle stays free of an auth SDK; it uses the browser's Web
 * Crypto (`crypto.getRandomValues`, `crypto.subtle`) and `fetch`, which Node has too, so it is tested in Node against
 * a token endpoint on 127.0.0.1.
 */

/** What config.json says about the user pool's hosted UI. */
export interface HostedUiSettings {
  /** Base URL of the user pool's domain, e.g. `https://dev-bridgeport-123456789012.auth.eu-west-1.amazoncognito.com`. */
  readonly baseUrl: string;
  /** The web portal's app client (public: no secret). */
  readonly clientId: string;
  readonly region?: string;
}

/** The token endpoint's answer to a code exchange or a refresh. */
export interface TokenSet {
  readonly idToken: string;
  readonly accessToken?: string;
  /** Absent from a refresh's answer: the refresh token given at sign-in stays valid. */
  readonly refreshToken?: string;
  /** Seconds the ID and access tokens are valid. */
  readonly expiresIn?: number;
}

/** A sign-in that failed: the OAuth error code (`invalid_grant`, `access_denied`, …) and what it means. */
export class HostedUiError extends Error {
  override readonly name = 'HostedUiError';
  constructor(
    readonly code: string,
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

/** The scopes the page asks for: an ID token (`openid`) with the user's name and e-mail. */
export const HOSTED_UI_SCOPES = ['openid', 'email', 'profile'] as const;

/**
 * A domain as config.json gives it — a host name (`x.auth.eu-west-1.amazoncognito.com`, the template's output) or a
 * URL — as a base URL: always `https://`, except a loopback `http://` address (a test's token endpoint).
 */
export function hostedUiBaseUrl(domain: string): string {
  const trimmed = domain.trim().replace(/\/+$/, '');
  if (/^https:\/\//i.test(trimmed)) return trimmed;
  if (/^http:\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d+)?$/i.test(trimmed)) return trimmed;
  if (/^[a-z0-9.-]+$/i.test(trimmed)) return `https://${trimmed}`;
  throw new HostedUiError(
    'invalid_configuration',
    `The sign-in domain ${JSON.stringify(domain)} is not a host name`,
  );
}

function base64Url(bytes: Uint8Array): string {
  let text = '';
  for (const byte of bytes) text += String.fromCharCode(byte);
  return btoa(text).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** A random string of unreserved characters: 32 random bytes, base64url (43 characters, as RFC 7636 recommends). */
export function randomToken(): string {
  return base64Url(crypto.getRandomValues(new Uint8Array(32)));
}

/** `BASE64URL(SHA256(verifier))`: the S256 code challenge. */
export async function codeChallenge(verifier: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier));
  return base64Url(new Uint8Array(digest));
}

/** A sign-in under way: what the page keeps (in the tab) between leaving for the hosted UI and coming back. */
export interface PendingSignIn {
  readonly state: string;
  readonly verifier: string;
  readonly redirectUri: string;
  /** The page's route to return to (`#/events/x`). */
  readonly returnTo: string;
}

/** A new PKCE verifier and state, and the hosted UI's authorize URL that carries the challenge. */
export async function beginSignIn(
  settings: HostedUiSettings,
  redirectUri: string,
  returnTo = '#/',
): Promise<{ readonly pending: PendingSignIn; readonly url: string }> {
  const pending: PendingSignIn = { state: randomToken(), verifier: randomToken(), redirectUri, returnTo };
  const query = new URLSearchParams({
    response_type: 'code',
    client_id: settings.clientId,
    redirect_uri: redirectUri,
    scope: HOSTED_UI_SCOPES.join(' '),
    state: pending.state,
    code_challenge_method: 'S256',
    code_challenge: await codeChallenge(pending.verifier),
  });
  return { pending, url: `${settings.baseUrl}/oauth2/authorize?${query}` };
}

/** The hosted UI's sign-out URL: Cognito ends its session and sends the browser to `logoutUri`. */
export function logoutUrl(settings: HostedUiSettings, logoutUri: string): string {
  const query = new URLSearchParams({ client_id: settings.clientId, logout_uri: logoutUri });
  return `${settings.baseUrl}/logout?${query}`;
}

/** What came back on the redirect URI's query: a code, an error, or nothing to do with signing in. */
export type Callback =
  | { readonly kind: 'code'; readonly code: string; readonly state: string }
  | { readonly kind: 'error'; readonly error: string; readonly description?: string; readonly state?: string }
  | { readonly kind: 'none' };

export function readCallback(search: string): Callback {
  const query = new URLSearchParams(search);
  const error = query.get('error');
  if (error !== null) {
    const description = query.get('error_description');
    const state = query.get('state');
    return {
      kind: 'error',
      error,
      ...(description === null ? {} : { description }),
      ...(state === null ? {} : { state }),
    };
  }
  const code = query.get('code');
  const state = query.get('state');
  if (code !== null && state !== null) return { kind: 'code', code, state };
  return { kind: 'none' };
}

/**
 * Finishes a sign-in: the callback's state must be the pending one (else the answer is not to this tab's request),
 * then the code is exchanged with the verifier at the token endpoint.
 */
export async function completeSignIn(
  settings: HostedUiSettings,
  callback: Callback,
  pending: PendingSignIn | undefined,
  fetchImpl: typeof fetch = fetch,
): Promise<TokenSet> {
  if (callback.kind === 'none') throw new HostedUiError('invalid_request', 'There is no sign-in to finish');
  if (callback.kind === 'error') {
    throw new HostedUiError(
      callback.error,
      callback.description ?? `The sign-in was refused (${callback.error})`,
    );
  }
  if (pending === undefined) {
    throw new HostedUiError('invalid_state', 'This tab did not start a sign-in: sign in again');
  }
  if (callback.state !== pending.state) {
    throw new HostedUiError('invalid_state', 'The sign-in answer does not belong to this tab: sign in again');
  }
  return tokenRequest(
    settings,
    {
      grant_type: 'authorization_code',
      client_id: settings.clientId,
      code: callback.code,
      redirect_uri: pending.redirectUri,
      code_verifier: pending.verifier,
    },
    fetchImpl,
  );
}

/** New ID and access tokens for a refresh token. */
export function refreshTokens(
  settings: HostedUiSettings,
  refreshToken: string,
  fetchImpl: typeof fetch = fetch,
): Promise<TokenSet> {
  return tokenRequest(
    settings,
    { grant_type: 'refresh_token', client_id: settings.clientId, refresh_token: refreshToken },
    fetchImpl,
  );
}

async function tokenRequest(
  settings: HostedUiSettings,
  form: Record<string, string>,
  fetchImpl: typeof fetch,
): Promise<TokenSet> {
  let response: Response;
  try {
    response = await fetchImpl(`${settings.baseUrl}/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: new URLSearchParams(form).toString(),
    });
  } catch (cause) {
    throw new HostedUiError(
      'unreachable',
      `The sign-in service did not answer: ${cause instanceof Error ? cause.message : String(cause)}`,
    );
  }
  const text = await response.text();
  let body: Record<string, unknown> = {};
  try {
    const parsed: unknown = text === '' ? {} : JSON.parse(text);
    if (typeof parsed === 'object' && parsed !== null) body = parsed as Record<string, unknown>;
  } catch {
    // Not JSON: reported below by status.
  }
  if (!response.ok) {
    const code = typeof body.error === 'string' ? body.error : 'server_error';
    const description = typeof body.error_description === 'string' ? `: ${body.error_description}` : '';
    throw new HostedUiError(
      code,
      `The sign-in service refused the request (${code}${description})`,
      response.status,
    );
  }
  if (typeof body.id_token !== 'string' || body.id_token === '') {
    throw new HostedUiError(
      'invalid_response',
      'The sign-in service answered without an ID token',
      response.status,
    );
  }
  return {
    idToken: body.id_token,
    ...(typeof body.access_token === 'string' ? { accessToken: body.access_token } : {}),
    ...(typeof body.refresh_token === 'string' ? { refreshToken: body.refresh_token } : {}),
    ...(typeof body.expires_in === 'number' ? { expiresIn: body.expires_in } : {}),
  };
}
