import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { AwsServiceError, readBody, sendJson } from './protocol';

const CONTENT_TYPE = 'application/json';

/** One REST JSON answer: a status, and a JSON body unless there is none (204, 202). */
export interface RestJsonAnswer {
  readonly status: number;
  readonly body?: unknown;
}

/** A REST JSON service (API Gateway, Schemas): its routes, and the shape its errors take. */
export interface RestJsonProtocol {
  /** Answers a request; throws `AwsServiceError` for what the service refuses. */
  route(method: string, url: URL, body: Record<string, unknown>): Promise<RestJsonAnswer>;
  /** The error body the service answers (`{message}` for API Gateway, `{Code, Message}` for Schemas). */
  errorBody(error: AwsServiceError): unknown;
}

/**
 * Serves one REST JSON request: reads the JSON body (an object, or `{}`), routes it, and answers JSON; a refusal
 * answers the service's error body with `x-amzn-ErrorType`, anything else a generic 500 reported to
 * `onInternalError`.
 */
export async function serveRestJsonRequest(
  protocol: RestJsonProtocol,
  request: IncomingMessage,
  response: ServerResponse,
  options: { maxBodyBytes: number; onInternalError?: (error: unknown) => void },
): Promise<void> {
  try {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const raw = await readBody(request, options.maxBodyBytes);
    let body: Record<string, unknown> = {};
    if (raw.length > 0) {
      try {
        const parsed: unknown = JSON.parse(raw.toString('utf8'));
        if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) {
          body = parsed as Record<string, unknown>;
        }
      } catch {
        throw new AwsServiceError('BadRequestException', 'The request body is not valid JSON.');
      }
    }
    const answer = await protocol.route(request.method ?? 'GET', url, body);
    if (answer.body === undefined) {
      response.writeHead(answer.status, { 'x-amzn-requestid': randomUUID(), 'content-length': 0 });
      response.end();
      return;
    }
    sendJson(response, answer.status, answer.body, CONTENT_TYPE);
  } catch (error) {
    const awsError =
      error instanceof AwsServiceError
        ? error
        : new AwsServiceError('InternalServerErrorException', 'An internal error occurred.', 500);
    if (awsError.statusCode >= 500) options.onInternalError?.(error);
    if (response.headersSent) {
      response.destroy();
      return;
    }
    sendJson(response, awsError.statusCode, protocol.errorBody(awsError), CONTENT_TYPE, {
      'x-amzn-errortype': awsError.code,
    });
  }
}
