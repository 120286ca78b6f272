import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  CreateBucketCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { type LocalS3, startLocalS3 } from '../../../src/aws/s3/server';

const BUCKET = 'race-bucket';
const KEY = 'orders/1/deploy.json';

describe('local S3: one key read and written at the same time', () => {
  let directory: string;
  let s3: LocalS3;
  let client: S3Client;

  /** The object's body, or `missing`, or `hung` when it has not arrived within 2 s. */
  const read = async (): Promise<string> => {
    const signal = AbortSignal.timeout(2000);
    const attempt = (async () => {
      try {
        const object = await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: KEY }), {
          abortSignal: signal,
        });
        return (await object.Body?.transformToString('utf8')) ?? 'no body';
      } catch (error) {
        return (error as Error).name === 'NoSuchKey' ? 'missing' : `error ${(error as Error).name}`;
      }
    })();
    const hung = new Promise<string>((resolve) => signal.addEventListener('abort', () => resolve('hung')));
    return Promise.race([attempt, hung]);
  };
  const write = (body: string) => client.send(new PutObjectCommand({ Bucket: BUCKET, Key: KEY, Body: body }));

  beforeAll(async () => {
    directory = await mkdtemp(path.join(tmpdir(), 'bridgeport-s3-'));
    s3 = await startLocalS3(directory);
    client = new S3Client({
      endpoint: `http://127.0.0.1:${s3.port}`,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    });
    await client.send(new CreateBucketCommand({ Bucket: BUCKET }));
  });

  afterAll(async () => {
    client.destroy();
    await s3.close();
    await rm(directory, { recursive: true, force: true });
  });

  it('answers every read with one whole version while writes of other sizes race it', async () => {
    const longer = JSON.stringify({ version: 'longer', padding: 'l'.repeat(6000) });
    const shorter = JSON.stringify({ version: 'shorter', padding: 's'.repeat(2000) });
    const reads: string[] = [];

    for (let round = 0; round < 30; round += 1) {
      const [, , ...answers] = await Promise.all([write(longer), write(shorter), read(), read(), read()]);
      reads.push(...answers);
    }

    const unexpected = reads.filter((body) => body !== longer && body !== shorter && body !== 'missing');
    expect(unexpected.map((body) => body.slice(0, 40))).toEqual([]);
    expect(reads.filter((body) => body === longer || body === shorter).length).toBeGreaterThan(60);
  });

  it('keeps the object and its listing whole after racing writes: the last write wins, no partial files', async () => {
    const bodies = ['a'.repeat(5000), 'b'.repeat(50), 'c'.repeat(700)];

    await Promise.all(bodies.map(write));
    const final = await read();
    const listing = await client.send(new ListObjectsV2Command({ Bucket: BUCKET }));
    const files = await readdir(path.join(directory, BUCKET, 'orders', '1'));

    expect(bodies).toContain(final);
    expect(listing.Contents?.map((object) => [object.Key, object.Size])).toEqual([[KEY, final.length]]);
    expect(files.filter((file) => file.endsWith('.partial'))).toEqual([]);
  });
});
