/**
 * The store's own failures. Both are server-side faults: a malformed item is a bug or a corrupted table (an
 * HTTP 500, never a client's 4xx), and keys DynamoDB keeps leaving unprocessed are a dependency failing (a 503
 * the client may retry).
 */
import { DependencyFailureError, EventsTableKey } from '@bridgeport/core';

/** An item of the events table lacks a field the portal relies on, or holds it with the wrong type. */
export class MalformedItemError extends Error {
  override readonly name = 'MalformedItemError';
  /** The item's partition key (`PK`), when it has one. */
  readonly partitionKey: string | undefined;
  /** The item's sort key (`SK`), when it has one. */
  readonly sortKey: string | undefined;
  /** The attribute found wrong. */
  readonly field: string;

  constructor(
    item: Readonly<Record<string, unknown>>,
    field: string,
    problem: string,
    options: ErrorOptions = {},
  ) {
    const partitionKey = keyPart(item[EventsTableKey.PARTITION]);
    const sortKey = keyPart(item[EventsTableKey.SORT]);
    const where =
      partitionKey === undefined
        ? 'An item of the events table'
        : `Item ${EventsTableKey.PARTITION}=${partitionKey} ${EventsTableKey.SORT}=${sortKey ?? '?'}`;
    super(`${where} is malformed: field ${field} ${problem}`, options);
    this.partitionKey = partitionKey;
    this.sortKey = sortKey;
    this.field = field;
  }
}

function keyPart(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** DynamoDB left keys of a batch unprocessed through every retry (it was throttling the table). */
export class UnprocessedKeysError extends DependencyFailureError {
  override readonly name: string = 'UnprocessedKeysError';
  /** How many keys stayed unprocessed. */
  readonly unprocessed: number;

  constructor(step: string, unprocessed: number, attempts: number) {
    super(step, new Error(`${unprocessed} key(s) still unprocessed after ${attempts} attempts`), {
      retryable: true,
      context: { unprocessed, attempts },
    });
    this.unprocessed = unprocessed;
  }
}
