/**
 * `config.json`, the settings file beside the page, written by whoever serves the site: the local runtime (no
 * sign-in service: a token is pasted or given in the address) and the web portal stack in AWS (the user pool's
 * hosted UI). One shape for both, read by the page at start.
 */

/** The settings file's path under the site root. */
export const WEB_CONFIG_PATH = 'config.json';

export interface WebConfig {
  /** Base URL of the portal API; '' = the page's own origin (locally, and through CloudFront in AWS). */
  readonly apiUrl: string;
  /** Base URL of the producer endpoint, shown in the example `curl`s; '' when unknown. */
  readonly producerUrl: string;
  /** The AWS region of the user pool. */
  readonly region?: string;
  /** The user pool's domain (`{prefix}.auth.{region}.amazoncognito.com`): the page signs in through its hosted UI. */
  readonly cognitoDomain?: string;
  /** The web portal's app client in the user pool (authorization code grant with PKCE, no secret). */
  readonly cognitoClientId?: string;
}
