import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import {
  BlockPublicAccess,
  Bucket,
  BucketEncryption,
  type BucketProps,
  type IBucket,
  ObjectOwnership,
} from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { acknowledgeNagFindings } from '../kit/nag';

export interface SecureBucketProps
  extends Omit<BucketProps, 'blockPublicAccess' | 'enforceSSL' | 'versioned' | 'objectOwnership'> {
  /**
   * Bucket receiving this bucket's server access logs.
   * @default - no access logs (only for the access log bucket itself)
   */
  readonly serverAccessLogsBucket?: IBucket;
  /**
   * Days a replaced or deleted object version is kept.
   * @default - kept forever
   */
  readonly noncurrentVersionRetentionDays?: number;
}

/**
 * A Bridgeport bucket: versioned, encrypted (S3-managed keys unless `encryption` says otherwise), SSL only
 * (TLS 1.2+), every public access blocked, ACLs disabled, and retained when its stack is deleted.
 */
export class SecureBucket extends Bucket {
  constructor(scope: Construct, id: string, props: SecureBucketProps = {}) {
    const { noncurrentVersionRetentionDays, serverAccessLogsBucket, ...bucketProps } = props;
    if (
      noncurrentVersionRetentionDays !== undefined &&
      (!Number.isInteger(noncurrentVersionRetentionDays) || noncurrentVersionRetentionDays < 1)
    ) {
      throw new Error(
        `SecureBucket: noncurrentVersionRetentionDays must be a positive integer, got ${noncurrentVersionRetentionDays}`,
      );
    }
    super(scope, id, {
      encryption: props.encryptionKey === undefined ? BucketEncryption.S3_MANAGED : BucketEncryption.KMS,
      // Fixed names: a failed first create rolls back cleanly, so that a re-run can create them again.
      removalPolicy: RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE,
      ...bucketProps,
      versioned: true,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket,
      serverAccessLogsPrefix: serverAccessLogsBucket === undefined ? undefined : `${id}/`,
      lifecycleRules: [
        ...(props.lifecycleRules ?? []),
        ...(noncurrentVersionRetentionDays === undefined
          ? []
          : [
              {
                id: 'ExpireOldVersions',
                noncurrentVersionExpiration: Duration.days(noncurrentVersionRetentionDays),
                expiredObjectDeleteMarker: true,
              },
            ]),
      ],
    });
  }
  /**
   * The access log bucket of a stack (`AccessLogs`, old versions kept 90 days), which receives the server access
   * logs of `loggedBuckets` (e.g. "the backup bucket") and does not log itself (acknowledged to cdk-nag).
   */
  static forAccessLogs(scope: Construct, loggedBuckets: string): SecureBucket {
    const bucket = new SecureBucket(scope, 'AccessLogs', { noncurrentVersionRetentionDays: 90 });
    acknowledgeNagFindings(bucket, {
      id: 'AwsSolutions-S1',
      reason: `This bucket receives the server access logs of ${loggedBuckets}; it does not log itself.`,
    });
    return bucket;
  }
}
