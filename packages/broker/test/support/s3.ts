/** A real S3 API on loopback for the broker's tests (s3rver on a temporary directory), with one bucket. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { S3Client } from '@aws-sdk/client-s3';
import S3rver from 's3rver';

/** The bucket of producer manifests the tests read (the publisher components bucket of `dev`). */
export const PUBLISHER_BUCKET = 'dev-publisher-components-bucket-123456789012-eu-west-1';

/** s3rver's own credentials: what a client signs with. */
export const S3_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } as const;

export interface TestS3 {
  /** `http://127.0.0.1:{port}` */
  readonly endpoint: string;
  /** A client of `endpoint` (path-style, eu-west-1). */
  readonly client: S3Client;
  /** Destroys the client, stops the server and removes its directory. */
  close(): Promise<void>;
}

/** Starts s3rver on a free loopback port with `bucket` created. */
export async function startTestS3(bucket = PUBLISHER_BUCKET): Promise<TestS3> {
  const directory = mkdtempSync(join(tmpdir(), 'broker-s3-'));
  const server = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory,
    configureBuckets: [{ name: bucket }],
  });
  const { port } = await server.run();
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new S3Client({
    endpoint,
    forcePathStyle: true,
    region: 'eu-west-1',
    credentials: S3_CREDENTIALS,
  });
  return {
    endpoint,
    client,
    close: async () => {
      client.destroy();
      await server.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}
