import { NotFoundError } from '@bridgeport/core';
import { createLogger, httpErrorHandler, jsonBodyParser, type Logger } from '@bridgeport/edge';
import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { createPortalClients } from '../clients';
import { readPortalConfig } from '../config';
import { type IdentifiedContext, identityMiddleware } from '../http/identity';
import { PORTAL_BODY_RULES } from '../http/request';
import type { Caller } from '../services/caller';
import { createPortalServices, type PortalServices } from '../services/portal-services';

/** An API Gateway REST (proxy integration) Lambda handler. */
export type PortalHandler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

/**
 * Handles one resource + method for an authenticated caller; throws typed errors for the error handler to map.
 */
export type RouteAction<S> = (
  services: S,
  event: APIGatewayProxyEvent,
  caller: Caller,
) => Promise<APIGatewayProxyResult>;

/** Services given directly, or a function returning them (called on the first request). */
export type ServicesSource<S> = S | (() => S);

let defaults: PortalServices | undefined;

/** The portal's Lambdas log through Powertools' logger (JSON lines, the request id on each, errors with stacks). */
export const portalLogger = createLogger('bridgeport-portal');

/** The services built from `process.env` and default SDK clients, created once per Lambda instance. */
export function defaultPortalServices(): PortalServices {
  defaults ??= createPortalServices({
    config: readPortalConfig(process.env),
    clients: createPortalClients(),
  });
  return defaults;
}

/**
 * A Middy handler for one route group: reads the caller from the authorizer's claims (401 without them), then
 * dispatches on API Gateway's `resource` and `httpMethod`, with the edge's one error handler; POST, PUT and PATCH
 * bodies are read by the edge's `jsonBodyParser` under `PORTAL_BODY_RULES`. An unknown resource is a `NotFoundError`
 * (404).
 */
export function routeGroupHandler<S>(
  actions: Readonly<Record<string, RouteAction<S>>>,
  source: ServicesSource<S>,
  options: { readonly logger?: Logger } = {},
): PortalHandler {
  let services: S | undefined;
  const resolve = (): S => {
    services ??= typeof source === 'function' ? (source as () => S)() : source;
    return services;
  };
  const dispatch = async (
    event: APIGatewayProxyEvent,
    context: IdentifiedContext,
  ): Promise<APIGatewayProxyResult> => {
    const action = actions[`${event.httpMethod} ${event.resource}`];
    if (action === undefined) throw new NotFoundError(`No route for ${event.httpMethod} ${event.path}`);
    return action(resolve(), event, context.caller);
  };
  return middy<APIGatewayProxyEvent, APIGatewayProxyResult, Error, IdentifiedContext>()
    .use(httpErrorHandler({ logger: options.logger ?? portalLogger }))
    .use(identityMiddleware())
    .use(jsonBodyParser(PORTAL_BODY_RULES))
    .handler(dispatch) as unknown as PortalHandler;
}
