import type { IncomingMessage, ServerResponse } from 'node:http';
import { AwsServiceError, readBody } from '../protocol';
import type { MetricStore } from './metric-store';
import { cloudWatchOperations } from './operations';
import { decodeBody, decodeQuery, encodeError, encodeOutput, requestProtocol, WireProtocol } from './wire';

/** Serves one CloudWatch request (AWS JSON 1.0, RPC v2 CBOR or awsQuery) against the metric store. */
export async function handleCloudWatchRequest(
  store: MetricStore,
  request: IncomingMessage,
  response: ServerResponse,
  options: { maxBodyBytes: number; onInternalError?: (error: unknown) => void },
): Promise<void> {
  const detected = requestProtocol(request.headers, request.url ?? '/');
  const protocol = detected.protocol;
  try {
    if (request.method !== 'POST') {
      throw new AwsServiceError('InvalidAction', 'CloudWatch requests are POSTs.');
    }
    const body = await readBody(request, options.maxBodyBytes);
    let input: Record<string, unknown>;
    let operationName = detected.operation;
    try {
      if (protocol === WireProtocol.QUERY) {
        const decoded = decodeQuery(body.toString('utf8'));
        operationName = decoded.operation;
        input = decoded.input;
      } else {
        input = decodeBody(protocol, body);
      }
    } catch {
      throw new AwsServiceError('SerializationException', `The request body is not valid ${protocol}.`);
    }
    const operation =
      operationName !== undefined && Object.hasOwn(cloudWatchOperations, operationName)
        ? cloudWatchOperations[operationName]
        : undefined;
    if (!operation || operationName === undefined) {
      throw new AwsServiceError(
        'InvalidAction',
        `The action ${operationName ?? '(none)'} is not valid for this endpoint (PutMetricData, GetMetricData, ListMetrics).`,
      );
    }
    const output = await operation(store, input);
    const encoded = encodeOutput(protocol, operationName, output);
    send(response, 200, encoded);
  } catch (error) {
    const awsError =
      error instanceof AwsServiceError
        ? error
        : new AwsServiceError('InternalServiceError', 'An internal error occurred.', 500);
    if (awsError.statusCode >= 500) options.onInternalError?.(error);
    if (response.headersSent) {
      response.destroy();
      return;
    }
    send(
      response,
      awsError.statusCode,
      encodeError(protocol, awsError.code, awsError.message, awsError.statusCode),
    );
  }
}

function send(
  response: ServerResponse,
  statusCode: number,
  encoded: { headers: Record<string, string>; body: Buffer },
): void {
  response.writeHead(statusCode, { ...encoded.headers, 'content-length': encoded.body.length });
  response.end(encoded.body);
}
