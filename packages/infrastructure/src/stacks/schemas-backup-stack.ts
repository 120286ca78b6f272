import { BucketKind, bucketName, stackNames } from '@bridgeport/core';
import type { Construct } from 'constructs';
import { SecureBucket } from '../constructs/secure-bucket';
import { acknowledgeNagFindings } from '../kit/nag';
import { SharedStack, type SharedStackProps } from './shared-stack';

/**
 * `{env}-event-schemas-backup-service`: the bucket holding every schema version as JSON (the schema registry
 * can be rebuilt from it). Versioned, encrypted, SSL only, never public, retained, with server access logs.
 */
export class SchemasBackupStack extends SharedStack {
  public readonly bucket: SecureBucket;
  public readonly accessLogsBucket: SecureBucket;

  constructor(scope: Construct, props: SharedStackProps) {
    super(
      scope,
      stackNames(props.target.environment).schemasBackup,
      `Bridgeport ${props.target.environment}: event schema backups`,
      props,
    );
    this.accessLogsBucket = new SecureBucket(this, 'AccessLogs', { noncurrentVersionRetentionDays: 90 });
    acknowledgeNagFindings(this.accessLogsBucket, {
      id: 'AwsSolutions-S1',
      reason: 'This bucket receives the server access logs of the backup bucket; it does not log itself.',
    });
    this.bucket = new SecureBucket(this, 'SchemasBackup', {
      bucketName: bucketName(BucketKind.SCHEMAS_BACKUP, props.target),
      serverAccessLogsBucket: this.accessLogsBucket,
    });
  }
}
