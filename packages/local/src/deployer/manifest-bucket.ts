/** Reading the component buckets: the manifest keys a bucket holds and one manifest's text. */
import { Readable } from 'node:stream';
import {
  GetObjectCommand,
  type GetObjectCommandOutput,
  ListObjectsV2Command,
  type S3Client,
} from '@aws-sdk/client-s3';

/** Every object key in `bucket`. */
export async function listKeys(s3: S3Client, bucket: string, signal: AbortSignal): Promise<string[]> {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, ContinuationToken: token }), {
      abortSignal: signal,
    });
    for (const object of page.Contents ?? []) if (object.Key) keys.push(object.Key);
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return keys;
}

/**
 * The manifest's text (of `versionId` when given), or undefined when it is gone. Reading stops (the body is
 * dropped) when `signal` aborts.
 */
export async function readManifest(
  s3: S3Client,
  bucket: string,
  key: string,
  signal: AbortSignal,
  versionId?: string,
): Promise<string | undefined> {
  let object: GetObjectCommandOutput;
  try {
    object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key, VersionId: versionId }), {
      abortSignal: signal,
    });
  } catch (error) {
    if (['NoSuchKey', 'NoSuchVersion'].includes((error as Error).name)) return undefined;
    throw error;
  }
  const body = object.Body;
  if (body === undefined) return undefined;
  const drop = (): void => {
    if (body instanceof Readable) body.destroy();
  };
  if (signal.aborted) drop();
  signal.addEventListener('abort', drop, { once: true });
  try {
    return await body.transformToString('utf8');
  } finally {
    signal.removeEventListener('abort', drop);
  }
}
