import type { Server } from 'node:http';
import type { Injector } from '@bridgeport/broker';
import type { AwsScope } from '@bridgeport/core';
import type { ProxyHandler, ProxyRoute } from '../http/api-gateway';
import { createProxyServer, type LocalRoute, type ServerLimits } from '../http/server';

/** API Gateway resource of every producer route on the broker API. */
export const PRODUCER_RESOURCE = '/{event_type}/{version}';

/**
 * The broker API's producer routes as API Gateway hands them to the injector Lambda: the same adaptation
 * as the broker's injector handler (`resource` when it names the route, else the path).
 */
export function producerRouteHandler(injector: Injector): ProxyHandler {
  return async (event) => {
    const response = await injector.handle({
      path: event.path,
      body: event.body,
      isBase64Encoded: event.isBase64Encoded,
      headers: event.headers,
    });
    return { statusCode: response.statusCode, headers: { ...response.headers }, body: response.body };
  };
}

export interface ProducerEndpointOptions {
  readonly injector: Injector;
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
  const routes: ProxyRoute[] = [
    { method: 'POST', resource: PRODUCER_RESOURCE, handler: producerRouteHandler(options.injector) },
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
