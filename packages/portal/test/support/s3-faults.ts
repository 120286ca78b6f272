import type { S3Client } from '@aws-sdk/client-s3';
import type { PausedCall } from './schemas-fake';

/** Failures and pauses injected into the S3 calls a client makes to the real (s3rver) endpoint. */
export interface S3Faults {
  /** Makes the next `command` (e.g. `PutObjectCommand`) on `bucket` fail with an S3 InternalError. */
  failNext(command: string, bucket: string): void;
  /** Holds the next `command` on `bucket` before it is sent, until released. */
  pauseNext(command: string, bucket: string): PausedCall;
}

interface Fault {
  readonly command: string;
  readonly bucket: string;
  readonly apply: () => Promise<void>;
}

/** Adds a middleware to `client` that applies the faults registered through the returned object. */
export function s3Faults(client: S3Client): S3Faults {
  const faults: Fault[] = [];
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const bucket = (args.input as { Bucket?: string }).Bucket;
      const index = faults.findIndex(
        (fault) => fault.command === context.commandName && fault.bucket === bucket,
      );
      if (index >= 0) {
        const [fault] = faults.splice(index, 1);
        await fault?.apply();
      }
      return next(args);
    },
    { step: 'initialize', name: 'testS3Faults' },
  );
  return {
    failNext(command, bucket) {
      faults.push({
        command,
        bucket,
        apply: async () => {
          throw Object.assign(new Error('We encountered an internal error. Please try again.'), {
            name: 'InternalError',
          });
        },
      });
    },
    pauseNext(command, bucket) {
      let arrive: () => void = () => undefined;
      let release: () => void = () => undefined;
      const reached = new Promise<void>((resolve) => {
        arrive = resolve;
      });
      const wait = new Promise<void>((resolve) => {
        release = resolve;
      });
      faults.push({
        command,
        bucket,
        apply: async () => {
          arrive();
          await wait;
        },
      });
      return { reached, release };
    },
  };
}
