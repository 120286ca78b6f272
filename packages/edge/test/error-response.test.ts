import { ConflictError, DependencyFailureError } from '@bridgeport/core';
import { errorResponse } from '../src/error-response';
import type { Logger } from '../src/logger';

const silent = (): Logger & { errors: unknown[][] } => {
  const errors: unknown[][] = [];
  return {
    errors,
    error: (...args) => {
      errors.push(args);
    },
    info: () => undefined,
    warn: () => undefined,
  };
};

describe('errorResponse', () => {
  it('answers 502 naming only the step, and logs the cause', () => {
    const logger = silent();
    const cause = new Error('connect ECONNREFUSED 10.0.3.7:443 (table arn:aws:dynamodb:...)');

    const response = errorResponse(new DependencyFailureError('Writing the schema backup', cause), logger);

    expect(response.statusCode).toBe(502);
    expect(JSON.parse(response.body)).toEqual({ message: 'Writing the schema backup failed' });
    expect(response.body).not.toContain('ECONNREFUSED');
    expect(logger.errors).toHaveLength(1);
  });

  it('answers 503 with Retry-After when the dependency was throttling', () => {
    const throttled = Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });

    const response = errorResponse(
      new DependencyFailureError('Saving the event type record', throttled),
      silent(),
    );

    expect(response.statusCode).toBe(503);
    expect(response.headers).toMatchObject({ 'Retry-After': '1' });
  });

  it.each([
    ['InternalError', {}],
    ['InternalFailure', {}],
    ['ThrottledException', {}],
    ['TimeoutError', {}],
    ['UnknownError', { $metadata: { httpStatusCode: 429 } }],
    ['UnknownError', { $fault: 'server' }],
    ['Error', { code: 'ECONNRESET' }],
  ])(
    'answers 503 with Retry-After, naming the step, when the dependency failed with %s %j',
    (name, extra) => {
      const cause = Object.assign(new Error('failed'), { name, ...extra });

      const response = errorResponse(new DependencyFailureError('Reading the subscription', cause), silent());

      expect(response.statusCode).toBe(503);
      expect(response.headers).toMatchObject({ 'Retry-After': '1' });
      expect(JSON.parse(response.body)).toEqual({ message: 'Reading the subscription failed' });
    },
  );

  it('answers 502 when the dependency refused the request', () => {
    const cause = Object.assign(new Error('denied'), { name: 'AccessDeniedException', $fault: 'client' });

    const response = errorResponse(new DependencyFailureError('Reading the subscription', cause), silent());

    expect(response.statusCode).toBe(502);
    expect(response.headers).not.toHaveProperty('Retry-After');
  });

  it('shows only the public part of a conflict context', () => {
    const error = new ConflictError('Event type a has 1 subscription(s); delete them first', {
      context: { event_type: 'a', subscriptions: [{ id: 'abc' }], internal: 'hidden' },
    });

    expect(JSON.parse(errorResponse(error, silent()).body)).toEqual({
      message: 'Event type a has 1 subscription(s); delete them first',
      event_type: 'a',
      subscriptions: [{ id: 'abc' }],
    });
  });

  it('answers a generic 500 for anything unexpected and logs it', () => {
    const logger = silent();

    const response = errorResponse(
      new TypeError("Cannot read properties of undefined (reading 'x')"),
      logger,
    );

    expect(response.statusCode).toBe(500);
    expect(JSON.parse(response.body)).toEqual({ message: 'Internal server error' });
    expect(logger.errors).toHaveLength(1);
  });
});
