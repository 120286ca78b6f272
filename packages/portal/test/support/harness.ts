import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CreateTableCommand, DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import dynalite from 'dynalite';
import S3rver from 's3rver';
import { createPortalClients, type PortalClients } from '../../src/clients';
import { type PortalConfig, readPortalConfig } from '../../src/config';
import { eventsTableDefinition } from '../../src/store/table';
import { type ApiGatewayFake, fakeApiGateway } from './api-gateway-fake';

export interface Harness {
  readonly config: PortalConfig;
  readonly clients: PortalClients;
  /** The API keys and usage plans of HTTP producers (a mocked API Gateway). */
  readonly apiGateway: ApiGatewayFake;
  /** Creates a bucket (the buckets of the configuration are created by `startHarness` unless told not to). */
  createBucket(name: string): Promise<void>;
  /** Keys in a bucket, sorted. */
  keys(bucket: string): Promise<string[]>;
  /** An object parsed as JSON. */
  readJson(bucket: string, key: string): Promise<unknown>;
  stop(): Promise<void>;
}

export interface HarnessOptions {
  /** Buckets of the configuration left uncreated (writing to them fails until a test creates them). */
  readonly withoutBuckets?: readonly string[];
}

/**
 * Starts dynalite and s3rver on 127.0.0.1 port 0 (data in a temp dir), points the SDK at them through the
 * standard AWS_ENDPOINT_URL_* variables, sets the portal's configuration variables, and creates the table
 * and (unless `withoutBuckets` lists them) the buckets.
 */
export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const directory = await mkdtemp(path.join(tmpdir(), 'portal-test-'));
  const s3 = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory });
  const s3Address = await s3.run();
  const dynamo = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve) => dynamo.listen(0, '127.0.0.1', resolve));
  const dynamoPort = (dynamo.address() as AddressInfo).port;

  Object.assign(process.env, {
    AWS_ACCESS_KEY_ID: 'S3RVER',
    AWS_SECRET_ACCESS_KEY: 'S3RVER',
    AWS_REGION: 'us-east-1',
    AWS_ENDPOINT_URL_DYNAMODB: `http://127.0.0.1:${dynamoPort}`,
    AWS_ENDPOINT_URL_S3: `http://127.0.0.1:${s3Address.port}`,
    BRIDGEPORT_ENVIRONMENT: 'test',
    BRIDGEPORT_ACCOUNT_ID: '000000000000',
    BRIDGEPORT_BROKER_API_ID: 'brokerapi1',
  });
  const apiGateway = fakeApiGateway();
  const config = readPortalConfig(process.env);
  const clients = createPortalClients();

  await clients.dynamo.send(new CreateTableCommand(eventsTableDefinition(config.tableName)));
  for (let attempt = 0; attempt < 50; attempt += 1) {
    const table = await clients.dynamo.send(new DescribeTableCommand({ TableName: config.tableName }));
    const indexes = table.Table?.GlobalSecondaryIndexes ?? [];
    if (table.Table?.TableStatus === 'ACTIVE' && indexes.every((index) => index.IndexStatus === 'ACTIVE'))
      break;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }

  const createBucket = async (name: string) => {
    await clients.s3.send(new CreateBucketCommand({ Bucket: name }));
  };
  for (const bucket of [config.schemasBackupBucket, config.publisherBucket, config.subscriberBucket]) {
    if (!(options.withoutBuckets ?? []).includes(bucket)) await createBucket(bucket);
  }

  return {
    config,
    clients,
    apiGateway,
    createBucket,
    async keys(bucket) {
      const listed = await clients.s3.send(new ListObjectsV2Command({ Bucket: bucket }));
      return (listed.Contents ?? []).map((object) => object.Key ?? '').sort();
    },
    async readJson(bucket, key) {
      const object = await clients.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      return JSON.parse((await object.Body?.transformToString()) ?? '') as unknown;
    },
    async stop() {
      clients.dynamo.destroy();
      clients.s3.destroy();
      apiGateway.mock.restore();
      await s3.close();
      await new Promise<void>((resolve) => dynamo.close(() => resolve()));
      await rm(directory, { recursive: true, force: true });
    },
  };
}
