/**
 * The three wire protocols CloudWatch accepts, decoded to one input object and encoded back:
 * - AWS JSON 1.0 (`X-Amz-Target: GraniteServiceVersion20100801.<Op>`, `x-amzn-query-mode: true`), what
 *   `@aws-sdk/client-cloudwatch` sends, and botocore (the `aws` CLI), which ranks JSON before CBOR;
 * - Smithy RPC v2 CBOR (`POST /service/GraniteServiceVersion20100801/operation/<Op>`), CloudWatch's first-listed
 *   protocol, for SDKs that take it;
 * - awsQuery (form-encoded `Action=<Op>`, XML answers), what older CLIs and SDKs send.
 * CBOR coding is `@smithy/core`'s, the SDK's own.
 */
import { randomUUID } from 'node:crypto';
import { cbor, dateToTag } from '@smithy/core/cbor';

export const CLOUDWATCH_TARGET_PREFIX = 'GraniteServiceVersion20100801.';
export const CLOUDWATCH_RPC_PATH_PREFIX = '/service/GraniteServiceVersion20100801/operation/';
const XML_NAMESPACE = 'http://monitoring.amazonaws.com/doc/2010-08-01/';

export const WireProtocol = { JSON: 'json', CBOR: 'cbor', QUERY: 'query' } as const;
export type WireProtocol = (typeof WireProtocol)[keyof typeof WireProtocol];

/** The Smithy shape of each awsQuery error code, as the JSON and CBOR protocols name errors. */
const ERROR_SHAPES: Readonly<Record<string, string>> = {
  InvalidParameterValue: 'InvalidParameterValueException',
  MissingParameter: 'MissingRequiredParameterException',
  InvalidParameterCombination: 'InvalidParameterCombinationException',
  InternalServiceError: 'InternalServiceFault',
};

export interface EncodedResponse {
  readonly headers: Record<string, string>;
  readonly body: Buffer;
}

/** Which protocol a request speaks and the operation it names, from its headers and path. */
export function requestProtocol(
  headers: Record<string, string | string[] | undefined>,
  url: string,
): { protocol: WireProtocol; operation?: string } {
  const target = headers['x-amz-target'];
  if (typeof target === 'string' && target.startsWith(CLOUDWATCH_TARGET_PREFIX)) {
    return { protocol: WireProtocol.JSON, operation: target.slice(CLOUDWATCH_TARGET_PREFIX.length) };
  }
  const pathname = url.split('?')[0] ?? '';
  if (pathname.startsWith(CLOUDWATCH_RPC_PATH_PREFIX)) {
    return { protocol: WireProtocol.CBOR, operation: pathname.slice(CLOUDWATCH_RPC_PATH_PREFIX.length) };
  }
  return { protocol: WireProtocol.QUERY };
}

/** Fields awsQuery sends as text that are numbers (or booleans) in the model. */
const NUMERIC_FIELDS = new Set([
  'Period',
  'Value',
  'Values',
  'Counts',
  'SampleCount',
  'Sum',
  'Minimum',
  'Maximum',
  'MaxDatapoints',
  'StorageResolution',
]);
const BOOLEAN_FIELDS = new Set(['ReturnData', 'RecentlyActive', 'IncludeLinkedAccounts']);

/** Decodes awsQuery's flattened form (`A.member.1.B=x`) into nested objects and lists; returns the `Action` too. */
export function decodeQuery(body: string): { operation: string | undefined; input: Record<string, unknown> } {
  const root: Record<string, unknown> = {};
  let operation: string | undefined;
  for (const [key, value] of new URLSearchParams(body)) {
    if (key === 'Action') {
      operation = value;
      continue;
    }
    if (key === 'Version') continue;
    const parts = key.split('.');
    let node: Record<string, unknown> | unknown[] = root;
    let field = '';
    for (let i = 0; i < parts.length; i += 1) {
      const part = parts[i] as string;
      const last = i === parts.length - 1;
      if (part === 'member' && i + 1 < parts.length) continue; // `X.member.N`: N indexes the list X
      const index = /^\d+$/.test(part) && parts[i - 1] === 'member' ? Number(part) - 1 : undefined;
      if (index === undefined) field = part;
      // A dimension's `Value` is text; a datum's `Value` is a number.
      const inDimension = parts[i - 3] === 'Dimensions';
      const converted = (): unknown =>
        NUMERIC_FIELDS.has(field) && !inDimension
          ? Number(value)
          : BOOLEAN_FIELDS.has(field)
            ? value === 'true'
            : value;
      if (index !== undefined) {
        const listNode = node as unknown[];
        if (last) listNode[index] = converted();
        else {
          listNode[index] ??= {};
          node = listNode[index] as Record<string, unknown>;
        }
        continue;
      }
      const objectNode = node as Record<string, unknown>;
      if (last) objectNode[part] = converted();
      else {
        const isList = parts[i + 1] === 'member';
        objectNode[part] ??= isList ? [] : {};
        node = objectNode[part] as Record<string, unknown> | unknown[];
      }
    }
  }
  return { operation, input: root };
}

/** Parses a request body in its protocol. Throws `SyntaxError` on a malformed body. */
export function decodeBody(protocol: WireProtocol, body: Buffer): Record<string, unknown> {
  if (body.length === 0) return {};
  const decoded: unknown =
    protocol === WireProtocol.CBOR
      ? cbor.deserialize(new Uint8Array(body.buffer, body.byteOffset, body.length))
      : protocol === WireProtocol.JSON
        ? JSON.parse(body.toString('utf8'))
        : decodeQuery(body.toString('utf8')).input;
  if (typeof decoded !== 'object' || decoded === null || Array.isArray(decoded)) {
    throw new SyntaxError('The request body must be an object.');
  }
  return decoded as Record<string, unknown>;
}

function toJsonValue(value: unknown): unknown {
  if (value instanceof Date) return value.getTime() / 1000;
  if (Array.isArray(value)) return value.map(toJsonValue);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toJsonValue(v)]));
  }
  return value;
}

function toCborValue(value: unknown): unknown {
  if (value instanceof Date) return dateToTag(value);
  if (Array.isArray(value)) return value.map(toCborValue);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toCborValue(v)]));
  }
  return value;
}

const escapeXml = (text: string): string =>
  text.replace(
    /[<>&"']/g,
    (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c] as string,
  );

function toXml(value: unknown): string {
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map((item) => `<member>${toXml(item)}</member>`).join('');
  if (typeof value === 'object' && value !== null) {
    return Object.entries(value)
      .map(([k, v]) => `<${k}>${toXml(v)}</${k}>`)
      .join('');
  }
  return escapeXml(String(value));
}

/** A successful answer in the request's protocol. */
export function encodeOutput(protocol: WireProtocol, operation: string, output: unknown): EncodedResponse {
  const requestId = randomUUID();
  switch (protocol) {
    case WireProtocol.JSON:
      return {
        headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': requestId },
        body: Buffer.from(JSON.stringify(toJsonValue(output ?? {}))),
      };
    case WireProtocol.CBOR:
      return {
        headers: {
          'content-type': 'application/cbor',
          'smithy-protocol': 'rpc-v2-cbor',
          'x-amzn-requestid': requestId,
        },
        body: Buffer.from(cbor.serialize(toCborValue(output ?? {}))),
      };
    case WireProtocol.QUERY:
      return {
        headers: { 'content-type': 'text/xml', 'x-amzn-requestid': requestId },
        body: Buffer.from(
          `<${operation}Response xmlns="${XML_NAMESPACE}"><${operation}Result>${toXml(output ?? {})}</${operation}Result><ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${operation}Response>`,
        ),
      };
  }
}

/** An error answer in the request's protocol; `code` is the awsQuery code (`InvalidParameterValue`…). */
export function encodeError(
  protocol: WireProtocol,
  code: string,
  message: string,
  statusCode: number,
): EncodedResponse {
  const requestId = randomUUID();
  const fault = statusCode >= 500 ? 'Receiver' : 'Sender';
  const shape = ERROR_SHAPES[code] ?? code;
  // awsQuery-compatible services name the query error in a header, which the SDK and botocore read first.
  const queryError = { 'x-amzn-query-error': `${code};${fault}`, 'x-amzn-requestid': requestId };
  switch (protocol) {
    case WireProtocol.JSON:
      return {
        headers: { 'content-type': 'application/x-amz-json-1.0', ...queryError },
        body: Buffer.from(JSON.stringify({ __type: `com.amazonaws.cloudwatch#${shape}`, message })),
      };
    case WireProtocol.CBOR:
      return {
        headers: { 'content-type': 'application/cbor', 'smithy-protocol': 'rpc-v2-cbor', ...queryError },
        body: Buffer.from(cbor.serialize({ __type: `com.amazonaws.cloudwatch#${shape}`, message })),
      };
    case WireProtocol.QUERY:
      return {
        headers: { 'content-type': 'text/xml', 'x-amzn-requestid': requestId },
        body: Buffer.from(
          `<ErrorResponse xmlns="${XML_NAMESPACE}"><Error><Type>${fault}</Type><Code>${escapeXml(code)}</Code><Message>${escapeXml(message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`,
        ),
      };
  }
}
