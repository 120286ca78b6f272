/**
 * The web portal on the portal port: `/` and its files, built when the runtime starts, plus `config.json` naming
 * the producer endpoint. The portal API keeps its paths; the page's own routes live in the address fragment.
 */
import { buildWebAssets, WEB_CONFIG_PATH, type WebAssets, type WebConfig } from '@bridgeport/web';
import type { LocalRoute } from '../http/server';

export interface WebPortalRouteOptions {
  /** The built files; built at start when not given. */
  readonly assets?: WebAssets;
  /** The producer endpoint's URL, known once it listens. */
  readonly producerUrl: () => string | undefined;
}

export async function webPortalRoute(options: WebPortalRouteOptions): Promise<LocalRoute> {
  const assets = options.assets ?? (await buildWebAssets());
  return (request, response, url) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return false;
    const name = url.pathname === '/' ? 'index.html' : url.pathname.slice(1);
    if (name === WEB_CONFIG_PATH) {
      // No sign-in service locally: the page takes a pasted token or a `#token=` link.
      const config: WebConfig = { apiUrl: '', producerUrl: options.producerUrl() ?? '' };
      const body = JSON.stringify(config);
      response.writeHead(200, {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(body),
        'cache-control': 'no-store',
      });
      response.end(request.method === 'HEAD' ? undefined : body);
      return true;
    }
    const asset = assets.get(name);
    if (asset === undefined) return false;
    response.writeHead(200, {
      'content-type': asset.contentType,
      'content-length': asset.body.length,
      'cache-control': 'no-cache',
      'x-content-type-options': 'nosniff',
      ...(name === 'index.html'
        ? {
            'content-security-policy':
              "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'",
            'referrer-policy': 'no-referrer',
          }
        : {}),
    });
    response.end(request.method === 'HEAD' ? undefined : asset.body);
    return true;
  };
}
