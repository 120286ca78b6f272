import { PreconditionFailedError } from '@bridgeport/core';
import { header } from '@bridgeport/edge';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import type { RevisionPrecondition } from '../services/event-types';

/** The ETag of a revision. */
export function entityTag(revision: number): string {
  return `"${revision}"`;
}

/**
 * The request's `If-Match` as a condition on the revision (`*`, one or several entity tags, weak or strong), or
 * undefined without the header; a revision it does not name fails with `412`.
 */
export function ifMatch(event: APIGatewayProxyEvent): RevisionPrecondition | undefined {
  const value = header(event, 'if-match');
  if (value === undefined) return undefined;
  const tags = value.split(',').map((tag) => tag.trim().replace(/^W\//, ''));
  return {
    check(revision) {
      if (tags.includes('*') || tags.includes(entityTag(revision))) return;
      throw new PreconditionFailedError(
        `If-Match ${value} does not match the current ETag ${entityTag(revision)}; read the event type again`,
      );
    },
  };
}
