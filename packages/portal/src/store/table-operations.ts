/**
 * The operations every repository of the events table is built on: the clock, DynamoDB calls whose failures
 * become `DependencyFailureError` naming the step, conditional writes that may lose, consistent reads, whole
 * and paged queries, and batches retried until processed. Items come back unchecked here; the repositories
 * decode them (`items.ts`).
 */
import {
  BatchGetCommand,
  BatchWriteCommand,
  type BatchWriteCommandInput,
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  paginateQuery,
  QueryCommand,
  type QueryCommandInput,
  UpdateCommand,
  type UpdateCommandInput,
} from '@aws-sdk/lib-dynamodb';
import {
  DependencyFailureError,
  type EventsTableItemKey,
  EventsTableKey,
  ValidationError,
} from '@bridgeport/core';
import { sendUntilProcessed } from './batch-retry';
import type { Item } from './item-fields';
import { type StatusUpdateInput, statusUpdateOf } from './status-update';

const K = EventsTableKey;

/** An opaque position in a listing (a DynamoDB key). */
export type PageKey = Readonly<Record<string, string | number>>;

export interface Page<T> {
  readonly items: T[];
  /** Present when more items follow. */
  readonly nextKey?: PageKey;
}

export interface PageRequest {
  readonly limit: number;
  readonly startKey?: PageKey;
}

/** Outcome of a conditional write that may lose to the current state. */
/** An `UpdateItem` request but for the table: the key, the expressions, and what to return. */
export type UpdateRequest = Omit<UpdateCommandInput, 'TableName'>;

export type Conditional<T> = { readonly ok: true; readonly value: T } | { readonly ok: false };

export interface TableOptions {
  readonly tableName: string;
  readonly client: DynamoDBDocumentClient;
  /** Clock. @default () => new Date() */
  readonly now?: () => Date;
}

/** The condition of a put: its expression, and the names and values it binds. */
export interface PutCondition {
  readonly ConditionExpression: string;
  readonly ExpressionAttributeNames?: Readonly<Record<string, string>>;
  readonly ExpressionAttributeValues?: Readonly<Record<string, unknown>>;
}

/** The condition of a write that creates a record only where none exists. */
export const ONLY_IF_ABSENT = {
  ConditionExpression: 'attribute_not_exists(#pk)',
  ExpressionAttributeNames: { '#pk': K.PARTITION },
} as const;

/** The most keys one `BatchGetItem` reads, and the most requests one `BatchWriteItem` makes. */
const BATCH_GET_KEYS = 100;
const BATCH_WRITE_REQUESTS = 25;

type WriteRequest = NonNullable<BatchWriteCommandInput['RequestItems']>[string][number];

/** The key DynamoDB would return as `LastEvaluatedKey` after `item`: the table's keys, plus the index's. */
function pageKeyOf(item: Item, indexName: string | undefined): PageKey {
  const key: Record<string, string | number> = {};
  for (const name of pageKeyNames(indexName)) {
    const value = item[name];
    if (typeof value === 'string' || typeof value === 'number') key[name] = value;
  }
  return key;
}

function pageKeyNames(indexName: string | undefined): string[] {
  const names: string[] = [K.PARTITION, K.SORT];
  if (indexName === K.LIST_INDEX) names.push(K.LIST_PARTITION, K.LIST_SORT);
  if (indexName === K.LOOKUP_INDEX) names.push(K.LOOKUP_PARTITION, K.LOOKUP_SORT);
  return names;
}

/** Whether `key` has exactly the attributes `pageKeyOf` gives for this index, each a string or a number. */
function isPageKeyOf(key: PageKey, indexName: string | undefined): boolean {
  const expected = pageKeyNames(indexName).sort();
  const names = Object.keys(key).sort();
  return (
    names.length === expected.length &&
    names.every((name, i) => name === expected[i]) &&
    Object.values(key).every((value) => typeof value === 'string' || typeof value === 'number')
  );
}

function invalidPageToken(): ValidationError {
  return new ValidationError('The query parameters are not valid', [
    { path: 'query.next_token', message: 'is not a token returned by this listing' },
  ]);
}

function isValidationFailure(error: unknown): boolean {
  return error instanceof Error && error.name === 'ValidationException';
}

function isConditionFailure(error: unknown): boolean {
  return error instanceof Error && error.name === 'ConditionalCheckFailedException';
}

/** One table, its client and clock, and the operations the repositories share. */
export class TableOperations {
  readonly tableName: string;
  readonly client: DynamoDBDocumentClient;
  private readonly now: () => Date;

  constructor(options: TableOptions) {
    this.tableName = options.tableName;
    this.client = options.client;
    this.now = options.now ?? (() => new Date());
  }

  /** The clock in epoch seconds, the unit of `expires_at`. */
  epochSeconds(): number {
    return Math.floor(this.now().getTime() / 1000);
  }

  /** The clock as ISO-8601, the format of every time the records hold. */
  timestamp(): string {
    return this.now().toISOString();
  }

  /** Runs DynamoDB calls; a failure becomes `DependencyFailureError` naming `step` (validation errors pass). */
  async call<T>(step: string, action: () => Promise<T>): Promise<T> {
    try {
      return await action();
    } catch (error) {
      if (error instanceof ValidationError) throw error;
      throw new DependencyFailureError(step, error);
    }
  }

  /** Runs a conditional write; `{ ok: false }` when its condition does not hold. */
  async conditional<T>(step: string, action: () => Promise<T>): Promise<Conditional<T>> {
    try {
      return { ok: true, value: await action() };
    } catch (error) {
      if (isConditionFailure(error)) return { ok: false };
      throw new DependencyFailureError(step, error);
    }
  }

  /**
   * Updates the item at `request.Key` under the request's condition: `{ ok: false }` when the condition does not
   * hold, else the attributes `ReturnValues` asks for (none unless asked).
   */
  async update(request: UpdateRequest, step: string): Promise<Conditional<Item | undefined>> {
    const written = await this.conditional(step, () =>
      this.client.send(new UpdateCommand({ TableName: this.tableName, ...request })),
    );
    return written.ok ? { ok: true, value: written.value.Attributes } : written;
  }

  /** The item at `key` (a consistent read), undefined when there is none. */
  async get(key: EventsTableItemKey, step: string): Promise<Item | undefined> {
    const result = await this.call(step, () =>
      this.client.send(new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: true })),
    );
    return result.Item;
  }

  /** Every item a query matches, page after page. */
  async queryAll(input: QueryCommandInput, step: string): Promise<Item[]> {
    return this.call(step, async () => {
      const items: Item[] = [];
      for await (const page of paginateQuery({ client: this.client }, input))
        items.push(...(page.Items ?? []));
      return items;
    });
  }

  /**
   * One page of at most `page.limit` items, and a `nextKey` only when more items follow: DynamoDB is asked for
   * one item beyond the page (again while a filter leaves it short), so the last page never carries a token.
   */
  async queryPage(input: QueryCommandInput, page: PageRequest, step: string): Promise<Page<Item>> {
    const items: Item[] = [];
    let startKey = page.startKey;
    if (startKey !== undefined && !isPageKeyOf(startKey, input.IndexName)) throw invalidPageToken();
    do {
      const result = await this.call(step, async () => {
        try {
          return await this.client.send(
            new QueryCommand({ ...input, Limit: page.limit + 1 - items.length, ExclusiveStartKey: startKey }),
          );
        } catch (error) {
          // A position DynamoDB refuses for this query came from a token that this listing did not issue.
          if (startKey === page.startKey && startKey !== undefined && isValidationFailure(error)) {
            throw invalidPageToken();
          }
          throw error;
        }
      });
      items.push(...(result.Items ?? []));
      startKey = result.LastEvaluatedKey;
    } while (items.length <= page.limit && startKey !== undefined);
    if (items.length <= page.limit) return { items };
    const kept = items.slice(0, page.limit);
    const last = kept[kept.length - 1];
    return last === undefined ? { items: kept } : { items: kept, nextKey: pageKeyOf(last, input.IndexName) };
  }

  /**
   * The items at `keys` (consistent reads, in no particular order; missing ones are left out). Keys DynamoDB
   * leaves unprocessed are asked again after a backoff; `UnprocessedKeysError` when some stay unprocessed.
   */
  async batchGet(keys: readonly EventsTableItemKey[], step: string): Promise<Item[]> {
    const items: Item[] = [];
    for (let start = 0; start < keys.length; start += BATCH_GET_KEYS) {
      const batch: Item[] = keys.slice(start, start + BATCH_GET_KEYS);
      await sendUntilProcessed(step, batch, async (pending) => {
        const result = await this.call(step, () =>
          this.client.send(
            new BatchGetCommand({
              RequestItems: { [this.tableName]: { Keys: [...pending], ConsistentRead: true } },
            }),
          ),
        );
        items.push(...(result.Responses?.[this.tableName] ?? []));
        return result.UnprocessedKeys?.[this.tableName]?.Keys ?? [];
      });
    }
    return items;
  }

  /**
   * Deletes the items at the keys of `items` (their `PK` and `SK`); deletes DynamoDB leaves unprocessed are
   * sent again after a backoff, `UnprocessedKeysError` when some stay unprocessed.
   */
  async deleteKeys(items: readonly Item[], step: string): Promise<void> {
    for (let start = 0; start < items.length; start += BATCH_WRITE_REQUESTS) {
      const requests: WriteRequest[] = items.slice(start, start + BATCH_WRITE_REQUESTS).map((item) => ({
        DeleteRequest: { Key: { [K.PARTITION]: item[K.PARTITION], [K.SORT]: item[K.SORT] } },
      }));
      await sendUntilProcessed(step, requests, async (pending) => {
        const result = await this.call(step, () =>
          this.client.send(new BatchWriteCommand({ RequestItems: { [this.tableName]: [...pending] } })),
        );
        return result.UnprocessedItems?.[this.tableName] ?? [];
      });
    }
  }

  /**
   * Removes a record and the items under it (its partition): the items first, then the record, so that a
   * removal cut short is completed by the next one. Idempotent.
   */
  async deleteRecordAndItems(record: EventsTableItemKey, step: string): Promise<void> {
    const items = await this.queryAll(
      {
        TableName: this.tableName,
        KeyConditionExpression: '#pk = :pk',
        ProjectionExpression: '#pk, #sk',
        ExpressionAttributeNames: { '#pk': K.PARTITION, '#sk': K.SORT },
        ExpressionAttributeValues: { ':pk': record[K.PARTITION] },
        ConsistentRead: true,
      },
      step,
    );
    await this.deleteKeys(
      items.filter((item) => item[K.SORT] !== record[K.SORT]),
      step,
    );
    await this.call(step, () =>
      this.client.send(new DeleteCommand({ TableName: this.tableName, Key: record })),
    );
  }

  /**
   * Puts `item`, under `condition` when given (its expression, names and values); `{ ok: false }` when the
   * condition does not hold.
   */
  async put(item: Item, condition: PutCondition | undefined, step: string): Promise<Conditional<void>> {
    return this.conditional(step, async () => {
      await this.client.send(new PutCommand({ TableName: this.tableName, Item: item, ...condition }));
    });
  }

  /**
   * Records a deployment status on the record at `key` (the events table's one status update, `statusUpdateOf`,
   * written now); false when nothing is written: no such record, or a status of a later event is recorded.
   */
  async recordStatus(input: Omit<StatusUpdateInput, 'at'>, step: string): Promise<boolean> {
    const result = await this.conditional(step, () =>
      this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          ...statusUpdateOf({ ...input, at: this.timestamp() }),
        }),
      ),
    );
    return result.ok;
  }
}
