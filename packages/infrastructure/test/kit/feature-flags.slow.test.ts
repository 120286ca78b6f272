import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Match } from 'aws-cdk-lib/assertions';
import { CURRENT_VERSION_EXPIRED_FLAGS, FLAGS } from 'aws-cdk-lib/cx-api';
import { FEATURE_FLAGS } from '../../src/kit/feature-flags';
import { infrastructure, templateOf } from '../helpers';

const PACKAGES = join(__dirname, '..', '..', '..');
const contextOf = (pkg: string): Record<string, unknown> =>
  (JSON.parse(readFileSync(join(PACKAGES, pkg, 'cdk.json'), 'utf8')) as { context: Record<string, unknown> })
    .context;

/** The flags `cdk flags` lists as unconfigured: not expired, default behaviour differing from the recommended value. */
const needingAttention = Object.entries(FLAGS)
  .filter(([name]) => !CURRENT_VERSION_EXPIRED_FLAGS.includes(name))
  .filter(([, flag]) => String(flag.unconfiguredBehavesLike?.v2 ?? false) !== String(flag.recommendedValue))
  .map(([name]) => name);

describe('feature flags', () => {
  it('pins, in every app, each flag whose default differs from the recommended value (`cdk flags` clean)', () => {
    expect(needingAttention.length).toBeGreaterThan(50);
    for (const pkg of ['infrastructure', 'producer-generator', 'consumer-generator']) {
      const context = contextOf(pkg);
      const unpinned = needingAttention.filter((name) => !(name in context));
      expect({ pkg, unpinned }).toEqual({ pkg, unpinned: [] });
      expect(context).toEqual(FEATURE_FLAGS);
    }
  });

  it('pins the behaviour the stacks were written for: each flag at its default, except the ones Bridgeport chose', () => {
    const chosen = Object.entries(FEATURE_FLAGS).filter(
      ([name, value]) =>
        JSON.stringify(value) !== JSON.stringify(FLAGS[name]?.unconfiguredBehavesLike?.v2 ?? false),
    );
    expect(Object.fromEntries(chosen)).toEqual({
      '@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy': true,
      '@aws-cdk/core:target-partitions': ['aws', 'aws-cn'],
    });
  });

  it('grants server access logs by bucket policy, as the pinned flag says', () => {
    templateOf(infrastructure().schemasBackup).hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Allow',
            Principal: { Service: 'logging.s3.amazonaws.com' },
            Action: 's3:PutObject',
          }),
        ]),
      },
    });
  });
});
