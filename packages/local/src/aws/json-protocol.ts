import type { IncomingMessage, ServerResponse } from 'node:http';
import { AwsServiceError, readBody, sendJson } from './protocol';

/** The JSON object of an AWS JSON request. */
export type JsonInput = Record<string, unknown>;

/** One operation of an AWS JSON service: the request's JSON object in, the response's JSON out. */
export type JsonOperation<Context> = (context: Context, input: JsonInput) => unknown | Promise<unknown>;

/** An AWS JSON 1.0 / 1.1 service: operations named by `X-Amz-Target: <prefix><Operation>`. */
export interface JsonProtocol<Context> {
  /** The `X-Amz-Target` prefix, e.g. `AWSEvents.`. */
  readonly targetPrefix: string;
  /** `application/x-amz-json-1.0` or `application/x-amz-json-1.1`. */
  readonly contentType: string;
  readonly operations: Readonly<Record<string, JsonOperation<Context>>>;
  /** Added after `Operation X is not supported` in the answer to an unknown operation. */
  readonly unsupportedDetail?: string;
  /**
   * The error answered for anything an operation throws: `__type` is its `code`, `message` its message, plus
   * its `headers`. Errors the service does not know must become a 5xx with a generic message.
   */
  toAwsError(error: unknown): AwsServiceError;
}

export interface JsonRequestOptions {
  readonly maxBodyBytes: number;
  /** Called with the cause of every 5xx answer. */
  readonly onInternalError?: (error: unknown) => void;
  /** Aborted when the endpoint closes; ends long operations (SQS long polls). */
  readonly signal?: AbortSignal;
}

/** What a service's context is made from, per request. */
export interface JsonRequest {
  readonly request: IncomingMessage;
  /** Aborted when the client goes away or the endpoint closes. */
  readonly signal: AbortSignal;
}

/**
 * Serves one AWS JSON request: finds the operation, reads and parses the body, runs the operation on the
 * context made for this request and answers its output, or the error envelope `{ __type, message }`.
 */
export async function serveJsonRequest<Context>(
  protocol: JsonProtocol<Context>,
  contextOf: (request: JsonRequest) => Context,
  request: IncomingMessage,
  response: ServerResponse,
  options: JsonRequestOptions,
): Promise<void> {
  const aborted = new AbortController();
  const abort = () => aborted.abort();
  response.on('close', abort);
  options.signal?.addEventListener('abort', abort);
  try {
    const target = String(request.headers['x-amz-target'] ?? '');
    const operationName = target.startsWith(protocol.targetPrefix)
      ? target.slice(protocol.targetPrefix.length)
      : '';
    const operation = Object.hasOwn(protocol.operations, operationName)
      ? protocol.operations[operationName]
      : undefined;
    if (request.method !== 'POST' || !operation) {
      throw new AwsServiceError(
        'UnknownOperationException',
        `Operation ${operationName || target || '(none)'} is not supported${protocol.unsupportedDetail ?? ''}.`,
      );
    }
    const body = await readBody(request, options.maxBodyBytes);
    let input: unknown;
    try {
      input = body.length === 0 ? {} : JSON.parse(body.toString('utf8'));
    } catch {
      throw new AwsServiceError('SerializationException', 'The request body is not valid JSON.');
    }
    if (typeof input !== 'object' || input === null || Array.isArray(input)) {
      throw new AwsServiceError('SerializationException', 'The request body must be a JSON object.');
    }
    const output = await operation(contextOf({ request, signal: aborted.signal }), input as JsonInput);
    if (response.destroyed) return;
    sendJson(response, 200, output ?? {}, protocol.contentType);
  } catch (error) {
    const awsError = protocol.toAwsError(error);
    if (awsError.statusCode >= 500) options.onInternalError?.(error);
    if (response.headersSent || response.destroyed) {
      response.destroy();
      return;
    }
    sendJson(
      response,
      awsError.statusCode,
      { __type: awsError.code, message: awsError.message },
      protocol.contentType,
      { ...awsError.headers },
    );
  } finally {
    response.off('close', abort);
    options.signal?.removeEventListener('abort', abort);
  }
}
