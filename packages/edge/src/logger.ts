import { Logger as PowertoolsLogger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { MiddlewareObj } from '@middy/core';
import type { Context } from 'aws-lambda';

/**
 * What Bridgeport code logs through: the methods of Powertools' `Logger` it uses (one JSON line per call, the fields
 * of an object argument as keys; an `Error` among them is written with its name, message and stack). Tests may pass
 * any object with these methods.
 */
export type Logger = Pick<PowertoolsLogger, 'info' | 'warn' | 'error'>;

/**
 * The logger of one Bridgeport service: Powertools for AWS Lambda's `Logger`, one JSON object per line on
 * stdout/stderr (CloudWatch Logs reads them as they are), level from `POWERTOOLS_LOG_LEVEL` (default `INFO`).
 */
export function createLogger(serviceName: string): PowertoolsLogger {
  return new PowertoolsLogger({ serviceName });
}

/** Discards everything (for the local runtime's parts whose rejections are answered to the caller). */
export const silentLogger: Logger = {
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

/** Key of the Lambda request id on every line, as Powertools' `injectLambdaContext` names it. */
export const REQUEST_ID_KEY = 'function_request_id';

/**
 * The logger of one invocation: every line carries the Lambda context's request id (`function_request_id`).
 * Built per invocation rather than set on the shared logger, so that concurrent invocations in one process (the
 * local runtime serves many requests at once) never log under each other's id.
 */
export function invocationLogger(logger: Logger, context: Pick<Context, 'awsRequestId'> | undefined): Logger {
  const requestId = context?.awsRequestId;
  if (requestId === undefined || requestId === '') return logger;
  const withId = (input: Parameters<Logger['info']>[0]) =>
    typeof input === 'string'
      ? { message: input, [REQUEST_ID_KEY]: requestId }
      : { ...input, [REQUEST_ID_KEY]: requestId };
  return {
    info: (input, ...extra) => logger.info(withId(input), ...extra),
    warn: (input, ...extra) => logger.warn(withId(input), ...extra),
    error: (input, ...extra) => logger.error(withId(input), ...extra),
  };
}

/**
 * Powertools' Middy middleware for the Lambdas that handle one event at a time (queues, schedules, custom
 * resources): the Lambda context (request id, function, cold start) on every line of the invocation, keys of the
 * previous invocation cleared.
 */
export function lambdaContextLogging(logger: PowertoolsLogger): MiddlewareObj {
  // The package types its `./middleware` export from its CommonJS build and its root from its ES module build:
  // the same class, declared twice, so TypeScript sees two `Logger` types.
  return injectLambdaContext(logger as unknown as Parameters<typeof injectLambdaContext>[0], {
    resetKeys: true,
  }) as MiddlewareObj;
}
