import {
  assertJsonContentType,
  type BodySizeLimit,
  headerValue,
  jsonTextTooDeep,
  parseJsonBody,
  requestBodyText,
  ValidationError,
} from '@bridgeport/core';
import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import type { HttpResponse } from './response';

/** A header's value, looked up case-insensitively (API Gateway passes header names as the client sent them). */
export function header(event: APIGatewayProxyEvent, name: string): string | undefined {
  const single = headerValue(event.headers, name);
  if (single !== undefined) return single;
  const wanted = name.toLowerCase();
  for (const [key, values] of Object.entries(event.multiValueHeaders ?? {})) {
    if (key.toLowerCase() === wanted && values !== undefined && values.length > 0) return values.join(',');
  }
  return undefined;
}

/** How an endpoint reads its JSON bodies; everything else is core's `json-request` rule, the same everywhere. */
export interface JsonBodyRules {
  /** Largest body; `413` past it. @default no limit of its own (the API's payload limit applies) */
  readonly limit?: BodySizeLimit;
  /** Deepest document accepted, in nested objects and arrays; `400` past it, checked before parsing. */
  readonly maxDepth: number;
  /** Message of that `400` (e.g. "The request body nests too deep"). */
  readonly tooDeepMessage: string;
}

const BODY_METHODS: ReadonlySet<string> = new Set(['POST', 'PUT', 'PATCH']);

/** Events whose body the JSON body middleware has parsed, and those it found without a body. */
const parsedEvents = new WeakSet<APIGatewayProxyEvent>();
const withoutBody = new WeakSet<APIGatewayProxyEvent>();

/**
 * Middy middleware reading the JSON body of POST, PUT and PATCH requests under the rule every Bridgeport endpoint
 * follows (core's `json-request`): `415` for a Content-Type that is not JSON (none is read as JSON), `413` over the
 * endpoint's limit, `400` past its depth, `400` with the parser's reason for a body that is not valid JSON; a
 * missing body is `400` at `jsonBody` (`optionalJsonBody` allows it).
 *
 * The text is parsed with `JSON.parse` (core's `parseJsonBody`) rather than `@middy/http-json-body-parser`: since
 * Middy 7 that parser refuses any `__proto__` key (422 "Forbidden key in JSON body"), while Bridgeport accepts such
 * property names in schemas and events and stores them as they were sent (`JSON.parse` makes them own properties;
 * nothing merges them into other objects).
 */
export function jsonBodyParser(rules: JsonBodyRules): MiddlewareObj<APIGatewayProxyEvent, HttpResponse> {
  return {
    name: 'bridgeportJsonBody',
    before: (request) => {
      const { event } = request;
      if (!BODY_METHODS.has(event.httpMethod)) return;
      assertJsonContentType(header(event, 'content-type'));
      let text: string;
      try {
        text = requestBodyText(event.body, event.isBase64Encoded, rules.limit);
      } catch (error) {
        // No body: `jsonBody` answers 400 for it, `optionalJsonBody` reads it as undefined.
        if (!(error instanceof ValidationError)) throw error;
        withoutBody.add(event);
        return;
      }
      // Checked on the text, before parsing: nothing after this may recurse into a deeper document.
      if (jsonTextTooDeep(text, rules.maxDepth)) {
        throw new ValidationError(rules.tooDeepMessage, [
          { path: '$', message: `nests objects and arrays deeper than ${rules.maxDepth} levels` },
        ]);
      }
      const parsed = { ...event, body: parseJsonBody(text) as unknown as string, isBase64Encoded: false };
      request.event = parsed;
      parsedEvents.add(parsed);
    },
  };
}

/** The request body as the JSON body middleware parsed it (routes with a body run behind `jsonBodyParser`). */
export function jsonBody(event: APIGatewayProxyEvent): unknown {
  if (withoutBody.has(event)) {
    throw new ValidationError('The request body is required', [{ path: '$', message: 'is required' }]);
  }
  if (!parsedEvents.has(event)) {
    throw new Error(
      `The JSON body of ${event.httpMethod} ${event.resource} was not parsed by jsonBodyParser`,
    );
  }
  return (event as { body: unknown }).body;
}

/** Like `jsonBody`, but a request without a body reads as `undefined` (for routes whose body is optional). */
export function optionalJsonBody(event: APIGatewayProxyEvent): unknown {
  return withoutBody.has(event) ? undefined : jsonBody(event);
}
