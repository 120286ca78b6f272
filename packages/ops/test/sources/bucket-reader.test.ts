import {
  GetObjectCommand,
  type GetObjectCommandOutput,
  ListObjectsV2Command,
  ListObjectVersionsCommand,
  NoSuchBucket,
  S3Client,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { OperationError } from '../../src/errors';
import { BucketReader } from '../../src/sources/bucket-reader';

const BUCKET = 'e2e-publisher-components-bucket-000000000000-us-east-1';
const at = (time: string) => new Date(`2026-12-01T${time}Z`);

describe('reading a bucket as of a point in time', () => {
  const s3 = mockClient(S3Client);
  const client = new S3Client({ region: 'us-east-1' });

  beforeEach(() => {
    s3.reset();
    // Two pages, as S3 pages a long listing: versions of one key may fall on both.
    s3.on(ListObjectVersionsCommand, { Bucket: BUCKET, KeyMarker: undefined }).resolves({
      IsTruncated: true,
      NextKeyMarker: 'b/1/deploy.json',
      NextVersionIdMarker: 'b1',
      Versions: [
        { Key: 'a/1/deploy.json', VersionId: 'a2', LastModified: at('12:00:00') },
        { Key: 'a/1/deploy.json', VersionId: 'a1', LastModified: at('10:00:00') },
        { Key: 'b/1/deploy.json', VersionId: 'b1', LastModified: at('09:00:00') },
      ],
      DeleteMarkers: [{ Key: 'b/1/deploy.json', VersionId: 'b-deleted', LastModified: at('11:00:00') }],
    });
    s3.on(ListObjectVersionsCommand, { Bucket: BUCKET, KeyMarker: 'b/1/deploy.json' }).resolves({
      IsTruncated: false,
      Versions: [{ Key: 'c/1/deploy.json', VersionId: 'c1', LastModified: at('13:00:00') }],
    });
  });

  it('takes each key at its newest version written by then', async () => {
    const reader = new BucketReader({ client, bucket: BUCKET, asOf: at('10:30:00') });
    expect(await reader.list()).toEqual([
      { key: 'a/1/deploy.json', versionId: 'a1', lastModified: at('10:00:00') },
      { key: 'b/1/deploy.json', versionId: 'b1', lastModified: at('09:00:00') },
    ]);
  });

  it('leaves out a key deleted by then, and keys written later', async () => {
    const reader = new BucketReader({ client, bucket: BUCKET, asOf: at('11:30:00') });
    expect((await reader.list()).map((object) => object.key)).toEqual(['a/1/deploy.json']);
  });

  it('reads the version it listed', async () => {
    s3.on(GetObjectCommand, { Bucket: BUCKET, Key: 'a/1/deploy.json', VersionId: 'a1' }).resolves({
      Body: { transformToString: async () => 'first' },
    } as unknown as GetObjectCommandOutput);
    const reader = new BucketReader({ client, bucket: BUCKET, asOf: at('10:30:00') });
    const [first] = await reader.list();
    expect(await reader.read(first as never)).toBe('first');
  });

  it('names a missing bucket', async () => {
    s3.on(ListObjectsV2Command).rejects(new NoSuchBucket({ message: 'no such bucket', $metadata: {} }));
    const reader = new BucketReader({ client, bucket: BUCKET });
    const failure = reader.list();
    await expect(failure).rejects.toBeInstanceOf(OperationError);
    await expect(failure).rejects.toThrow(`Bucket ${BUCKET} does not exist`);
  });
});
