import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { createPortalClients } from '../clients';
import { readPortalConfig } from '../config';
import { httpErrorHandler } from '../http/error-handler';
import { type IdentifiedContext, identityMiddleware } from '../http/identity';
import type { Logger } from '../http/logger';
import { jsonBodyParser } from '../http/request';
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
 * dispatches on API Gateway's `resource` and `httpMethod`, with the portal's one error handler; POST, PUT and PATCH
 * bodies are read by `jsonBodyParser`. Unknown resources answer 404.
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
    if (action === undefined) {
      return {
        statusCode: 404,
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ message: `No route for ${event.httpMethod} ${event.path}` }),
      };
    }
    return action(resolve(), event, context.caller);
  };
  return middy<APIGatewayProxyEvent, APIGatewayProxyResult, Error, IdentifiedContext>()
    .use(httpErrorHandler(options))
    .use(identityMiddleware())
    .use(jsonBodyParser())
    .handler(dispatch) as unknown as PortalHandler;
}
