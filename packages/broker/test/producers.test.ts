import {
  GetObjectCommand,
  NoSuchKey,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { InvalidManifestError, serializeManifest } from '@bridgeport/core';
import { mockClient } from 'aws-sdk-client-mock';
import { ManifestReadFailedError } from '../src/errors';
import { type ManifestReader, ProducerCatalog, s3ManifestReader } from '../src/producers';
import { parcelEvent, parcelManifest } from './support/fixtures';
import { PUBLISHER_BUCKET as BUCKET, startTestS3, type TestS3 } from './support/s3';

describe('ProducerCatalog with manifests in S3', () => {
  let server: TestS3;
  let s3: S3Client;

  beforeAll(async () => {
    server = await startTestS3();
    s3 = server.client;
    await s3.send(
      new PutObjectCommand({
        Bucket: BUCKET,
        Key: 'parcel_registered/1/deploy.json',
        Body: serializeManifest(parcelManifest()),
      }),
    );
    await s3.send(
      new PutObjectCommand({ Bucket: BUCKET, Key: 'broken/1/deploy.json', Body: '{"format":2}' }),
    );
  });

  afterAll(async () => {
    await server?.close();
  });

  it('resolves a producer from its manifest, with its route and validator', async () => {
    const catalog = new ProducerCatalog({ read: s3ManifestReader({ client: s3, bucket: BUCKET }) });

    const producer = await catalog.resolve('parcel_registered', 1);

    expect(producer?.route).toEqual({
      busName: 'dev.custom.events.bus',
      source: 'parcels',
      detailType: 'parcel_registered.1',
    });
    expect(producer?.validate(parcelEvent())).toEqual([]);
    expect(producer?.validate({ metadata: {}, data: {} }).length).toBeGreaterThan(0);
  });

  it('gives undefined for an event type version without a manifest', async () => {
    const catalog = new ProducerCatalog({ read: s3ManifestReader({ client: s3, bucket: BUCKET }) });

    await expect(catalog.resolve('parcel_registered', 7)).resolves.toBeUndefined();
  });

  it('reads a manifest once while it is cached', async () => {
    const keys: string[] = [];
    const read = s3ManifestReader({ client: s3, bucket: BUCKET });
    const catalog = new ProducerCatalog({
      read: (key) => {
        keys.push(key);
        return read(key);
      },
    });

    await catalog.resolve('parcel_registered', 1);
    await catalog.resolve('parcel_registered', 1);

    expect(keys).toEqual(['parcel_registered/1/deploy.json']);
  });

  it('fails with the manifest problems when the stored manifest is invalid', async () => {
    const catalog = new ProducerCatalog({ read: s3ManifestReader({ client: s3, bucket: BUCKET }) });

    const failure = catalog.resolve('broken', 1);

    await expect(failure).rejects.toBeInstanceOf(InvalidManifestError);
    await expect(failure).rejects.toThrow(/^Invalid manifest broken\/1\/deploy\.json: /);
  });
});

/** Manifests kept in memory by key, counting the reads; `text` may be changed or removed to play a redeployment. */
function memoryManifests(initial: Record<string, string>) {
  const store = new Map(Object.entries(initial));
  const reads: string[] = [];
  const read: ManifestReader = async (key) => {
    reads.push(key);
    return store.get(key);
  };
  return { store, reads, read };
}

function fakeClock(start = 1_000_000) {
  let time = start;
  return { now: () => time, advance: (ms: number) => (time += ms) };
}

describe('ProducerCatalog cache lifetime', () => {
  const key = 'parcel_registered/1/deploy.json';

  it('serves a cached producer until its lifetime ends, then reads the manifest again', async () => {
    const manifests = memoryManifests({ [key]: serializeManifest(parcelManifest()) });
    const clock = fakeClock();
    const catalog = new ProducerCatalog({ read: manifests.read, ttlMs: 60_000, now: clock.now });

    await catalog.resolve('parcel_registered', 1);
    clock.advance(59_999);
    await catalog.resolve('parcel_registered', 1);
    expect(manifests.reads).toHaveLength(1);

    clock.advance(1);
    await catalog.resolve('parcel_registered', 1);
    expect(manifests.reads).toHaveLength(2);
  });

  it('stops serving a deleted producer once the cached one expires', async () => {
    const manifests = memoryManifests({ [key]: serializeManifest(parcelManifest()) });
    const clock = fakeClock();
    const catalog = new ProducerCatalog({ read: manifests.read, ttlMs: 60_000, now: clock.now });
    await expect(catalog.resolve('parcel_registered', 1)).resolves.toBeDefined();

    manifests.store.delete(key);
    clock.advance(60_000);

    await expect(catalog.resolve('parcel_registered', 1)).resolves.toBeUndefined();
  });

  it('serves the replacement of a producer once the cached one expires', async () => {
    const manifests = memoryManifests({ [key]: serializeManifest(parcelManifest()) });
    const clock = fakeClock();
    const catalog = new ProducerCatalog({ read: manifests.read, ttlMs: 60_000, now: clock.now });
    await catalog.resolve('parcel_registered', 1);

    manifests.store.set(key, serializeManifest(parcelManifest({ application: 'depots' })));
    clock.advance(30_000);
    expect((await catalog.resolve('parcel_registered', 1))?.route.source).toBe('parcels');
    clock.advance(30_000);
    expect((await catalog.resolve('parcel_registered', 1))?.route.source).toBe('depots');
  });

  it('does not cache an unknown producer, so one deployed later is found at once', async () => {
    const manifests = memoryManifests({});
    const clock = fakeClock();
    const catalog = new ProducerCatalog({ read: manifests.read, ttlMs: 60_000, now: clock.now });
    await expect(catalog.resolve('parcel_registered', 1)).resolves.toBeUndefined();

    manifests.store.set(key, serializeManifest(parcelManifest()));

    await expect(catalog.resolve('parcel_registered', 1)).resolves.toBeDefined();
    expect(manifests.reads).toEqual([key, key]);
  });

  it('shares one read between concurrent requests', async () => {
    const manifests = memoryManifests({ [key]: serializeManifest(parcelManifest()) });
    const catalog = new ProducerCatalog({ read: manifests.read, ttlMs: 60_000, now: fakeClock().now });

    const [first, second] = await Promise.all([
      catalog.resolve('parcel_registered', 1),
      catalog.resolve('parcel_registered', 1),
    ]);

    expect(first).toBe(second);
    expect(manifests.reads).toHaveLength(1);
  });

  it('reads the manifest on every request when the lifetime is 0', async () => {
    const manifests = memoryManifests({ [key]: serializeManifest(parcelManifest()) });
    const catalog = new ProducerCatalog({ read: manifests.read, ttlMs: 0, now: fakeClock().now });

    await catalog.resolve('parcel_registered', 1);
    await catalog.resolve('parcel_registered', 1);

    expect(manifests.reads).toHaveLength(2);
  });

  it('does not cache a failed read', async () => {
    let fail = true;
    const manifests = memoryManifests({ [key]: serializeManifest(parcelManifest()) });
    const catalog = new ProducerCatalog({
      read: async (k) => {
        if (fail) throw new Error('S3 is down');
        return manifests.read(k);
      },
      now: fakeClock().now,
    });
    await expect(catalog.resolve('parcel_registered', 1)).rejects.toThrow('S3 is down');

    fail = false;

    await expect(catalog.resolve('parcel_registered', 1)).resolves.toBeDefined();
  });

  it('names the option when the lifetime is negative', () => {
    expect(() => new ProducerCatalog({ read: async () => undefined, ttlMs: -1 })).toThrow(
      'ProducerCatalog: ttlMs must be a finite number of at least 0, got -1',
    );
  });
});

describe('s3ManifestReader failures', () => {
  const client = new S3Client({ region: 'eu-west-1' });
  const s3Mock = mockClient(client);
  const reader = () => s3ManifestReader({ client, bucket: 'publisher-bucket' });
  const s3Error = (name: string, status: number, fault: 'client' | 'server') =>
    new S3ServiceException({
      name,
      $fault: fault,
      $metadata: { httpStatusCode: status },
      message: `${name} details`,
    });

  afterEach(() => s3Mock.reset());
  afterAll(() => s3Mock.restore());

  it('gives undefined for a missing key', async () => {
    s3Mock
      .on(GetObjectCommand)
      .rejects(new NoSuchKey({ message: 'The specified key does not exist.', $metadata: {} }));

    await expect(reader()('parcel_registered/1/deploy.json')).resolves.toBeUndefined();
  });

  it.each([
    ['SlowDown', 503, 'server' as const, true],
    ['InternalError', 500, 'server' as const, true],
    ['AccessDenied', 403, 'client' as const, false],
    ['NoSuchBucket', 404, 'client' as const, false],
  ])(
    'turns %s (HTTP %i) into a manifest read failure, retryable: %s',
    async (name, status, fault, retryable) => {
      s3Mock.on(GetObjectCommand).rejects(s3Error(name, status, fault));

      const failure = reader()('parcel_registered/1/deploy.json');

      await expect(failure).rejects.toBeInstanceOf(ManifestReadFailedError);
      await expect(failure).rejects.toMatchObject({
        message: 'Loading the producer manifest failed',
        errorCode: name,
        retryable,
        key: 'parcel_registered/1/deploy.json',
      });
    },
  );
});
