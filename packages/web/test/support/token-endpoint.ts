/**
 * A stand-in for a user pool's hosted UI on 127.0.0.1, holding to Cognito's contract: `GET /oauth2/authorize`
 * (signs the one test user in at once and redirects to `redirect_uri` with `code` and `state`), `POST /oauth2/token`
 * (form-encoded; the authorization code grant checked against the S256 challenge, the client and the redirect URI,
 * each code used once; the refresh token grant) answering with CORS as Cognito does, and errors as
 * `{ "error": "invalid_grant" }`; `GET /logout` redirects to `logout_uri`. Cognito itself cannot run here; this is the only fake of it.
 */
import { createHash, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface TokenEndpointOptions {
  readonly clientId: string;
  /** The ID token issued for a grant (a JWT the API accepts); seconds of validity are given as `expires_in`. */
  readonly issueIdToken: () => string | Promise<string>;
  readonly expiresIn?: number;
}

export interface TokenRequestSeen {
  readonly path: string;
  readonly contentType: string | undefined;
  readonly form: Record<string, string>;
}

export interface FakeTokenEndpoint {
  readonly baseUrl: string;
  /** Every POST to /oauth2/token, in order. */
  readonly requests: TokenRequestSeen[];
  /** Every GET to /oauth2/authorize, its query. */
  readonly authorizations: Record<string, string>[];
  /** Every GET to /logout, its query (`client_id`, `logout_uri`: redirected there). */
  readonly logouts: Record<string, string>[];
  /** Refresh tokens no longer accepted (as after a revocation). */
  revoke(refreshToken: string): void;
  close(): Promise<void>;
}

interface IssuedCode {
  readonly challenge: string;
  readonly method: string;
  readonly clientId: string;
  readonly redirectUri: string;
  used: boolean;
}

export async function startTokenEndpoint(options: TokenEndpointOptions): Promise<FakeTokenEndpoint> {
  const codes = new Map<string, IssuedCode>();
  const refreshTokens = new Set<string>();
  const requests: TokenRequestSeen[] = [];
  const authorizations: Record<string, string>[] = [];
  const logouts: Record<string, string>[] = [];
  const server: Server = createServer((request, response) => {
    handle(request).then(
      ({ status, headers, body }) => {
        response.writeHead(status, {
          ...headers,
          'access-control-allow-origin': request.headers.origin ?? '*',
        });
        response.end(body);
      },
      (error: unknown) => {
        response.writeHead(500, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ error: 'server_error', error_description: String(error) }));
      },
    );
  });

  const json = (status: number, value: unknown) => ({
    status,
    headers: { 'content-type': 'application/json;charset=UTF-8', 'cache-control': 'no-store' },
    body: JSON.stringify(value),
  });

  async function handle(request: IncomingMessage) {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    if (request.method === 'GET' && url.pathname === '/oauth2/authorize') {
      const query = Object.fromEntries(url.searchParams);
      authorizations.push(query);
      if (query.response_type !== 'code' || query.client_id !== options.clientId || !query.redirect_uri) {
        return json(400, { error: 'invalid_request' });
      }
      const code = randomUUID();
      codes.set(code, {
        challenge: query.code_challenge ?? '',
        method: query.code_challenge_method ?? '',
        clientId: query.client_id,
        redirectUri: query.redirect_uri,
        used: false,
      });
      const back = new URL(query.redirect_uri);
      back.searchParams.set('code', code);
      if (query.state !== undefined) back.searchParams.set('state', query.state);
      return { status: 302, headers: { location: back.toString() }, body: '' };
    }
    if (request.method === 'GET' && url.pathname === '/logout') {
      const query = Object.fromEntries(url.searchParams);
      logouts.push(query);
      if (query.client_id !== options.clientId || !query.logout_uri)
        return json(400, { error: 'invalid_request' });
      return { status: 302, headers: { location: query.logout_uri }, body: '' };
    }
    if (request.method === 'POST' && url.pathname === '/oauth2/token') {
      const chunks: Buffer[] = [];
      for await (const chunk of request) chunks.push(chunk as Buffer);
      const contentType = request.headers['content-type'];
      const form = Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString('utf8')));
      requests.push({ path: url.pathname, contentType, form });
      if (contentType?.split(';')[0] !== 'application/x-www-form-urlencoded') {
        return json(400, { error: 'invalid_request' });
      }
      if (form.client_id !== options.clientId) return json(400, { error: 'invalid_client' });
      if (form.grant_type === 'authorization_code') {
        const issued = form.code === undefined ? undefined : codes.get(form.code);
        if (issued === undefined || issued.used) return json(400, { error: 'invalid_grant' });
        issued.used = true;
        const challenge = createHash('sha256')
          .update(form.code_verifier ?? '')
          .digest('base64url');
        if (issued.method !== 'S256' || challenge !== issued.challenge)
          return json(400, { error: 'invalid_grant' });
        if (form.redirect_uri !== issued.redirectUri) return json(400, { error: 'invalid_grant' });
        const refreshToken = randomUUID();
        refreshTokens.add(refreshToken);
        return json(200, {
          id_token: await options.issueIdToken(),
          access_token: `access-${randomUUID()}`,
          refresh_token: refreshToken,
          expires_in: options.expiresIn ?? 3600,
          token_type: 'Bearer',
        });
      }
      if (form.grant_type === 'refresh_token') {
        if (form.refresh_token === undefined || !refreshTokens.has(form.refresh_token)) {
          return json(400, { error: 'invalid_grant' });
        }
        return json(200, {
          id_token: await options.issueIdToken(),
          access_token: `access-${randomUUID()}`,
          expires_in: options.expiresIn ?? 3600,
          token_type: 'Bearer',
        });
      }
      return json(400, { error: 'unsupported_grant_type' });
    }
    return json(404, { error: 'not_found' });
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    requests,
    authorizations,
    logouts,
    revoke: (refreshToken) => refreshTokens.delete(refreshToken),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error === undefined ? resolve() : reject(error)));
      }),
  };
}

/** An unsigned JWT with these claims (the page only reads claims; the API is not called in these tests). */
export function unsignedJwt(claims: Record<string, unknown>): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'none', typ: 'JWT' })}.${part(claims)}.`;
}
