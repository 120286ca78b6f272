import path from 'node:path';
import type { EnvSource } from '@bridgeport/core';
import { App, type AppProps, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { FEATURE_FLAGS } from './app';
import { InfrastructureInputError } from './errors';
import { WebPortalStack } from './stacks/web-portal-stack';
import { resolveDeploymentTarget } from './target';

/** Context keys of the web portal app, besides the environment, account and region. */
export const WebPortalContext = {
  /** Host of the portal API (`{PortalApiId}.execute-api.{region}.amazonaws.com`). */
  PORTAL_API_DOMAIN: 'portalApiDomain',
  /** The producer endpoint's URL, for the example `curl`s (optional). */
  PRODUCER_ENDPOINT_URL: 'producerEndpointUrl',
  /** The portal stack's `PortalUserPoolDomain`: the page signs in through its hosted UI (with the client below). */
  COGNITO_DOMAIN: 'cognitoDomain',
  /** The portal stack's `PortalWebClientId`. */
  COGNITO_CLIENT_ID: 'cognitoClientId',
  /** The built web portal (default: packages/web/dist). */
  SITE_ASSETS_DIR: 'siteAssetsDir',
} as const;

/**
 * The CDK app of the web portal's static site (`{env}-self-service-web-portal`), deployed after the portal's SAM
 * stack whose API it fronts: `cdk deploy -a "node --import tsx bin/web-portal.ts" -c environment=dev
 * -c portalApiDomain=abc123.execute-api.eu-west-1.amazonaws.com`. cdk-nag's AWS Solutions checks apply.
 */
export function buildWebPortalApp(options: AppProps & { readonly env?: EnvSource } = {}): {
  app: App;
  stack: WebPortalStack;
} {
  const { env = process.env, ...appProps } = options;
  const app = new App({ ...appProps, context: { ...FEATURE_FLAGS, ...appProps.context } });
  const read = (key: string): string | undefined => {
    const value = app.node.tryGetContext(key);
    return typeof value === 'string' && value !== '' ? value : undefined;
  };
  const target = resolveDeploymentTarget((key) => app.node.tryGetContext(key), env);
  const portalApiDomain = read(WebPortalContext.PORTAL_API_DOMAIN);
  if (portalApiDomain === undefined) {
    throw new InfrastructureInputError(
      WebPortalContext.PORTAL_API_DOMAIN,
      `Context ${WebPortalContext.PORTAL_API_DOMAIN} is required: the portal API's host (the portal stack's PortalApiId).execute-api.${target.region}.amazonaws.com`,
    );
  }
  const producerEndpointUrl = read(WebPortalContext.PRODUCER_ENDPOINT_URL);
  const cognitoDomain = read(WebPortalContext.COGNITO_DOMAIN);
  const clientId = read(WebPortalContext.COGNITO_CLIENT_ID);
  if ((cognitoDomain === undefined) !== (clientId === undefined)) {
    const missing =
      cognitoDomain === undefined ? WebPortalContext.COGNITO_DOMAIN : WebPortalContext.COGNITO_CLIENT_ID;
    throw new InfrastructureInputError(
      missing,
      `Context ${missing} is required with ${missing === WebPortalContext.COGNITO_DOMAIN ? WebPortalContext.COGNITO_CLIENT_ID : WebPortalContext.COGNITO_DOMAIN}: the portal stack's outputs PortalUserPoolDomain and PortalWebClientId`,
    );
  }
  const stack = new WebPortalStack(app, {
    target,
    siteAssetsDir: read(WebPortalContext.SITE_ASSETS_DIR) ?? path.join(__dirname, '..', '..', 'web', 'dist'),
    portalApiDomain,
    portalApiStage: target.environment,
    ...(producerEndpointUrl === undefined ? {} : { producerEndpointUrl }),
    ...(cognitoDomain === undefined || clientId === undefined ? {} : { signIn: { cognitoDomain, clientId } }),
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, stack };
}
