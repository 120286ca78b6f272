import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  CreateTableCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import { EventsTableKey, eventsTableDefinition } from '@bridgeport/portal';
import { type LocalDynamoDb, startLocalDynamoDb } from '../../src/aws/dynamodb/server';
import { startTtlSweeper, type TtlSweeper } from '../../src/index';

const TABLE = 'events';
const K = EventsTableKey;

describe('startTtlSweeper', () => {
  let dir: string;
  let dynamo: LocalDynamoDb;
  let client: DynamoDBClient;
  let sweeper: TtlSweeper | undefined;

  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'bridgeport-ttl-'));
    // Tables stay CREATING a while, as in AWS: every use of one must wait until it is ACTIVE.
    dynamo = await startLocalDynamoDb(dir, { createTableMs: 100 });
    client = new DynamoDBClient({
      endpoint: `http://127.0.0.1:${dynamo.port}`,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    await client.send(new CreateTableCommand(eventsTableDefinition(TABLE)));
    await waitUntilTableExists({ client, maxWaitTime: 10, minDelay: 0.05 }, { TableName: TABLE });
  });

  afterEach(async () => {
    await sweeper?.close();
    sweeper = undefined;
    client.destroy();
    await dynamo.close();
    await rm(dir, { recursive: true, force: true });
  });

  const deadLetter = (id: string, expiresAt: number | undefined) =>
    client.send(
      new PutItemCommand({
        TableName: TABLE,
        Item: {
          [K.PARTITION]: { S: 'SUBSCRIPTION#s1' },
          [K.SORT]: { S: `DEAD_LETTER#2026-11-26T08:00:00Z#${id}` },
          entity: { S: 'DEAD_LETTER' },
          id: { S: id },
          ...(expiresAt === undefined ? {} : { [K.TIME_TO_LIVE]: { N: String(expiresAt) } }),
        },
      }),
    );

  const exists = async (id: string) => {
    const { Item } = await client.send(
      new GetItemCommand({
        TableName: TABLE,
        Key: {
          [K.PARTITION]: { S: 'SUBSCRIPTION#s1' },
          [K.SORT]: { S: `DEAD_LETTER#2026-11-26T08:00:00Z#${id}` },
        },
        ConsistentRead: true,
      }),
    );
    return Item !== undefined;
  };

  it('deletes expired items on its interval and keeps unexpired ones and those without a TTL', async () => {
    const now = Math.floor(Date.now() / 1000);
    const errors: unknown[] = [];
    sweeper = startTtlSweeper({
      dynamodb: client,
      tableName: TABLE,
      intervalMs: 50,
      onError: (error) => errors.push(error),
    });
    await deadLetter('expired', now - 10);
    await deadLetter('unexpired', now + 3600);
    await deadLetter('no-ttl', undefined);

    const deadline = Date.now() + 5000;
    while ((await exists('expired')) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 25));
    }

    expect(await exists('expired')).toBe(false);
    expect(await exists('unexpired')).toBe(true);
    expect(await exists('no-ttl')).toBe(true);
    expect(errors).toEqual([]);
  });

  it('sweeps on demand and counts what it deleted; an item expiring this very second stays', async () => {
    const now = 2_000_000_000;
    sweeper = startTtlSweeper({ dynamodb: client, tableName: TABLE, intervalMs: 3_600_000, now: () => now });
    await sweeper.sweep(); // the sweep at start, on the empty table
    for (let n = 0; n < 30; n += 1) await deadLetter(`old-${n}`, now - 1 - n);
    await deadLetter('at-now', now);
    await deadLetter('later', now + 1);

    const deleted = await sweeper.sweep();

    expect(deleted).toBe(30);
    expect(await exists('old-0')).toBe(false);
    expect(await exists('old-29')).toBe(false);
    expect(await exists('at-now')).toBe(true);
    expect(await exists('later')).toBe(true);
  });
});
