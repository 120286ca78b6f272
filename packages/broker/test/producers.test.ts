import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { InvalidManifestError, serializeManifest } from '@bridgeport/core';
import S3rver from 's3rver';
import { ProducerCatalog, s3ManifestReader } from '../src/producers';
import { parcelEvent, parcelManifest } from './fixtures';

const BUCKET = 'dev-publisher-components-bucket-123456789012-eu-west-1';

describe('ProducerCatalog with manifests in S3', () => {
  let directory: string;
  let server: S3rver;
  let s3: S3Client;

  beforeAll(async () => {
    directory = mkdtempSync(join(tmpdir(), 'broker-s3-'));
    server = new S3rver({
      address: '127.0.0.1',
      port: 0,
      silent: true,
      directory,
      configureBuckets: [{ name: BUCKET }],
    });
    const { port } = await server.run();
    s3 = new S3Client({
      endpoint: `http://127.0.0.1:${port}`,
      forcePathStyle: true,
      region: 'eu-west-1',
      credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    });
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
    s3.destroy();
    await server.close();
    rmSync(directory, { recursive: true, force: true });
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

  it('reads a manifest once per container', async () => {
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
