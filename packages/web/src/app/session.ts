/**
 * Who is signed in, in this tab: the ID token sent to the API, the refresh token of a hosted-UI sign-in, and the
 * sign-in under way. Kept in the tab's session storage only. A token about to expire is refreshed (hosted UI) or,
 * when it cannot be, the tab is signed out with the reason shown on the sign-in page.
 */
import {
  completeSignIn,
  type HostedUiSettings,
  type PendingSignIn,
  readCallback,
  refreshTokens,
  type TokenSet,
} from './hosted-ui';

/** The part of `Storage` the session uses (the tab's `sessionStorage`; a Map-backed one in tests). */
export interface KeyValueStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

const Keys = {
  TOKEN: 'bridgeport.token',
  REFRESH: 'bridgeport.refresh',
  PENDING: 'bridgeport.sign-in',
} as const;

/** A token is refreshed this long before it expires, so no request goes out with one that lapses on the way. */
const REFRESH_MARGIN_MS = 60_000;

/** Claims of a token (unverified: only to show who is signed in and when the token ends; the API verifies it). */
export function tokenClaims(token: string | undefined): Record<string, unknown> | undefined {
  const payload = token?.split('.')[1];
  if (payload === undefined) return undefined;
  try {
    const text = atob(payload.replace(/-/g, '+').replace(/_/g, '/'));
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** When the token expires (its `exp`), in milliseconds since the epoch; undefined when it says nothing. */
export function tokenExpiry(token: string | undefined): number | undefined {
  const exp = tokenClaims(token)?.exp;
  return typeof exp === 'number' ? exp * 1000 : undefined;
}

export interface SessionOptions {
  /** The hosted UI, when config.json names one: sign-ins through it can be refreshed. */
  readonly hostedUi?: HostedUiSettings;
  readonly now?: () => number;
  readonly fetch?: typeof fetch;
}

/** The refresh under way, shared by every request that needs it. */
interface Refreshing {
  readonly token: Promise<string | undefined>;
  /** Some caller can no longer use the token being replaced: a failed refresh signs the tab out. */
  unusable: boolean;
}

export class Session {
  private readonly listeners = new Set<() => void>();
  private refreshing: Refreshing | undefined;
  /** Why the tab was last signed out by the session itself (an expired token), shown on the sign-in page. */
  public signedOutReason: string | undefined;

  constructor(
    private readonly storage: KeyValueStore,
    private readonly options: SessionOptions = {},
  ) {}

  get hostedUi(): HostedUiSettings | undefined {
    return this.options.hostedUi;
  }

  /** The ID token as stored, fresh or not (to show who is signed in). */
  get token(): string | undefined {
    return this.storage.getItem(Keys.TOKEN) ?? undefined;
  }

  /** Signed in with a token given by hand (the sign-in form, a `#token=` link): no refresh. */
  signInWithToken(token: string): void {
    this.storage.setItem(Keys.TOKEN, token.trim());
    this.storage.removeItem(Keys.REFRESH);
    this.signedOutReason = undefined;
    this.changed();
  }

  /** Signed in with the token endpoint's answer; a refresh's answer keeps the refresh token already held. */
  signInWithTokens(tokens: TokenSet): void {
    this.storage.setItem(Keys.TOKEN, tokens.idToken);
    if (tokens.refreshToken !== undefined) this.storage.setItem(Keys.REFRESH, tokens.refreshToken);
    this.signedOutReason = undefined;
    this.changed();
  }

  signOut(reason?: string): void {
    this.storage.removeItem(Keys.TOKEN);
    this.storage.removeItem(Keys.REFRESH);
    this.signedOutReason = reason;
    this.changed();
  }

  /** Keeps the sign-in under way while the browser is at the hosted UI. */
  savePending(pending: PendingSignIn): void {
    this.storage.setItem(Keys.PENDING, JSON.stringify(pending));
  }

  /** The sign-in under way, removed: a state and verifier are used once. */
  takePending(): PendingSignIn | undefined {
    const text = this.storage.getItem(Keys.PENDING);
    this.storage.removeItem(Keys.PENDING);
    if (text === null) return undefined;
    try {
      const value = JSON.parse(text) as Partial<PendingSignIn>;
      return typeof value.state === 'string' &&
        typeof value.verifier === 'string' &&
        typeof value.redirectUri === 'string'
        ? {
            state: value.state,
            verifier: value.verifier,
            redirectUri: value.redirectUri,
            returnTo: typeof value.returnTo === 'string' ? value.returnTo : '#/',
          }
        : undefined;
    } catch {
      return undefined;
    }
  }

  /**
   * Finishes a hosted-UI sign-in from the redirect's query (`?code=…&state=…`): the route to return to, or
   * undefined when the query is not a sign-in answer. Rejects with a `HostedUiError` when it failed.
   */
  async finishSignIn(search: string): Promise<string | undefined> {
    const callback = readCallback(search);
    if (callback.kind === 'none' || this.options.hostedUi === undefined) return undefined;
    const pending = this.takePending();
    const tokens = await completeSignIn(this.options.hostedUi, callback, pending, this.fetchImpl);
    this.signInWithTokens(tokens);
    return pending?.returnTo ?? '#/';
  }

  /**
   * The token to send: refreshed first when it expires within a minute and a refresh token is held; undefined,
   * and the tab signed out, when it has expired and cannot be refreshed.
   */
  async currentToken(): Promise<string | undefined> {
    const token = this.token;
    if (token === undefined) return undefined;
    const expiry = tokenExpiry(token);
    if (expiry === undefined || expiry - this.now() > REFRESH_MARGIN_MS) return token;
    return this.refresh(expiry <= this.now());
  }

  /**
   * After the API answered 401 to `refused` (the token that request carried): the token to retry with, or undefined
   * and the tab signed out. Never the refused token: when it was already replaced (another request refreshed it),
   * the replacement; else a refresh's new token; else, the refresh failing, the tab is signed out.
   */
  async afterUnauthorized(refused?: string): Promise<string | undefined> {
    const token = this.token;
    if (token === undefined) return undefined;
    if (refused !== undefined && token !== refused) return token;
    return this.refresh(true);
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * A refresh of the held token. `unusable`: the caller cannot use that token any longer (it has expired, or the
   * API refused it). One refresh runs at a time, however many requests need one; its outcome is decided once, for
   * every caller that joined it: a failed refresh leaves the token in use only when none of them found it unusable
   * and it has not expired meanwhile, else it signs the tab out.
   */
  private refresh(unusable: boolean): Promise<string | undefined> {
    const refreshToken = this.storage.getItem(Keys.REFRESH);
    const hostedUi = this.options.hostedUi;
    if (this.refreshing !== undefined) {
      if (unusable) this.refreshing.unusable = true;
      return this.refreshing.token;
    }
    if (refreshToken === null || hostedUi === undefined) {
      if (!unusable) return Promise.resolve(this.token);
      this.signOut('Your session has expired: sign in again.');
      return Promise.resolve(undefined);
    }
    const started = this.token;
    const refreshing: Refreshing = {
      unusable,
      token: refreshTokens(hostedUi, refreshToken, this.fetchImpl).then(
        (tokens) => {
          // Cleared as the outcome is decided, so no caller joins a refresh whose outcome no longer counts it.
          this.refreshing = undefined;
          // Signed out or in anew meanwhile: that stands.
          if (this.token !== started) return this.token;
          this.signInWithTokens(tokens);
          return tokens.idToken;
        },
        () => {
          this.refreshing = undefined;
          if (this.token !== started) return this.token;
          const expiry = tokenExpiry(started);
          // A token still valid is used to its end, unless the API refused it; one that has expired cannot be.
          if (!refreshing.unusable && (expiry === undefined || expiry > this.now())) return started;
          this.signOut('Your session has ended: sign in again.');
          return undefined;
        },
      ),
    };
    this.refreshing = refreshing;
    return refreshing.token;
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  private get fetchImpl(): typeof fetch {
    return this.options.fetch ?? ((input, init) => fetch(input, init));
  }

  private changed(): void {
    for (const listener of this.listeners) listener();
  }
}

/** Takes a token given in the address (`#token=…`, as `pnpm start` prints it) and removes it from the address. */
export function adoptTokenFromLocation(session: Session): void {
  const match = /^#token=([^&]+)/.exec(window.location.hash);
  if (match?.[1] === undefined) return;
  session.signInWithToken(decodeURIComponent(match[1]));
  history.replaceState(null, '', `${window.location.pathname}${window.location.search}#/`);
}
