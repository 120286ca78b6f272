import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  CopyObjectCommand,
  CreateBucketCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetBucketVersioningCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  ListObjectVersionsCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import {
  type LocalS3,
  NotANoncurrentVersionError,
  type S3ObjectNotification,
  s3EventBridgeEvent,
  startLocalS3,
} from '../../../src/aws/s3/server';

const KEY = 'orders/1/deploy.json';

describe('local S3: bucket versioning', () => {
  let directory: string;
  let s3: LocalS3;
  let client: S3Client;
  let bucketCount = 0;
  const seen: S3ObjectNotification[] = [];

  const versionedBucket = async (): Promise<string> => {
    bucketCount += 1;
    const bucket = `versioned-${bucketCount}`;
    await client.send(new CreateBucketCommand({ Bucket: bucket }));
    await client.send(
      new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: 'Enabled' } }),
    );
    return bucket;
  };
  const put = async (bucket: string, body: string, key = KEY): Promise<string> =>
    (await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }))).VersionId ?? 'none';
  const read = async (bucket: string, versionId?: string, key = KEY): Promise<string> =>
    (await (
      await client.send(new GetObjectCommand({ Bucket: bucket, Key: key, VersionId: versionId }))
    ).Body?.transformToString()) ?? '';
  const failure = async (work: Promise<unknown>): Promise<string> => {
    try {
      await work;
      return 'succeeded';
    } catch (error) {
      return `${(error as Error).name} ${(error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode}`;
    }
  };
  const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

  beforeAll(async () => {
    directory = await mkdtemp(path.join(tmpdir(), 'bridgeport-s3-versions-'));
    s3 = await startLocalS3(directory);
    s3.notifications.onChange((notification) => seen.push(notification));
    client = new S3Client({
      endpoint: `http://127.0.0.1:${s3.port}`,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    });
  });

  afterAll(async () => {
    client.destroy();
    await s3.close();
    await rm(directory, { recursive: true, force: true });
  });

  beforeEach(() => {
    seen.length = 0;
  });

  it('reports no versioning for a new bucket, then the status it was given', async () => {
    await client.send(new CreateBucketCommand({ Bucket: 'plain-bucket' }));
    const before = await client.send(new GetBucketVersioningCommand({ Bucket: 'plain-bucket' }));
    await client.send(
      new PutBucketVersioningCommand({
        Bucket: 'plain-bucket',
        VersioningConfiguration: { Status: 'Enabled' },
      }),
    );
    const after = await client.send(new GetBucketVersioningCommand({ Bucket: 'plain-bucket' }));

    expect(before.Status).toBeUndefined();
    expect(after.Status).toBe('Enabled');
  });

  it('gives every write its own version id, readable by id while the newest is current', async () => {
    const bucket = await versionedBucket();

    const first = await put(bucket, 'one');
    const second = await put(bucket, 'two');
    const head = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: KEY }));
    const headFirst = await client.send(
      new HeadObjectCommand({ Bucket: bucket, Key: KEY, VersionId: first }),
    );

    expect(first).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(second).not.toBe(first);
    expect(await read(bucket)).toBe('two');
    expect(await read(bucket, first)).toBe('one');
    expect(await read(bucket, second)).toBe('two');
    expect(head.VersionId).toBe(second);
    expect(headFirst.VersionId).toBe(first);
    expect(headFirst.ContentLength).toBe(3);
    expect(await failure(read(bucket, 'no-such-version-id-aaaaaaaaaaaaa'))).toBe('NoSuchVersion 404');
  });

  it('lists versions and delete markers with IsLatest and LastModified, newest first', async () => {
    const bucket = await versionedBucket();
    const first = await put(bucket, 'one');
    const second = await put(bucket, 'two');
    const deleted = await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: KEY }));

    const listing = await client.send(new ListObjectVersionsCommand({ Bucket: bucket, Prefix: 'orders/' }));

    expect(deleted.DeleteMarker).toBe(true);
    expect(listing.DeleteMarkers?.map((m) => [m.Key, m.VersionId, m.IsLatest])).toEqual([
      [KEY, deleted.VersionId, true],
    ]);
    expect(listing.Versions?.map((v) => [v.Key, v.VersionId, v.IsLatest, v.Size])).toEqual([
      [KEY, second, false, 3],
      [KEY, first, false, 3],
    ]);
    expect(listing.Versions?.every((v) => v.LastModified instanceof Date)).toBe(true);
    expect(listing.DeleteMarkers?.[0]?.LastModified).toBeInstanceOf(Date);
  });

  it('hides a key behind its delete marker: NoSuchKey, gone from the listing, old versions still readable', async () => {
    const bucket = await versionedBucket();
    const first = await put(bucket, 'one');
    const marker = await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: KEY }));
    const again = await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: KEY }));

    const listed = await client.send(new ListObjectsV2Command({ Bucket: bucket }));

    expect(again.VersionId).not.toBe(marker.VersionId);
    expect(await failure(read(bucket))).toBe('NoSuchKey 404');
    expect(listed.Contents ?? []).toEqual([]);
    expect(await read(bucket, first)).toBe('one');
  });

  it('deleting the delete marker by version id brings the previous version back', async () => {
    const bucket = await versionedBucket();
    const first = await put(bucket, 'one');
    const marker = await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: KEY }));

    const removed = await client.send(
      new DeleteObjectCommand({ Bucket: bucket, Key: KEY, VersionId: marker.VersionId }),
    );
    const head = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: KEY }));

    expect(removed.DeleteMarker).toBe(true);
    expect(await read(bucket)).toBe('one');
    expect(head.VersionId).toBe(first);
  });

  it('deleting the current version by id makes the previous one current; deleting the last leaves no key', async () => {
    const bucket = await versionedBucket();
    const first = await put(bucket, 'one');
    const second = await put(bucket, 'two');

    await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: KEY, VersionId: second }));
    const afterSecond = await read(bucket);
    await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: KEY, VersionId: first }));
    const listing = await client.send(new ListObjectVersionsCommand({ Bucket: bucket }));

    expect(afterSecond).toBe('one');
    expect(await failure(read(bucket))).toBe('NoSuchKey 404');
    expect(listing.Versions ?? []).toEqual([]);
    expect(listing.DeleteMarkers ?? []).toEqual([]);
  });

  it('answers GET of a delete marker by id with 405 MethodNotAllowed', async () => {
    const bucket = await versionedBucket();
    await put(bucket, 'one');
    const marker = await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: KEY }));

    expect(await failure(read(bucket, marker.VersionId))).toBe('MethodNotAllowed 405');
  });

  it('pages ListObjectVersions with key and version-id markers', async () => {
    const bucket = await versionedBucket();
    const ids = [await put(bucket, 'a1', 'a'), await put(bucket, 'a2', 'a'), await put(bucket, 'b1', 'b')];

    const seenIds: string[] = [];
    let keyMarker: string | undefined;
    let versionIdMarker: string | undefined;
    let pages = 0;
    do {
      const page = await client.send(
        new ListObjectVersionsCommand({
          Bucket: bucket,
          MaxKeys: 2,
          KeyMarker: keyMarker,
          VersionIdMarker: versionIdMarker,
        }),
      );
      pages += 1;
      for (const version of page.Versions ?? []) seenIds.push(version.VersionId ?? '');
      keyMarker = page.IsTruncated ? page.NextKeyMarker : undefined;
      versionIdMarker = page.IsTruncated ? page.NextVersionIdMarker : undefined;
    } while (keyMarker !== undefined);

    expect(pages).toBe(2);
    expect(seenIds).toEqual([ids[1], ids[0], ids[2]]);
  });

  it('makes the objects of a bucket versioned later its null versions', async () => {
    await client.send(new CreateBucketCommand({ Bucket: 'later-versioned' }));
    await client.send(new PutObjectCommand({ Bucket: 'later-versioned', Key: KEY, Body: 'before' }));
    await client.send(
      new PutBucketVersioningCommand({
        Bucket: 'later-versioned',
        VersioningConfiguration: { Status: 'Enabled' },
      }),
    );

    const next = await put('later-versioned', 'after');
    const listing = await client.send(new ListObjectVersionsCommand({ Bucket: 'later-versioned' }));

    expect(listing.Versions?.map((v) => [v.VersionId, v.IsLatest])).toEqual([
      [next, true],
      ['null', false],
    ]);
    expect(await read('later-versioned', 'null')).toBe('before');
  });

  it('copies an old version back as a new current version', async () => {
    const bucket = await versionedBucket();
    const first = await put(bucket, 'one');
    await put(bucket, 'two');

    const copied = await client.send(
      new CopyObjectCommand({
        Bucket: bucket,
        Key: KEY,
        CopySource: `${bucket}/${KEY}?versionId=${first}`,
      }),
    );

    expect(copied.CopySourceVersionId).toBe(first);
    expect(copied.VersionId).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(await read(bucket)).toBe('one');
    expect(
      (await client.send(new ListObjectVersionsCommand({ Bucket: bucket }))).Versions?.map(
        (v) => v.VersionId,
      )[0],
    ).toBe(copied.VersionId);
  });

  it('writes delete markers for a multi-object delete and removes versions named by id', async () => {
    const bucket = await versionedBucket();
    const first = await put(bucket, 'one', 'x');
    await put(bucket, 'other', 'y');

    const result = await client.send(
      new DeleteObjectsCommand({
        Bucket: bucket,
        Delete: { Objects: [{ Key: 'x', VersionId: first }, { Key: 'y' }] },
      }),
    );
    const listing = await client.send(new ListObjectVersionsCommand({ Bucket: bucket }));

    expect(result.Deleted?.map((d) => [d.Key, d.VersionId, d.DeleteMarker ?? false])).toEqual([
      ['x', first, false],
      ['y', undefined, true],
    ]);
    expect(listing.Versions?.map((v) => v.Key)).toEqual(['y']);
    expect(listing.DeleteMarkers?.map((m) => m.Key)).toEqual(['y']);
  });

  it('notifies writes, delete markers and permanent deletes with their version ids', async () => {
    const bucket = await versionedBucket();
    const first = await put(bucket, 'one');
    const marker = await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: KEY }));
    await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: KEY, VersionId: first }));
    await settle();

    expect(seen.map((n) => [n.eventName, n.reason, n.deletionType, n.versionId])).toEqual([
      ['ObjectCreated:Put', 'PutObject', undefined, first],
      ['ObjectRemoved:DeleteMarkerCreated', 'DeleteObject', 'Delete Marker Created', marker.VersionId],
      ['ObjectRemoved:Delete', 'DeleteObject', 'Permanently Deleted', first],
    ]);
  });

  it('expires a noncurrent version as lifecycle does: the version goes, the current one stays, S3 says why', async () => {
    const bucket = await versionedBucket();
    const old = await put(bucket, 'old');
    const current = await put(bucket, 'current');
    await settle();
    seen.length = 0;

    await s3.expireNoncurrentVersion(bucket, KEY, old);
    await settle();
    const listing = await client.send(new ListObjectVersionsCommand({ Bucket: bucket }));
    const [event] = seen.map((n) => s3EventBridgeEvent(n, { account: '000000000000', region: 'us-east-1' }));

    expect(await read(bucket)).toBe('current');
    expect(listing.Versions?.map((v) => v.VersionId)).toEqual([current]);
    expect(event?.['detail-type']).toBe('Object Deleted');
    expect(event?.source).toBe('aws.s3');
    expect(event?.detail).toMatchObject({
      bucket: { name: bucket },
      object: { key: KEY, 'version-id': old },
      requester: 's3.amazonaws.com',
      reason: 'Lifecycle Expiration',
      'deletion-type': 'Permanently Deleted',
    });
    expect(event?.detail['source-ip-address']).toBeUndefined();
  });

  it('refuses to expire the current version or a version the key does not have', async () => {
    const bucket = await versionedBucket();
    const current = await put(bucket, 'current');

    await expect(s3.expireNoncurrentVersion(bucket, KEY, current)).rejects.toThrow(
      NotANoncurrentVersionError,
    );
    await expect(s3.expireNoncurrentVersion(bucket, KEY, 'missing')).rejects.toThrow(
      /has no version missing/,
    );
    expect(await read(bucket)).toBe('current');
  });

  it('keeps versions across a restart', async () => {
    const bucket = await versionedBucket();
    const first = await put(bucket, 'one');
    const second = await put(bucket, 'two');
    await s3.close();
    s3 = await startLocalS3(directory);
    s3.notifications.onChange((notification) => seen.push(notification));
    client.destroy();
    client = new S3Client({
      endpoint: `http://127.0.0.1:${s3.port}`,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    });

    const listing = await client.send(new ListObjectVersionsCommand({ Bucket: bucket }));

    expect(listing.Versions?.map((v) => v.VersionId)).toEqual([second, first]);
    expect(await read(bucket, first)).toBe('one');
    expect((await client.send(new GetBucketVersioningCommand({ Bucket: bucket }))).Status).toBe('Enabled');
  });
});
