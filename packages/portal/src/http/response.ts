import type { APIGatewayProxyResult } from 'aws-lambda';

/** A JSON response (the edge's, the same for every Bridgeport endpoint). */
export { json } from '@bridgeport/edge';

/** `204 No Content`. */
export function noContent(headers: Record<string, string> = {}): APIGatewayProxyResult {
  return { statusCode: 204, headers, body: '' };
}

/**
 * A `Location` for a resource path such as `/events/order_created`, keeping the prefix API Gateway saw
 * before the resource (the stage, e.g. `/dev`) so that clients can follow it as is.
 */
export function location(
  event: { readonly path: string; readonly requestContext?: { readonly path?: string } },
  resourcePath: string,
): string {
  const seen = event.requestContext?.path;
  const prefix = seen?.endsWith(event.path) ? seen.slice(0, seen.length - event.path.length) : '';
  return `${prefix}${resourcePath}`;
}
