import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { writeWebAssets } from '@bridgeport/web';
import { App, Validations } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { FEATURE_FLAGS } from '../../src/app';
import { PORTAL_API_PATHS, WebPortalStack } from '../../src/stacks/web-portal-stack';
import { buildWebPortalApp } from '../../src/web-portal-app';
import { NO_BUNDLING, TARGET } from '../helpers';

let assets: string;
let stack: WebPortalStack;
let template: Template;

beforeAll(async () => {
  assets = await mkdtemp(path.join(tmpdir(), 'web-portal-assets-'));
  await writeWebAssets(assets);
  const app = new App({ context: { ...FEATURE_FLAGS, ...NO_BUNDLING } });
  stack = new WebPortalStack(app, {
    target: TARGET,
    siteAssetsDir: assets,
    portalApiDomain: 'abc123.execute-api.eu-west-1.amazonaws.com',
    portalApiStage: 'dev',
    producerEndpointUrl: 'https://xyz789.execute-api.eu-west-1.amazonaws.com/dev',
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  template = Template.fromStack(stack);
});

afterAll(async () => {
  await rm(assets, { recursive: true, force: true });
});

describe('WebPortalStack', () => {
  it('is named by core and passes the AWS Solutions checks', () => {
    expect(stack.stackName).toBe('dev-self-service-web-portal');
    const findings = [
      ...Annotations.fromStack(stack).findError('*', Match.stringLikeRegexp('AwsSolutions-.*')),
      ...Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('AwsSolutions-.*')),
    ];
    expect(findings.map((finding) => finding.entry.data)).toEqual([]);
  });

  it('keeps the site in a private bucket read by CloudFront through origin access control, HTTPS only', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      VersioningConfiguration: { Status: 'Enabled' },
    });
    template.resourceCountIs('AWS::CloudFront::OriginAccessControl', 1);
    template.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        DefaultRootObject: 'index.html',
        DefaultCacheBehavior: Match.objectLike({ ViewerProtocolPolicy: 'redirect-to-https' }),
        Logging: Match.objectLike({ Prefix: 'distribution/' }),
      }),
    });
  });

  it('routes the portal API paths to the API, uncached, so the page calls it on its own origin', () => {
    const distribution = Object.values(template.findResources('AWS::CloudFront::Distribution'))[0] as {
      Properties: {
        DistributionConfig: {
          CacheBehaviors: { PathPattern: string; AllowedMethods: string[] }[];
          Origins: { DomainName: unknown; OriginPath?: string }[];
        };
      };
    };
    const config = distribution.Properties.DistributionConfig;

    expect(config.CacheBehaviors.map((behavior) => behavior.PathPattern).sort()).toEqual(
      [...PORTAL_API_PATHS].sort(),
    );
    expect(config.CacheBehaviors.every((behavior) => behavior.AllowedMethods.includes('DELETE'))).toBe(true);
    expect(config.Origins).toContainEqual(
      expect.objectContaining({
        DomainName: 'abc123.execute-api.eu-west-1.amazonaws.com',
        OriginPath: '/dev',
      }),
    );
  });

  it('names its URL in the output local_deploy.sh prints', () => {
    template.hasOutput('WebPortalUrl', {
      Value: {
        'Fn::Join': [
          '',
          ['https://', { 'Fn::GetAtt': [Match.stringLikeRegexp('^Distribution'), 'DomainName'] }],
        ],
      },
    });
  });

  it("gives the file copier 15 minutes (ServiceTimeout), not CloudFormation's hour", () => {
    template.hasResourceProperties('Custom::CDKBucketDeployment', { ServiceTimeout: '900' });
  });

  it('keeps its log buckets on delete and replacement, but not after a failed first create', () => {
    const buckets = Object.values(template.findResources('AWS::S3::Bucket'));
    expect(buckets.length).toBeGreaterThan(0);
    for (const bucket of buckets) expect(bucket.DeletionPolicy).toBe('RetainExceptOnCreate');
  });

  it('sends security headers with every answer', () => {
    template.hasResourceProperties('AWS::CloudFront::ResponseHeadersPolicy', {
      ResponseHeadersPolicyConfig: Match.objectLike({
        SecurityHeadersConfig: Match.objectLike({
          ContentSecurityPolicy: Match.objectLike({
            ContentSecurityPolicy: Match.stringLikeRegexp("script-src 'self'"),
          }),
          StrictTransportSecurity: Match.objectLike({ AccessControlMaxAgeSec: 31_536_000 }),
          FrameOptions: { FrameOption: 'DENY', Override: true },
        }),
      }),
    });
  });

  it('refuses an API domain that is not a host name, naming the prop', () => {
    expect(
      () =>
        new WebPortalStack(new App({ context: FEATURE_FLAGS }), {
          target: TARGET,
          siteAssetsDir: assets,
          portalApiDomain: 'https://abc/dev',
          portalApiStage: 'dev',
        }),
    ).toThrow(/portalApiDomain must be a host name/);
  });
});

describe('the web portal app', () => {
  it('builds the stack from context, and names the missing API domain', () => {
    const context = {
      ...NO_BUNDLING,
      environment: 'dev',
      account: '123456789012',
      region: 'eu-west-1',
      siteAssetsDir: assets,
    };

    const { stack: built } = buildWebPortalApp({
      context: { ...context, portalApiDomain: 'abc.execute-api.eu-west-1.amazonaws.com' },
      env: {},
    });

    expect(built.stackName).toBe('dev-self-service-web-portal');
    expect(() => buildWebPortalApp({ context, env: {} })).toThrow(/Context portalApiDomain is required/);
  });
});
