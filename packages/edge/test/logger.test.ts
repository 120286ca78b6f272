import { DependencyFailureError } from '@bridgeport/core';
import middy from '@middy/core';
import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import { httpErrorHandler } from '../src/error-response';
import { createLogger, invocationLogger, lambdaContextLogging } from '../src/logger';
import type { HttpResponse } from '../src/response';
import { writtenLines } from './support/written-lines';

const contextOf = (awsRequestId: string) =>
  ({
    awsRequestId,
    functionName: 'dev-events',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:dev-events',
    memoryLimitInMB: '512',
  }) as Context;

const event = {
  httpMethod: 'GET',
  resource: '/events',
  path: '/events',
  headers: {},
} as APIGatewayProxyEvent;

function failingHandler(error: unknown) {
  return middy<APIGatewayProxyEvent, HttpResponse, Error, Context>()
    .use(httpErrorHandler({ logger: createLogger('bridgeport-test') }))
    .handler(async () => {
      throw error;
    });
}

describe('the HTTP edge logger', () => {
  it('answers an unexpected error with a generic 500 and logs one JSON line with its stack and the request id', async () => {
    const failure = new TypeError("Cannot read properties of undefined (reading 'owner')");

    const { result, stderr, stdout } = await writtenLines(() =>
      failingHandler(failure)(event, contextOf('0f1e2d3c-0000-4000-8000-000000000001')),
    );

    expect(result).toEqual({
      statusCode: 500,
      headers: { 'Content-Type': 'application/json' },
      body: '{"message":"Internal server error"}',
    });
    expect(stdout).toEqual([]);
    expect(stderr).toEqual([
      expect.objectContaining({
        level: 'ERROR',
        message: 'Unexpected error',
        service: 'bridgeport-test',
        function_request_id: '0f1e2d3c-0000-4000-8000-000000000001',
        error: expect.objectContaining({
          name: 'TypeError',
          message: "Cannot read properties of undefined (reading 'owner')",
          stack: expect.stringContaining('logger.test.ts'),
        }),
      }),
    ]);
  });

  it('logs a failed dependency with its step and its cause, answering only the step', async () => {
    const cause = Object.assign(new Error('User arn:aws:iam::123456789012:role/x is not authorized'), {
      name: 'AccessDeniedException',
    });

    const { result, stderr } = await writtenLines(() =>
      failingHandler(new DependencyFailureError('Writing the schema backup', cause))(
        event,
        contextOf('0f1e2d3c-0000-4000-8000-000000000002'),
      ),
    );

    expect(result).toEqual({
      statusCode: 502,
      headers: { 'Content-Type': 'application/json' },
      body: '{"message":"Writing the schema backup failed"}',
    });
    expect(stderr).toEqual([
      expect.objectContaining({
        level: 'ERROR',
        message: 'Writing the schema backup failed',
        function_request_id: '0f1e2d3c-0000-4000-8000-000000000002',
        step: 'Writing the schema backup',
        error: expect.objectContaining({
          name: 'DependencyFailureError',
          cause: expect.objectContaining({ name: 'AccessDeniedException', stack: expect.any(String) }),
        }),
      }),
    ]);
  });

  it('keeps each invocation under its own request id when invocations overlap', async () => {
    const logger = createLogger('bridgeport-test');
    const first = invocationLogger(logger, contextOf('request-1'));
    const second = invocationLogger(logger, contextOf('request-2'));

    const { stdout } = await writtenLines(async () => {
      first.info('started', { step: 1 });
      second.info('started', { step: 1 });
      first.info('finished', { step: 2 });
    });

    expect(stdout.map((line) => [line.function_request_id, line.message, line.step])).toEqual([
      ['request-1', 'started', 1],
      ['request-2', 'started', 1],
      ['request-1', 'finished', 2],
    ]);
  });

  it('puts the Lambda context on every line of an event handler', async () => {
    const logger = createLogger('bridgeport-test');
    const handler = middy<{ records: number }, void>()
      .use(lambdaContextLogging(logger))
      .handler(async ({ records }) => {
        logger.info('Batch received', { records });
        logger.warn('One record refused');
      });

    const { stdout, stderr } = await writtenLines(() =>
      handler({ records: 2 }, contextOf('0f1e2d3c-0000-4000-8000-000000000003')),
    );

    expect([...stdout, ...stderr]).toEqual([
      expect.objectContaining({
        level: 'INFO',
        message: 'Batch received',
        records: 2,
        function_request_id: '0f1e2d3c-0000-4000-8000-000000000003',
        function_name: 'dev-events',
      }),
      expect.objectContaining({
        level: 'WARN',
        message: 'One record refused',
        function_request_id: '0f1e2d3c-0000-4000-8000-000000000003',
      }),
    ]);
  });
});
