import {
  PayloadTooLargeError,
  UnsupportedMediaTypeError,
  ValidationError,
  type ValidationProblem,
} from '@bridgeport/core';
import type { APIGatewayProxyEvent } from 'aws-lambda';

/** Largest accepted request body: 1 MB. */
export const MAX_BODY_BYTES = 1024 * 1024;

/** A header's value, looked up case-insensitively (API Gateway passes header names as the client sent them). */
export function header(event: APIGatewayProxyEvent, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(event.headers ?? {})) {
    if (key.toLowerCase() === wanted && value !== undefined) return value;
  }
  for (const [key, values] of Object.entries(event.multiValueHeaders ?? {})) {
    if (key.toLowerCase() === wanted && values !== undefined && values.length > 0) return values.join(',');
  }
  return undefined;
}

/** `application/json`, `application/<something>+json`, with any parameters (charset…). */
export function isJsonMediaType(contentType: string): boolean {
  const essence = (contentType.split(';')[0] ?? '').trim().toLowerCase();
  return essence === 'application/json' || /^application\/[a-z0-9.!#$&^_-]+\+json$/.test(essence);
}

/**
 * The request body parsed as JSON. Throws `UnsupportedMediaTypeError` (415) for a non-JSON Content-Type,
 * `PayloadTooLargeError` (413) over 1 MB, and `ValidationError` (400, path `$`) when the body is missing or
 * is not valid JSON. A request without Content-Type is read as JSON.
 */
export function readJsonBody(event: APIGatewayProxyEvent): unknown {
  const contentType = header(event, 'content-type');
  if (contentType !== undefined && contentType.trim() !== '' && !isJsonMediaType(contentType)) {
    throw new UnsupportedMediaTypeError(
      `Content-Type ${contentType} is not supported; send application/json`,
      {
        context: { content_type: contentType },
      },
    );
  }
  const raw = event.body ?? '';
  const bytes = event.isBase64Encoded ? Buffer.from(raw, 'base64') : Buffer.from(raw, 'utf8');
  if (bytes.length > MAX_BODY_BYTES) {
    throw new PayloadTooLargeError(
      `The request body is ${bytes.length} bytes; the limit is ${MAX_BODY_BYTES} bytes (1 MB)`,
      { context: { size: bytes.length, limit: MAX_BODY_BYTES } },
    );
  }
  const text = bytes.toString('utf8');
  if (text.trim() === '') {
    throw new ValidationError('The request body is required', [{ path: '$', message: 'is required' }]);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new ValidationError('The request body is not valid JSON', [
      { path: '$', message: `is not valid JSON: ${detail}` },
    ]);
  }
}

/** Like `readJsonBody`, but an empty body reads as `undefined` (for requests whose body is optional). */
export function readOptionalJsonBody(event: APIGatewayProxyEvent): unknown {
  const raw = event.body ?? '';
  if (raw.trim() === '') return undefined;
  return readJsonBody(event);
}

/** A required path parameter (API Gateway always supplies the ones in the resource path). */
export function pathParameter(event: APIGatewayProxyEvent, name: string): string {
  const value = event.pathParameters?.[name];
  if (value === undefined || value === '') {
    throw new ValidationError(`The path parameter ${name} is required`, [
      { path: `path.${name}`, message: 'is required' },
    ]);
  }
  return decodeURIComponentSafe(value);
}

function decodeURIComponentSafe(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
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
