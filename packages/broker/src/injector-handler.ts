import { InputLimit, NotFoundError, UnsupportedMediaTypeError, ValidationError } from '@bridgeport/core';
import {
  type HttpResponse,
  httpErrorHandler,
  type JsonBodyRules,
  json,
  jsonBody,
  jsonBodyParser,
  type Logger,
} from '@bridgeport/edge';
import middy, { type MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import type { Injector } from './injector';
import { parseProducerRoute } from './injector';
import { brokerLogger } from './logger';

/** A Lambda handler behind an API Gateway REST proxy integration. */
export type InjectorHandler = (event: APIGatewayProxyEvent, context: Context) => Promise<HttpResponse>;

/**
 * How the producer endpoint reads an event: no size limit of its own (the event's size is checked once it is
 * built, `413` past EventBridge's limit), an event at most `InputLimit.MAX_JSON_DEPTH` deep.
 */
export const PRODUCER_BODY_RULES: JsonBodyRules = {
  maxDepth: InputLimit.MAX_JSON_DEPTH,
  tooDeepMessage: 'The event nests too deep',
};

/**
 * The producer route of a request: API Gateway's `resource` when it names the route (one resource per producer
 * on the broker API), else the path (a resource template such as `/{event_type}/{version}`). `NotFoundError` when
 * neither is a producer route.
 */
export function producerRouteOf(event: Pick<APIGatewayProxyEvent, 'resource' | 'path'>): {
  eventType: string;
  version: number;
} {
  const fromResource = event.resource ? parseProducerRoute(event.resource) : undefined;
  const route = fromResource ?? parseProducerRoute(event.path);
  if (route === undefined) {
    throw new NotFoundError(`No producer route matches ${event.path}`);
  }
  return route;
}

/**
 * Answers `404` for a request that names no producer route, and `403 {"message":"Forbidden"}` for a request to an
 * HTTP producer whose API key was not issued for its event type, both before its body is read (API Gateway refuses a request without a valid key before the Lambda).
 */
function producerKey(injector: Injector): MiddlewareObj<APIGatewayProxyEvent, HttpResponse> {
  return {
    name: 'bridgeportProducerKey',
    before: async (request) => {
      const route = producerRouteOf(request.event);
      await injector.authorize(
        route.eventType,
        route.version,
        request.event.requestContext?.identity?.apiKey,
      );
    },
  };
}

/**
 * Reads the event with `jsonBodyParser`, and counts a body it refuses (415, 400, or none at all) as an event refused
 * for its schema before the refusal is answered.
 */
function producerBody(injector: Injector): MiddlewareObj<APIGatewayProxyEvent, HttpResponse> {
  const parser = jsonBodyParser(PRODUCER_BODY_RULES);
  return {
    name: 'bridgeportProducerBody',
    // Synchronous when the body is read, so that Middy has no promise to wait for on the way to the handler.
    before: (request) => {
      try {
        parser.before?.(request);
        jsonBody(request.event);
      } catch (error) {
        if (error instanceof ValidationError || error instanceof UnsupportedMediaTypeError) {
          const route = producerRouteOf(request.event);
          return injector.refuseUnreadable(route.eventType, route.version).then(() => {
            throw error;
          });
        }
        throw error;
      }
      return undefined;
    },
  };
}

/**
 * The HTTP face of the injector, behind every HTTP producer route (the Lambda and the local producer endpoint):
 * `200 {"event_id"}`, or the edge's answer to the typed error (`400 {message, errors}`, `403`, `404`, `409`, `413`, `415`,
 * `502`/`503`), logged with the request id.
 */
export function createInjectorHandler(
  injector: Injector,
  options: { readonly logger?: Logger } = {},
): InjectorHandler {
  return middy<APIGatewayProxyEvent, HttpResponse, Error, Context>()
    .use(httpErrorHandler({ logger: options.logger ?? brokerLogger }))
    .use(producerKey(injector))
    .use(producerBody(injector))
    .handler(async (event) => {
      const route = producerRouteOf(event);
      return json(200, await injector.publish(route.eventType, route.version, jsonBody(event)));
    }) as unknown as InjectorHandler;
}
