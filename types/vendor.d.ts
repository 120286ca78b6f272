// Minimal declarations for the two embedded AWS emulators (neither ships its own types), shared by every package.

declare module 'dynalite' {
  import type { Server } from 'node:http';

  interface DynaliteOptions {
    path?: string;
    createTableMs?: number;
    deleteTableMs?: number;
    updateTableMs?: number;
    maxItemSizeKb?: number;
    verbose?: boolean;
    debug?: boolean;
  }
  function dynalite(options?: DynaliteOptions): Server;
  export = dynalite;
}

declare module 's3rver' {
  import type { EventEmitter } from 'node:events';
  import type { AddressInfo } from 'node:net';

  interface S3rverOptions {
    address?: string;
    port?: number;
    silent?: boolean;
    directory?: string;
    resetOnClose?: boolean;
    allowMismatchedSignatures?: boolean;
    vhostBuckets?: boolean;
    serviceEndpoint?: string;
    configureBuckets?: { name: string; configs?: (string | Buffer)[] }[];
  }
  class S3rver extends EventEmitter {
    constructor(options?: S3rverOptions);
    /** The file store every request goes through (also the Koa context's `store`). */
    readonly store: import('s3rver/lib/stores/filesystem').FilesystemStore;
    /** Koa's middleware stack (s3rver's router is the last entry). */
    readonly middleware: ((context: never, next: () => Promise<void>) => Promise<void> | void)[];
    run(): Promise<AddressInfo>;
    close(): Promise<void>;
  }
  export = S3rver;
}

declare module 's3rver/lib/models/account' {
  interface AwsAccount {
    createKeyPair(accessKeyId: string, secretAccessKey: string): void;
  }
  const AWSAccount: { registry: Map<string, AwsAccount>; DUMMY_ACCOUNT: AwsAccount };
  export = AWSAccount;
}

declare module 's3rver/lib/models/object' {
  import type { Readable } from 'node:stream';

  class S3Object {
    constructor(bucket: string, key: string, content: Readable | null, metadata: Record<string, unknown>);
    readonly bucket: string;
    readonly key: string;
    readonly content: Readable | Buffer | null;
    readonly metadata: Record<string, unknown>;
    range?: { start: number; end: number };
  }
  export = S3Object;
}

declare module 's3rver/lib/models/error' {
  class S3Error extends Error {
    constructor(code: string, message?: string, detail?: Record<string, unknown>);
    readonly code: string;
    readonly status: number;
  }
  export = S3Error;
}

declare module 's3rver/lib/stores/filesystem' {
  import type { Readable } from 'node:stream';
  import type S3Object from 's3rver/lib/models/object';

  /** What `putObject` is given: the object's content as a buffer or a stream. */
  interface StoredObject {
    readonly bucket: string;
    readonly key: string;
    readonly content: Readable | Buffer;
    readonly metadata: Record<string, unknown>;
  }
  /** The parts of s3rver's file store that the local S3 replaces or builds on. */
  interface FilesystemStore {
    getResourcePath(bucket: string, key?: string, resource?: string): string;
    getMetadata(bucket: string, key: string): Promise<Record<string, unknown>>;
    putMetadata(bucket: string, key: string, metadata: Record<string, unknown>, md5?: string): Promise<void>;
    getObject(
      bucket: string,
      key: string,
      options?: { start?: number; end?: number },
    ): Promise<S3Object | null>;
    putObject(object: StoredObject): Promise<{ size: number; md5: string }>;
    deleteObject(bucket: string, key: string): Promise<void>;
    existsObject(bucket: string, key: string): Promise<boolean>;
    getBucket(bucket: string): Promise<object | null>;
    listObjects(
      bucket: string,
      options: { prefix?: string; maxKeys?: number },
    ): Promise<{ objects: S3Object[]; isTruncated: boolean }>;
  }
}
