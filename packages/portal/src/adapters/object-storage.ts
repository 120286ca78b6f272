import { DeleteObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';

export interface ObjectStorageOptions {
  readonly client: S3Client;
}

/** JSON objects in S3 buckets (schema backups and deployment manifests). Writes and deletes are idempotent. */
export class ObjectStorage {
  private readonly client: S3Client;

  constructor(options: ObjectStorageOptions) {
    this.client = options.client;
  }

  /** Writes `body` (already serialized JSON) at `bucket`/`key`, replacing what is there. */
  async putJson(bucket: string, key: string, body: string): Promise<void> {
    await this.client.send(
      new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: 'application/json' }),
    );
  }

  /** Deletes `bucket`/`key`; deleting a missing object succeeds. */
  async delete(bucket: string, key: string): Promise<void> {
    await this.client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
  }
}
