import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * An error answered in AWS's shape: `code` becomes `__type` (AWS JSON) or `Code` (REST JSON); `headers` are
 * added to the error response (e.g. SQS's `x-amzn-query-error`).
 */
export class AwsServiceError extends Error {
  override readonly name = 'AwsServiceError';
  constructor(
    readonly code: string,
    message: string,
    readonly statusCode = 400,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
  }
}

/** The service in `Credential=AKID/date/region/<service>/aws4_request` (header or presigned query). */
export function credentialScopeService(request: IncomingMessage): string | undefined {
  const authorization = request.headers.authorization;
  const fromHeader =
    typeof authorization === 'string' ? /Credential=([^,\s]+)/.exec(authorization)?.[1] : undefined;
  let credential = fromHeader;
  if (!credential) {
    const query = (request.url ?? '').split('?')[1];
    if (query) credential = new URLSearchParams(query).get('X-Amz-Credential') ?? undefined;
  }
  if (!credential) return undefined;
  const parts = credential.split('/');
  return parts.length >= 5 ? parts[parts.length - 2] : undefined;
}

/** The access key of a SigV4 request (header or presigned query), if any. */
export function accessKeyOf(request: IncomingMessage): string | undefined {
  const authorization = request.headers.authorization;
  const fromHeader =
    typeof authorization === 'string' ? /Credential=([^/,\s]+)\//.exec(authorization)?.[1] : undefined;
  if (fromHeader) return fromHeader;
  const query = (request.url ?? '').split('?')[1];
  const credential = query ? new URLSearchParams(query).get('X-Amz-Credential') : null;
  return credential?.split('/')[0] || undefined;
}

/** Reads a whole request body, refusing more than `limit` bytes. */
export function readBody(request: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        reject(new AwsServiceError('RequestEntityTooLargeException', 'Request is too large.', 413));
        request.destroy();
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

export function sendJson(
  response: ServerResponse,
  statusCode: number,
  body: unknown,
  contentType: string,
  headers: Record<string, string> = {},
): void {
  const text = body === undefined ? '' : JSON.stringify(body);
  response.writeHead(statusCode, {
    'content-type': contentType,
    'content-length': Buffer.byteLength(text),
    'x-amzn-requestid': randomUUID(),
    ...headers,
  });
  response.end(text);
}
