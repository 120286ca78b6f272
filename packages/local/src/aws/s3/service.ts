import { accessKeyOf } from '../protocol';
import { proxy } from '../proxy';
import type { LocalAwsService, RunningService } from '../service';
import { type S3Lifecycle, type S3Notifications, startLocalS3 } from './server';

export interface RunningS3 extends RunningService {
  /** Object created/removed notifications. */
  readonly notifications: S3Notifications;
  /** What lifecycle rules do in AWS, done on request. */
  readonly lifecycle: S3Lifecycle;
}

/** S3: s3rver (with bucket versioning) on a loopback port, proxied; any access key may sign. */
export const s3Service: LocalAwsService<RunningS3> = {
  scope: 's3',
  directory: 's3',
  // Unsigned requests (a browser's, a plain curl) are S3's.
  unsignedDefault: true,
  async start(context) {
    const s3 = await startLocalS3(context.directory);
    return {
      notifications: s3.notifications,
      lifecycle: { expireNoncurrentVersion: (...args) => s3.expireNoncurrentVersion(...args) },
      handle(request, response) {
        const accessKey = accessKeyOf(request);
        if (accessKey) s3.allowAccessKey(accessKey);
        proxy(request, response, s3.port, context.agent);
      },
      close: () => s3.close(),
    };
  },
};
