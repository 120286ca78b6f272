import type { Server } from 'node:http';
import type { InjectorHandler } from '@bridgeport/broker';
import type { AwsScope } from '@bridgeport/core';
import type { ProxyRoute } from '../http/api-gateway';
import { createProxyServer, type LocalRoute, type ServerLimits } from '../http/server';

/** API Gateway resource of every producer route on the broker API. */
export const PRODUCER_RESOURCE = '/{event_type}/{version}';

export interface ProducerEndpointOptions {
  /** The broker's injector handler (`createInjectorHandler`), as the injector Lambda runs it. */
  readonly injector: InjectorHandler;
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
  const routes: ProxyRoute[] = [{ method: 'POST', resource: PRODUCER_RESOURCE, handler: options.injector }];
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
