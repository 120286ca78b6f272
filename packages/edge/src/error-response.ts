import {
  ConflictError,
  DependencyFailureError,
  ForbiddenError,
  NotFoundError,
  PayloadTooLargeError,
  PreconditionFailedError,
  UnauthorizedError,
  UnsupportedMediaTypeError,
  ValidationError,
  type ValidationProblem,
} from '@bridgeport/core';
import type { MiddlewareObj } from '@middy/core';
import type { Context } from 'aws-lambda';
import { invocationLogger, type Logger } from './logger';
import { type HttpResponse, json } from './response';

/** Body of every error answer. */
export interface ErrorBody {
  readonly message: string;
  readonly errors?: readonly ValidationProblem[];
}

/** The message of every 500: what went wrong is logged, never answered. */
export const INTERNAL_ERROR_MESSAGE = 'Internal server error';

/** Keys of a conflict's context that are safe to answer (e.g. the subscriptions that block a deletion). */
const PUBLIC_CONFLICT_KEYS = ['event_type', 'subscriptions'] as const;

function conflictDetails(error: ConflictError): Record<string, unknown> {
  return Object.fromEntries(
    PUBLIC_CONFLICT_KEYS.filter((key) => error.context[key] !== undefined).map((key) => [
      key,
      error.context[key],
    ]),
  );
}

/**
 * The one place typed errors become HTTP answers, for the portal API and the producer endpoint alike: core's typed
 * errors to their status (400 with every problem, 401, 403 naming the owner, 404, 409, 412, 413, 415); a failed
 * dependency names the failed step only (`503` with `Retry-After` when a retry may pass, else `502`) and logs its
 * cause; anything else is a generic 500 whose cause (with its stack) is only logged.
 */
export function errorResponse(error: unknown, logger: Logger): HttpResponse {
  if (error instanceof ValidationError) {
    return json(400, { message: error.message, errors: error.problems } satisfies ErrorBody);
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
    logger.error(error.message, { ...error.context, error });
    return error.retryable
      ? json(503, { message: error.message }, { 'Retry-After': '1' })
      : json(502, { message: error.message });
  }
  logger.error('Unexpected error', { error });
  return json(500, { message: INTERNAL_ERROR_MESSAGE });
}

/**
 * The one error handler of Bridgeport's HTTP Lambdas (Middy `onError`, first in the chain): the answer of
 * `errorResponse`, logged with the invocation's request id.
 */
export function httpErrorHandler<TEvent>(options: {
  readonly logger: Logger;
}): MiddlewareObj<TEvent, HttpResponse, Error, Context> {
  return {
    name: 'bridgeportHttpErrorHandler',
    onError: (request) => {
      request.response = errorResponse(request.error, invocationLogger(options.logger, request.context));
    },
  };
}
