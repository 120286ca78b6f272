/** The portal API, as the web portal calls it: one place for the base URL, the token and the error shape. */
import { WEB_CONFIG_PATH, type WebConfig } from '../config';
import { type HostedUiSettings, hostedUiBaseUrl } from './hosted-ui';
import type { Session } from './session';

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
  /** The user pool's hosted UI, when config.json names one (in AWS); absent locally. */
  readonly hostedUi?: HostedUiSettings;
}

export class PortalApi {
  constructor(
    private readonly settings: PortalSettings,
    private readonly session: Session,
  ) {}

  get producerUrl(): string {
    return this.settings.producerUrl;
  }

  async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const send = (token: string | undefined) =>
      fetch(`${this.settings.apiUrl}${path}`, {
        method,
        headers: {
          accept: 'application/json',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    const token = await this.session.currentToken();
    let response = await send(token);
    if (response.status === 401 && token !== undefined) {
      // The token was refused (expired or revoked): once more with its replacement (never the refused token
      // again), else the tab has been signed out.
      const replacement = await this.session.afterUnauthorized(token);
      if (replacement !== undefined && replacement !== token) response = await send(replacement);
    }
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
  const response = await fetch(WEB_CONFIG_PATH, { headers: { accept: 'application/json' } });
  if (!response.ok) return { apiUrl: '', producerUrl: '' };
  return settingsFrom((await response.json()) as Partial<WebConfig>);
}

/** The page's settings from config.json: the hosted UI only when both its domain and its client are named. */
export function settingsFrom(config: Partial<WebConfig>): PortalSettings {
  const text = (value: unknown) => (typeof value === 'string' ? value.trim() : '');
  const domain = text(config.cognitoDomain);
  const clientId = text(config.cognitoClientId);
  const region = text(config.region);
  return {
    apiUrl: text(config.apiUrl).replace(/\/+$/, ''),
    producerUrl: text(config.producerUrl).replace(/\/+$/, ''),
    ...(domain === '' || clientId === ''
      ? {}
      : {
          hostedUi: {
            baseUrl: hostedUiBaseUrl(domain),
            clientId,
            ...(region === '' ? {} : { region }),
          },
        }),
  };
}

export const encode = encodeURIComponent;
