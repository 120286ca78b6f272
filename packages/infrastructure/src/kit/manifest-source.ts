import { readFile } from 'node:fs/promises';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';

/** Where a manifest comes from: a file path, or `s3://bucket/key`. */
export type ManifestLocation =
  | { readonly kind: 'file'; readonly path: string }
  | { readonly kind: 's3'; readonly bucket: string; readonly key: string };

/** Parses `-c manifest=...`: `s3://bucket/key` or a file path. */
export function parseManifestLocation(source: string): ManifestLocation {
  const match = /^s3:\/\/([^/]+)\/(.+)$/.exec(source);
  if (match !== null) return { kind: 's3', bucket: match[1] as string, key: match[2] as string };
  if (source.startsWith('s3://')) {
    throw new Error(`Manifest location ${source} must look like s3://bucket/key`);
  }
  return { kind: 'file', path: source };
}

export interface ReadManifestOptions {
  /** Client for `s3://` locations. @default a client with the SDK's default configuration */
  readonly s3?: S3Client;
  /** The version of an `s3://` manifest to read. @default the current version */
  readonly versionId?: string;
}

/**
 * The text of the manifest at `source` (the app's input; the only AWS call an app makes, and only for
 * `s3://` locations). Errors name the source.
 */
export async function readManifestText(source: string, options: ReadManifestOptions = {}): Promise<string> {
  const location = parseManifestLocation(source);
  try {
    if (location.kind === 'file') return await readFile(location.path, 'utf8');
    const client = options.s3 ?? new S3Client({});
    const object = await client.send(
      new GetObjectCommand({ Bucket: location.bucket, Key: location.key, VersionId: options.versionId }),
    );
    if (object.Body === undefined) throw new Error('the object has no body');
    return await object.Body.transformToString('utf8');
  } catch (error) {
    const message = (error as { message?: unknown } | null)?.message;
    const reason = typeof message === 'string' ? message : String(error);
    throw new Error(`Cannot read manifest ${source}: ${reason}`, { cause: error });
  }
}
