import type { Server } from 'node:http';
import { type InjectorHandler, type ProducerResolver, parseProducerRoute } from '@bridgeport/broker';
import { type AwsScope, PRODUCER_KEY_HEADER, ProducerType } from '@bridgeport/core';
import type { ProxyHandler, ProxyRoute } from '../http/api-gateway';
import { createProxyServer, type LocalRoute, type ServerLimits } from '../http/server';

/** API Gateway resource of every producer route on the broker API. */
export const PRODUCER_RESOURCE = '/{event_type}/{version}';

/** What API Gateway knows of API keys: the key a request may use on a stage (see `ApiGatewayStore`). */
export interface ApiKeyAuthority {
  authorize(
    value: string | undefined,
    apiId: string,
    stage: string,
  ): { id: string; value: string } | undefined;
}

/** The API Gateway key check of the producer routes (`ApiKeyRequired`): which routes, and whose keys. */
export interface ProducerKeyCheck {
  /** Finds the deployed producer of a route: HTTP producers' routes require a key. */
  readonly producers: ProducerResolver;
  readonly keys: ApiKeyAuthority;
  /** The broker API's id (the stage is the endpoint's). */
  readonly apiId: string;
}

/**
 * API Gateway's part on a key-requiring method: a request without an enabled key of a usage plan on the stage
 * is answered `403 {"message":"Forbidden"}` before the integration runs; an admitted one reaches the handler
 * with the key in `requestContext.identity`.
 */
export function requireApiKey(handler: ProxyHandler, check: ProducerKeyCheck, stage: string): ProxyHandler {
  return async (event, context) => {
    const route = parseProducerRoute(event.path);
    const producer = route && (await check.producers.resolve(route.eventType, route.version));
    const plan = producer?.plan;
    if (plan?.type !== ProducerType.HTTPS || !plan.http.apiKeyRequired) return handler(event, context);
    const presented = event.headers[PRODUCER_KEY_HEADER];
    const key = check.keys.authorize(presented, check.apiId, stage);
    if (key === undefined) {
      return {
        statusCode: 403,
        headers: { 'content-type': 'application/json', 'x-amzn-errortype': 'ForbiddenException' },
        body: JSON.stringify({ message: 'Forbidden' }),
      };
    }
    const identity = { ...event.requestContext.identity, apiKey: key.value, apiKeyId: key.id };
    return handler({ ...event, requestContext: { ...event.requestContext, identity } }, context);
  };
}

export interface ProducerEndpointOptions {
  /** The broker's injector handler (`createInjectorHandler`), as the injector Lambda runs it. */
  readonly injector: InjectorHandler;
  /** The key check of HTTP producer routes. @default none: no route requires a key */
  readonly keyCheck?: ProducerKeyCheck;
  /** API Gateway stage (the environment). */
  readonly stage: string;
  /** The account and region of the broker API. @default localScope() */
  readonly scope?: AwsScope;
  /** Largest request body read before answering 413. */
  readonly maxBodyBytes?: number;
  readonly localRoutes?: readonly LocalRoute[];
  readonly log?: (message: string) => void;
  /** Connection and time limits. @default ServerLimit */
  readonly limits?: ServerLimits;
}

/**
 * The local broker API: `POST /{event_type}/{version}` → the broker's injector (validation against the
 * version's envelope schema, then PutEvents on the local bus). Which routes answer (rather than 404) is
 * decided by the producer plans the local deployer has applied.
 */
export function createProducerEndpoint(options: ProducerEndpointOptions): Server {
  const handler: ProxyHandler = options.injector;
  const routes: ProxyRoute[] = [
    {
      method: 'POST',
      resource: PRODUCER_RESOURCE,
      handler:
        options.keyCheck === undefined ? handler : requireApiKey(handler, options.keyCheck, options.stage),
    },
  ];
  return createProxyServer({
    name: 'broker-api',
    routes,
    stage: options.stage,
    ...(options.scope === undefined ? {} : { scope: options.scope }),
    ...(options.maxBodyBytes === undefined ? {} : { maxBodyBytes: options.maxBodyBytes }),
    ...(options.localRoutes === undefined ? {} : { localRoutes: options.localRoutes }),
    ...(options.log === undefined ? {} : { log: options.log }),
    ...(options.limits === undefined ? {} : { limits: options.limits }),
  });
}
