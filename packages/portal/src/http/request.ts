import {
  assertJsonContentType,
  headerValue,
  InputLimit,
  isJsonContentType,
  jsonTextTooDeep,
  requestBodyText,
  ValidationError,
  type ValidationProblem,
} from '@bridgeport/core';
import type { MiddlewareObj } from '@middy/core';
import httpJsonBodyParser from '@middy/http-json-body-parser';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';

/** Largest accepted request body: 1 MB. */
export const MAX_BODY_BYTES = 1024 * 1024;
/** Deepest accepted request body: a schema of `InputLimit.MAX_JSON_DEPTH` levels inside the request object. */
export const MAX_BODY_DEPTH = InputLimit.MAX_JSON_DEPTH + 1;

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

/** `application/json` or `application/<something>+json`, with any parameters (charset…); see core's rule. */
export function isJsonMediaType(contentType: string): boolean {
  return contentType.trim() !== '' && isJsonContentType(contentType);
}

const BODY_METHODS: ReadonlySet<string> = new Set(['POST', 'PUT', 'PATCH']);

/** Events whose body the JSON body middleware has parsed, and those it found without a body. */
const parsedEvents = new WeakSet<APIGatewayProxyEvent>();
const withoutBody = new WeakSet<APIGatewayProxyEvent>();

/**
 * Middy middleware reading the JSON body of POST, PUT and PATCH requests with `@middy/http-json-body-parser`, under
 * the rule every Bridgeport endpoint follows (core's `json-request`): `415` for a Content-Type that is not JSON
 * (none is read as JSON), `413` over 1 MB; a missing body is `400` at `jsonBody` (`optionalJsonBody` allows it). A body that is not valid JSON fails in
 * the parser; the error handler answers `400` with the parser's reason.
 */
export function jsonBodyParser(): MiddlewareObj<APIGatewayProxyEvent, APIGatewayProxyResult> {
  // The Content-Type is checked above under Bridgeport's rule; `disableContentTypeCheck` is in the parser's code
  // but not in its 6.x typings.
  const parserOptions = { disableContentTypeCheck: true } as Parameters<typeof httpJsonBodyParser>[0];
  const parser = httpJsonBodyParser<APIGatewayProxyEvent>(parserOptions);
  return {
    name: 'bridgeportJsonBody',
    before: async (request) => {
      const { event } = request;
      if (!BODY_METHODS.has(event.httpMethod)) return;
      assertJsonContentType(header(event, 'content-type'));
      let text: string;
      try {
        text = requestBodyText(event.body, event.isBase64Encoded, { bytes: MAX_BODY_BYTES, label: '1 MB' });
      } catch (error) {
        // No body: `jsonBody` answers 400 for it, `optionalJsonBody` reads it as undefined.
        if (!(error instanceof ValidationError)) throw error;
        withoutBody.add(event);
        return;
      }
      // Checked on the text, before parsing: nothing after this may recurse into a deeper document.
      if (jsonTextTooDeep(text, MAX_BODY_DEPTH)) {
        throw new ValidationError('The request body nests too deep', [
          { path: '$', message: `nests objects and arrays deeper than ${MAX_BODY_DEPTH} levels` },
        ]);
      }
      request.event = { ...event, body: text, isBase64Encoded: false };
      await parser.before?.(request as Parameters<NonNullable<typeof parser.before>>[0]);
      parsedEvents.add(request.event);
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

/** A required path parameter (API Gateway always supplies the ones in the resource path), percent-decoded. */
export function pathParameter(event: APIGatewayProxyEvent, name: string): string {
  const value = event.pathParameters?.[name];
  if (value === undefined || value === '') {
    throw new ValidationError(`The path parameter ${name} is required`, [
      { path: `path.${name}`, message: 'is required' },
    ]);
  }
  try {
    return decodeURIComponent(value);
  } catch {
    throw new ValidationError(`The path parameter ${name} has a malformed percent escape`, [
      { path: `path.${name}`, message: 'has a malformed percent escape' },
    ]);
  }
}

/** A query string parameter, or undefined when absent. */
export function queryParameter(event: APIGatewayProxyEvent, name: string): string | undefined {
  const value = event.queryStringParameters?.[name];
  return value === undefined || value === null ? undefined : value;
}

/** Collects problems and throws one `ValidationError` with all of them. */
export function throwIfProblems(message: string, problems: readonly ValidationProblem[]): void {
  if (problems.length > 0) throw new ValidationError(message, problems);
}
