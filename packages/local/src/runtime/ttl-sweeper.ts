import {
  type AttributeValue,
  DeleteItemCommand,
  type DynamoDBClient,
  ScanCommand,
} from '@aws-sdk/client-dynamodb';
import { EventsTableKey, eventsTableDefinition } from '@bridgeport/portal';
import { logError, runtimeLogger } from './logger';

export interface TtlSweeperOptions {
  readonly dynamodb: DynamoDBClient;
  readonly tableName: string;
  /** Time between sweeps; one runs at start. @default 600 000 ms (10 minutes) */
  readonly intervalMs?: number;
  /** The clock in epoch seconds, the unit of the TTL attribute. @default Date.now() / 1000 */
  readonly now?: () => number;
  /** Called when a sweep fails; the next one runs as planned. @default the runtime logger (`runtimeLogger.error`) */
  readonly onError?: (error: unknown) => void;
}

/** A running sweep: `sweep` runs one now, `close` stops the timer and waits for a sweep in progress. */
export interface TtlSweeper {
  /** Deletes every expired item; resolves with how many it deleted. */
  sweep(): Promise<number>;
  close(): Promise<void>;
}

/**
 * The local stand-in for DynamoDB's Time to Live on the portal's events table (dynalite has none): deletes the
 * items whose TTL attribute (`EventsTableKey.TIME_TO_LIVE`, epoch seconds) lies in the past, at start and then
 * every `intervalMs`. An item whose TTL was moved to the future meanwhile is kept (conditional delete).
 */
export function startTtlSweeper(options: TtlSweeperOptions): TtlSweeper {
  const intervalMs = options.intervalMs ?? 600_000;
  const now = options.now ?? (() => Math.floor(Date.now() / 1000));
  const onError =
    options.onError ??
    ((error: unknown) => logError(runtimeLogger, 'Expiring items of the events table failed', error));
  const keyNames = (eventsTableDefinition(options.tableName).KeySchema ?? []).flatMap((key) =>
    key.AttributeName === undefined ? [] : [key.AttributeName],
  );
  let running: Promise<number> | undefined;
  let closed = false;

  const sweepOnce = async (): Promise<number> => {
    const expiredBefore: AttributeValue = { N: String(now()) };
    const names = {
      '#ttl': EventsTableKey.TIME_TO_LIVE,
      ...Object.fromEntries(keyNames.map((name, index) => [`#k${index}`, name])),
    };
    let deleted = 0;
    let startKey: Record<string, AttributeValue> | undefined;
    do {
      const page = await options.dynamodb.send(
        new ScanCommand({
          TableName: options.tableName,
          FilterExpression: '#ttl < :now',
          ProjectionExpression: keyNames.map((_, index) => `#k${index}`).join(', '),
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: { ':now': expiredBefore },
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of page.Items ?? []) {
        if (closed) return deleted;
        try {
          await options.dynamodb.send(
            new DeleteItemCommand({
              TableName: options.tableName,
              Key: Object.fromEntries(keyNames.map((name) => [name, item[name]])),
              ConditionExpression: '#ttl < :now',
              ExpressionAttributeNames: { '#ttl': EventsTableKey.TIME_TO_LIVE },
              ExpressionAttributeValues: { ':now': expiredBefore },
            }),
          );
          deleted += 1;
        } catch (error) {
          if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
        }
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey !== undefined && !closed);
    return deleted;
  };

  const sweep = (): Promise<number> => {
    running ??= sweepOnce().finally(() => {
      running = undefined;
    });
    return running;
  };

  const scheduled = () => {
    if (closed) return;
    sweep().catch(onError);
  };
  const timer = setInterval(scheduled, intervalMs);
  timer.unref();
  scheduled();

  return {
    sweep,
    async close() {
      closed = true;
      clearInterval(timer);
      await running?.catch(() => undefined);
    },
  };
}
