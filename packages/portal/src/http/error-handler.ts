import {
  BridgeportError,
  ConflictError,
  DependencyFailureError,
  ForbiddenError,
  invalidJsonBodyError,
  isTransientAwsError,
  NotFoundError,
  PayloadTooLargeError,
  PreconditionFailedError,
  UnauthorizedError,
  UnsupportedMediaTypeError,
  ValidationError,
} from '@bridgeport/core';
import type { MiddlewareObj } from '@middy/core';
import { HttpError } from '@middy/util';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { consoleLogger, type Logger } from './logger';
import { json } from './response';

/** The public part of a conflict's context (e.g. the subscriptions that block a deletion). */
function conflictDetails(error: ConflictError): Record<string, unknown> {
  const { subscriptions, event_type, version } = error.context;
  return Object.fromEntries(
    Object.entries({ event_type, version, subscriptions }).filter(([, value]) => value !== undefined),
  );
}

/**
 * Maps an error to the HTTP response: core's typed errors to their status (400 with every problem, 401, 403 naming the owner, 404, 409,
 * 412, 413, 415, 502/503 naming the failed step); anything else to a generic 500 whose cause is only logged.
 */
export function errorResponse(error: unknown, logger: Logger = consoleLogger): APIGatewayProxyResult {
  if (error instanceof HttpError) return middyErrorResponse(error, logger);
  if (error instanceof ValidationError) {
    return json(400, { message: error.message, errors: error.problems });
  }
  if (error instanceof UnauthorizedError) {
    return json(401, { message: error.message }, { 'WWW-Authenticate': 'Bearer' });
  }
  if (error instanceof ForbiddenError) {
    const { owner } = error.context;
    return json(403, { message: error.message, ...(owner === undefined ? {} : { owner }) });
  }
  if (error instanceof NotFoundError) return json(404, { message: error.message });
  if (error instanceof ConflictError) return json(409, { message: error.message, ...conflictDetails(error) });
  if (error instanceof PreconditionFailedError) return json(412, { message: error.message });
  if (error instanceof PayloadTooLargeError) return json(413, { message: error.message });
  if (error instanceof UnsupportedMediaTypeError) return json(415, { message: error.message });
  if (error instanceof DependencyFailureError) {
    const unavailable = isTransientAwsError(error.cause);
    logger.error(error.message, { step: error.step, error });
    return json(
      unavailable ? 503 : 502,
      { message: error.message },
      unavailable ? { 'Retry-After': '1' } : {},
    );
  }
  logger.error('Unhandled error', {
    error,
    kind: error instanceof BridgeportError ? error.name : 'unexpected',
  });
  return json(500, { message: 'Internal server error' });
}

/**
 * Middy's own HTTP errors: the JSON body parser's (a body that is not valid JSON) is the portal's `400` with the
 * parser's reason; other client errors keep their status; anything else is a 500.
 */
function middyErrorResponse(error: HttpError, logger: Logger): APIGatewayProxyResult {
  const cause = (error.cause ?? {}) as { readonly package?: unknown; readonly message?: unknown };
  if (cause.package === '@middy/http-json-body-parser') {
    return errorResponse(
      invalidJsonBodyError(typeof cause.message === 'string' ? cause.message : error.message),
      logger,
    );
  }
  if (error.statusCode >= 400 && error.statusCode < 500 && error.expose) {
    return json(error.statusCode, { message: error.message });
  }
  logger.error('Unhandled error', { error, kind: 'middy' });
  return json(500, { message: 'Internal server error' });
}

/** The one error handler of the portal's Lambdas (Middy `onError`). */
export function httpErrorHandler(
  options: { readonly logger?: Logger } = {},
): MiddlewareObj<APIGatewayProxyEvent, APIGatewayProxyResult> {
  const logger = options.logger ?? consoleLogger;
  return {
    name: 'bridgeportHttpErrorHandler',
    onError: (request) => {
      request.response = errorResponse(request.error, logger);
    },
  };
}
