import { BucketKind, bucketName, stackNames } from '@bridgeport/core';
import type { Construct } from 'constructs';
import { SecureBucket } from '../constructs/secure-bucket';
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
    this.accessLogsBucket = SecureBucket.forAccessLogs(this, 'the backup bucket');
    this.bucket = new SecureBucket(this, 'SchemasBackup', {
      bucketName: bucketName(BucketKind.SCHEMAS_BACKUP, props.target),
      serverAccessLogsBucket: this.accessLogsBucket,
    });
  }
}
