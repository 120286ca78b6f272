/** The portal API, as the web portal calls it: one place for the base URL, the token and the error shape. */

export interface ProblemDetail {
  /** JSON path of the field, e.g. `$.data.properties.x` or `query.limit`. */
  readonly path: string;
  readonly message: string;
}

/** An answer other than 2xx, with the API's message and per-field problems. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly status: number,
    message: string,
    readonly problems: readonly ProblemDetail[],
  ) {
    super(message);
  }

  /** Problems whose path is at or under `prefix` (`$.filter` matches `$.filter.amount`). */
  problemsAt(prefix: string): ProblemDetail[] {
    return this.problems.filter(
      (problem) =>
        problem.path === prefix ||
        problem.path.startsWith(`${prefix}.`) ||
        problem.path.startsWith(`${prefix}[`),
    );
  }
}

export interface PortalSettings {
  /** Base URL of the portal API ('' = this origin, as the local runtime serves both). */
  readonly apiUrl: string;
  /** Base URL of the producer endpoint, shown in the example `curl`. */
  readonly producerUrl: string;
}

const TOKEN_KEY = 'bridgeport.token';

export const tokenStore = {
  get(): string | undefined {
    return sessionStorage.getItem(TOKEN_KEY) ?? undefined;
  },
  set(token: string): void {
    sessionStorage.setItem(TOKEN_KEY, token.trim());
  },
  clear(): void {
    sessionStorage.removeItem(TOKEN_KEY);
  },
};

/** Takes a token given in the address (`#token=…`, as `pnpm start` prints it) and removes it from the address. */
export function adoptTokenFromLocation(): void {
  const match = /^#token=([^&]+)/.exec(window.location.hash);
  if (match?.[1] === undefined) return;
  tokenStore.set(decodeURIComponent(match[1]));
  history.replaceState(null, '', `${window.location.pathname}${window.location.search}#/`);
}

/** Claims of the token (unverified: only to show who is signed in; the API verifies it). */
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

export class PortalApi {
  constructor(private readonly settings: PortalSettings) {}

  get producerUrl(): string {
    return this.settings.producerUrl;
  }

  async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const token = tokenStore.get();
    const response = await fetch(`${this.settings.apiUrl}${path}`, {
      method,
      headers: {
        accept: 'application/json',
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = text === '' ? {} : JSON.parse(text);
    } catch {
      parsed = { message: text };
    }
    if (!response.ok) {
      const detail = (parsed ?? {}) as { message?: unknown; errors?: unknown };
      const problems = Array.isArray(detail.errors)
        ? detail.errors.filter(
            (p): p is ProblemDetail =>
              typeof p === 'object' &&
              p !== null &&
              typeof p.path === 'string' &&
              typeof p.message === 'string',
          )
        : [];
      throw new ApiError(
        response.status,
        typeof detail.message === 'string' ? detail.message : `${response.status} ${response.statusText}`,
        problems,
      );
    }
    return parsed as T;
  }

  get<T>(path: string): Promise<T> {
    return this.request<T>('GET', path);
  }

  post<T>(path: string, body: unknown): Promise<T> {
    return this.request<T>('POST', path, body);
  }

  put<T>(path: string, body: unknown): Promise<T> {
    return this.request<T>('PUT', path, body);
  }

  delete<T>(path: string): Promise<T> {
    return this.request<T>('DELETE', path);
  }
}

/** Reads `config.json` beside the page (the static site's; the local runtime serves one too). */
export async function loadSettings(): Promise<PortalSettings> {
  const response = await fetch('config.json', { headers: { accept: 'application/json' } });
  if (!response.ok) return { apiUrl: '', producerUrl: '' };
  const value = (await response.json()) as Partial<PortalSettings>;
  return {
    apiUrl: (value.apiUrl ?? '').replace(/\/+$/, ''),
    producerUrl: (value.producerUrl ?? '').replace(/\/+$/, ''),
  };
}

export const encode = encodeURIComponent;
