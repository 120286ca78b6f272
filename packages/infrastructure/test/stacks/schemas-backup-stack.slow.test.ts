import { BucketKind, bucketName } from '@bridgeport/core';
import type { Template } from 'aws-cdk-lib/assertions';
import { Match } from 'aws-cdk-lib/assertions';
import { infrastructure, TARGET, templateOf } from '../helpers';

describe('SchemasBackupStack', () => {
  let template: Template;

  beforeAll(() => {
    template = templateOf(infrastructure().schemasBackup);
  });

  it('creates the backup bucket named by core, versioned, encrypted and private', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      BucketName: bucketName(BucketKind.SCHEMAS_BACKUP, TARGET),
      VersioningConfiguration: { Status: 'Enabled' },
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      },
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      LoggingConfiguration: { DestinationBucketName: { Ref: Match.stringLikeRegexp('^AccessLogs') } },
    });
  });

  it('keeps the backups when the stack is deleted or the bucket replaced, but not after a failed first create', () => {
    template.hasResource('AWS::S3::Bucket', {
      Properties: { BucketName: bucketName(BucketKind.SCHEMAS_BACKUP, TARGET) },
      DeletionPolicy: 'RetainExceptOnCreate',
      UpdateReplacePolicy: 'Retain',
    });
  });

  it('refuses every request that is not over TLS 1.2 or later', () => {
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: Match.stringLikeRegexp('^SchemasBackup') },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Action: 's3:*',
            Principal: { AWS: '*' },
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
          Match.objectLike({
            Effect: 'Deny',
            Action: 's3:*',
            Condition: { NumericLessThan: { 's3:TlsVersion': 1.2 } },
          }),
        ]),
      },
    });
  });
});
