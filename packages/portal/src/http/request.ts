import { InputLimit, isJsonContentType, ValidationError, type ValidationProblem } from '@bridgeport/core';
import type { JsonBodyRules } from '@bridgeport/edge';
import type { APIGatewayProxyEvent } from 'aws-lambda';

/** Largest accepted request body: 1 MB. */
export const MAX_BODY_BYTES = 1024 * 1024;
/** Deepest accepted request body: a schema of `InputLimit.MAX_JSON_DEPTH` levels inside the request object. */
export const MAX_BODY_DEPTH = InputLimit.MAX_JSON_DEPTH + 1;

/** `application/json` or `application/<something>+json`, with any parameters (charset…); see core's rule. */
export function isJsonMediaType(contentType: string): boolean {
  return contentType.trim() !== '' && isJsonContentType(contentType);
}

/** How the portal reads request bodies (the edge's JSON body middleware applies core's `json-request` rule). */
export const PORTAL_BODY_RULES: JsonBodyRules = {
  limit: { bytes: MAX_BODY_BYTES, label: '1 MB' },
  maxDepth: MAX_BODY_DEPTH,
  tooDeepMessage: 'The request body nests too deep',
};

/** A required path parameter (API Gateway always supplies the ones in the resource path), percent-decoded. */
export function pathParameter(event: APIGatewayProxyEvent, name: string): string {
  const value = event.pathParameters?.[name];
  if (value === undefined || value === '') {
    throw new ValidationError(`The path parameter ${name} is required`, [
      { path: `path.${name}`, message: 'is required' },
    ]);
  }
  try {
    return decodeURIComponent(value);
  } catch {
    throw new ValidationError(`The path parameter ${name} has a malformed percent escape`, [
      { path: `path.${name}`, message: 'has a malformed percent escape' },
    ]);
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
