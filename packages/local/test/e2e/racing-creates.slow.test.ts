import { rm } from 'node:fs/promises';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import {
  BucketKind,
  bucketName,
  buildProducerManifest,
  LOCAL_ACCOUNT_ID,
  LOCAL_REGION,
  producerManifestKey,
  serializeManifest,
} from '@bridgeport/core';
import type { Bridgeport } from '../../src/runtime/bridgeport';
import { call, PARCEL_DATA_SCHEMA, startTestRuntime, tempDataDir, waitFor } from './support';

const APPLICATION = 'parcel-tracking';
/** Each created by two requests at once, with different data schemas (so manifests of different sizes). */
const RACED = ['raced_one', 'raced_two', 'raced_three', 'raced_four'];

describe('racing creates of one event type', () => {
  let dataDir: string;
  let runtime: Bridgeport | undefined;

  const portal = (route: string) => `${(runtime as Bridgeport).portalUrl}${route}`;
  const create = (eventType: string, note: string) =>
    call('POST', portal('/events'), {
      application: APPLICATION,
      event_type: eventType,
      description: `created with ${note}`,
      connection_type: 'HTTPS',
      data: {
        ...PARCEL_DATA_SCHEMA,
        properties: { ...PARCEL_DATA_SCHEMA.properties, [note]: { type: 'string' } },
      },
    });
  const statusOf = async (eventType: string): Promise<string | undefined> => {
    const found = await call('GET', portal(`/events/${eventType}/versions/1`));
    return found.status === 200 ? (found.body as { status: string }).status : undefined;
  };

  beforeEach(async () => {
    dataDir = await tempDataDir('race');
    runtime = await startTestRuntime(dataDir);
  });

  afterEach(async () => {
    await runtime?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('keeps deploying later event types and closes promptly after pairs of racing creates', async () => {
    for (const eventType of RACED) {
      const answers = await Promise.all([
        create(eventType, 'first_note'),
        create(eventType, 'second_note_longer'),
      ]);
      expect(answers.some((answer) => answer.status === 201)).toBe(true);
    }

    const later = await create('created_later', 'plain_note');
    expect(later.status).toBe(201);
    await waitFor(
      'the later event type to be ACTIVE',
      async () => (await statusOf('created_later')) === 'ACTIVE',
      8000,
    );
    for (const eventType of RACED) {
      await waitFor(`${eventType} to be ACTIVE`, async () => (await statusOf(eventType)) === 'ACTIVE', 8000);
    }

    const started = Date.now();
    await (runtime as Bridgeport).close();
    runtime = undefined;
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('applies manifests written three times at once, key after key, and keeps deploying', async () => {
    const s3 = new S3Client({ endpoint: (runtime as Bridgeport).awsUrl, forcePathStyle: true });
    const bucket = bucketName(BucketKind.PUBLISHER, {
      environment: 'e2e',
      account: LOCAL_ACCOUNT_ID,
      region: LOCAL_REGION,
    });
    const manifest = (eventType: string, note: string) =>
      serializeManifest(
        buildProducerManifest(
          {
            application: APPLICATION,
            event_type: eventType,
            connection_type: 'HTTPS',
            data: {
              ...PARCEL_DATA_SCHEMA,
              properties: { ...PARCEL_DATA_SCHEMA.properties, [note]: { type: 'string' } },
            },
          } as never,
          { environment: 'e2e', account: LOCAL_ACCOUNT_ID, region: LOCAL_REGION, version: 1 },
        ),
      );
    const write = (eventType: string, note: string) =>
      s3.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: producerManifestKey(eventType, 1),
          Body: manifest(eventType, note),
        }),
      );
    const types = Array.from({ length: 12 }, (_, index) => `written_twice_${index}`);

    for (const eventType of types) {
      await Promise.all([
        write(eventType, 'a'),
        write(eventType, 'a_much_longer_property_name'),
        write(eventType, 'b'),
      ]);
    }
    await (runtime as Bridgeport).whenDeployed();
    const later = await create('created_later', 'plain_note');
    await waitFor(
      'the later event type to be ACTIVE',
      async () => (await statusOf('created_later')) === 'ACTIVE',
      8000,
    );
    s3.destroy();

    expect(later.status).toBe(201);
    expect((runtime as Bridgeport).producers.list()).toEqual(
      expect.arrayContaining(types.map((type) => `${type}/1`)),
    );
    for (const eventType of types) {
      const route = await (runtime as Bridgeport).producers.resolve(eventType, 1);
      expect(Object.keys((route?.plan as { http?: unknown } | undefined) ?? {})).toContain('http');
    }
    const started = Date.now();
    await (runtime as Bridgeport).close();
    runtime = undefined;
    expect(Date.now() - started).toBeLessThan(3000);
  });
});
