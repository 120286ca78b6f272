/**
 * The one request-reading rule of Bridgeport's HTTP endpoints (the portal API and the producer endpoint):
 *
 * - The Content-Type is `application/json` or `application/<subtype>+json` (RFC 6838 name characters, any case,
 *   any parameters such as `charset`), or it is absent or blank: a client that sends JSON without declaring it is
 *   read as JSON. Anything else is `415`.
 * - The body is required (`400`, path `$`), must be valid JSON (`400` with the parser's reason) and may not exceed
 *   the endpoint's size limit (`413`).
 */
import { PayloadTooLargeError, UnsupportedMediaTypeError, ValidationError } from './errors';

const JSON_MEDIA_TYPE = /^application\/(?:[a-z0-9!#$&^_.+-]+\+)?json$/;

/** Whether a request with this Content-Type header (or none) is read as JSON. */
export function isJsonContentType(contentType: string | undefined): boolean {
  if (contentType === undefined || contentType.trim() === '') return true;
  const essence = (contentType.split(';')[0] ?? '').trim().toLowerCase();
  return JSON_MEDIA_TYPE.test(essence);
}

/** A header's value from a header map whose names are spelled as the client sent them. */
export function headerValue(
  headers: Readonly<Record<string, string | undefined>> | null | undefined,
  name: string,
): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers ?? {})) {
    if (key.toLowerCase() === wanted && value !== undefined) return value;
  }
  return undefined;
}

/** Throws `UnsupportedMediaTypeError` (415) unless the request is read as JSON. */
export function assertJsonContentType(contentType: string | undefined): void {
  if (isJsonContentType(contentType)) return;
  throw new UnsupportedMediaTypeError(`Content-Type ${contentType} is not supported; send application/json`, {
    context: { content_type: contentType },
  });
}

/** An endpoint's body size limit; `label` is how the answer names it (e.g. `1 MB`). */
export interface BodySizeLimit {
  readonly bytes: number;
  readonly label?: string;
}

/**
 * The body's text after the size and presence checks: `PayloadTooLargeError` (413) over the limit (when given),
 * `ValidationError` (400, path `$`) when it is missing or blank.
 */
export function requestBodyText(
  body: string | null | undefined,
  isBase64Encoded: boolean | undefined,
  limit?: BodySizeLimit,
): string {
  const raw = body ?? '';
  const bytes = isBase64Encoded === true ? Buffer.from(raw, 'base64') : Buffer.from(raw, 'utf8');
  if (limit !== undefined && bytes.length > limit.bytes) {
    const label = limit.label === undefined ? '' : ` (${limit.label})`;
    throw new PayloadTooLargeError(
      `The request body is ${bytes.length} bytes; the limit is ${limit.bytes} bytes${label}`,
      { context: { size: bytes.length, limit: limit.bytes } },
    );
  }
  const text = bytes.toString('utf8');
  if (text.trim() === '') {
    throw new ValidationError('The request body is required', [{ path: '$', message: 'is required' }]);
  }
  return text;
}

/** The `400` for a body that is not valid JSON, with the parser's reason. */
export function invalidJsonBodyError(reason: string): ValidationError {
  return new ValidationError('The request body is not valid JSON', [
    { path: '$', message: `is not valid JSON: ${reason}` },
  ]);
}

/** Parses checked body text; throws `invalidJsonBodyError` with the reason. */
export function parseJsonBody(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw invalidJsonBodyError(error instanceof Error ? error.message : String(error));
  }
}
