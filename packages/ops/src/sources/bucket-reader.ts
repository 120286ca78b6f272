import {
  GetObjectCommand,
  ListObjectsV2Command,
  ListObjectVersionsCommand,
  NoSuchBucket,
  type S3Client,
} from '@aws-sdk/client-s3';
import { OperationError } from '../errors';

/** One object of a bucket as seen now or at a point in time. */
export interface StoredObject {
  readonly key: string;
  /** The object version to read (set when reading as of a point in time). */
  readonly versionId?: string;
  readonly lastModified: Date;
}

export interface BucketReaderOptions {
  readonly client: S3Client;
  readonly bucket: string;
  /** Read the objects as they were at this time (needs versioning on the bucket). @default now */
  readonly asOf?: Date;
}

/**
 * The objects of one bucket, now or as of a point in time. As of a time, each key's version is the newest one
 * written at or before it; a key whose newest such version is a delete marker (or that had none) is absent.
 */
export class BucketReader {
  readonly bucket: string;
  private readonly client: S3Client;
  private readonly asOf: Date | undefined;

  constructor(options: BucketReaderOptions) {
    this.client = options.client;
    this.bucket = options.bucket;
    this.asOf = options.asOf;
  }

  async list(): Promise<StoredObject[]> {
    try {
      return this.asOf === undefined ? await this.listCurrent() : await this.listAsOf(this.asOf);
    } catch (error) {
      if (error instanceof NoSuchBucket || (error as Error).name === 'NoSuchBucket') {
        throw new OperationError(`Bucket ${this.bucket} does not exist`, { cause: error });
      }
      throw error;
    }
  }

  private async listCurrent(): Promise<StoredObject[]> {
    const objects: StoredObject[] = [];
    let token: string | undefined;
    do {
      const page = await this.client.send(
        new ListObjectsV2Command({ Bucket: this.bucket, ContinuationToken: token }),
      );
      for (const item of page.Contents ?? []) {
        if (item.Key !== undefined) {
          objects.push({ key: item.Key, lastModified: item.LastModified ?? new Date(0) });
        }
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token !== undefined);
    return objects.sort((a, b) => a.key.localeCompare(b.key));
  }

  private async listAsOf(asOf: Date): Promise<StoredObject[]> {
    const newest = new Map<string, { versionId?: string; lastModified: Date; deleted: boolean }>();
    const consider = (key: string, versionId: string | undefined, at: Date, deleted: boolean): void => {
      if (at.getTime() > asOf.getTime()) return;
      const seen = newest.get(key);
      if (seen === undefined || seen.lastModified.getTime() <= at.getTime()) {
        newest.set(key, { versionId, lastModified: at, deleted });
      }
    };
    let keyMarker: string | undefined;
    let versionMarker: string | undefined;
    let truncated = false;
    do {
      const page = await this.client.send(
        new ListObjectVersionsCommand({
          Bucket: this.bucket,
          KeyMarker: keyMarker,
          VersionIdMarker: versionMarker,
        }),
      );
      for (const version of page.Versions ?? []) {
        if (version.Key === undefined || version.LastModified === undefined) continue;
        consider(version.Key, version.VersionId, version.LastModified, false);
      }
      for (const marker of page.DeleteMarkers ?? []) {
        if (marker.Key === undefined || marker.LastModified === undefined) continue;
        consider(marker.Key, marker.VersionId, marker.LastModified, true);
      }
      truncated = page.IsTruncated === true;
      keyMarker = page.NextKeyMarker;
      versionMarker = page.NextVersionIdMarker;
    } while (truncated);
    return [...newest.entries()]
      .filter(([, version]) => !version.deleted)
      .map(([key, version]) => ({
        key,
        lastModified: version.lastModified,
        ...(version.versionId === undefined ? {} : { versionId: version.versionId }),
      }))
      .sort((a, b) => a.key.localeCompare(b.key));
  }

  /** The object's text. */
  async read(object: StoredObject): Promise<string> {
    const result = await this.client.send(
      new GetObjectCommand({
        Bucket: this.bucket,
        Key: object.key,
        ...(object.versionId === undefined ? {} : { VersionId: object.versionId }),
      }),
    );
    return (await result.Body?.transformToString('utf-8')) ?? '';
  }
}
