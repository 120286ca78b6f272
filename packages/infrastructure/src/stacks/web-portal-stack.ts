import { stackNames } from '@bridgeport/core';
import type { WebConfig } from '@bridgeport/web/config';
import {
  CfnOutput,
  type CfnResource,
  CustomResource,
  DefaultStackSynthesizer,
  Duration,
  RemovalPolicy,
  type Stack,
  Token,
} from 'aws-cdk-lib';
import {
  AllowedMethods,
  CachePolicy,
  Distribution,
  HeadersFrameOption,
  HeadersReferrerPolicy,
  HttpVersion,
  OriginRequestPolicy,
  PriceClass,
  ResponseHeadersPolicy,
  SecurityPolicyProtocol,
  ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { HttpOrigin, S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import {
  BlockPublicAccess,
  Bucket,
  BucketEncryption,
  type CfnBucket,
  ObjectOwnership,
} from 'aws-cdk-lib/aws-s3';
import { BucketDeployment, Source } from 'aws-cdk-lib/aws-s3-deployment';
import type { Construct } from 'constructs';
import { SecureBucket } from '../constructs/secure-bucket';
import { acknowledgeNagFindings } from '../kit/nag';
import { SharedStack, type SharedStackProps } from './shared-stack';

/** Outputs of the stack that `local_deploy.sh` reads. */
export const WebPortalOutput = { URL: 'WebPortalUrl' } as const;

/** The portal API's paths, served by the API through the distribution so the page and the API share an origin. */
export const PORTAL_API_PATHS = [
  '/events',
  '/events/*',
  '/subscriptions',
  '/subscriptions/*',
  '/asyncapi',
  '/insights',
] as const;

/** The portal's user pool, whose hosted UI the page signs in through (the portal stack's outputs). */
export interface WebPortalSignIn {
  /** The hosted UI's domain, e.g. `dev-bridgeport-123456789012.auth.eu-west-1.amazoncognito.com` (`PortalUserPoolDomain`). */
  readonly cognitoDomain: string;
  /** The web portal's app client (`PortalWebClientId`). */
  readonly clientId: string;
}

export interface WebPortalStackProps extends SharedStackProps {
  /** Folder holding the built web portal (`pnpm --filter @bridgeport/web build`): `index.html`, `app.js`, `app.css`. */
  readonly siteAssetsDir: string;
  /** Host of the portal API, e.g. `abc123.execute-api.eu-west-1.amazonaws.com` (the portal stack's `PortalApiId`). */
  readonly portalApiDomain: string;
  /** The API's stage: the environment name. */
  readonly portalApiStage: string;
  /**
   * The producer endpoint's URL, shown in the example `curl`s.
   * @default - none: the page shows a placeholder
   */
  readonly producerEndpointUrl?: string;
  /**
   * The user pool's hosted UI: the page shows "Sign in" going there and exchanges the code with PKCE.
   * @default - none: the page takes a pasted ID token
   */
  readonly signIn?: WebPortalSignIn;
}

/** The content security policy of every answer: the page talks to its own origin and, when given, the hosted UI. */
export function webPortalContentSecurityPolicy(cognitoDomain?: string): string {
  const connect = cognitoDomain === undefined ? "'self'" : `'self' https://${cognitoDomain}`;
  return `default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src ${connect}; frame-ancestors 'none'`;
}

/**
 * `{env}-self-service-web-portal`: the web portal as a static site, a private bucket behind CloudFront (origin
 * access control), with the portal API's paths routed to the API itself (no caching), so the page calls the API on
 * its own origin and needs no CORS. HTTPS only, security headers on every answer, access logs kept.
 */
export class WebPortalStack extends SharedStack {
  public readonly siteBucket: SecureBucket;
  public readonly logsBucket: SecureBucket;
  public readonly distributionLogsBucket: Bucket;
  public readonly distribution: Distribution;

  constructor(scope: Construct, props: WebPortalStackProps) {
    const { siteAssetsDir, portalApiDomain, portalApiStage, producerEndpointUrl, signIn, ...sharedProps } =
      props;
    const { environment } = props.target;
    super(scope, stackNames(environment).webPortal, `Bridgeport ${environment}: web portal`, sharedProps);
    if (!Token.isUnresolved(portalApiDomain) && !/^[a-z0-9.-]+$/.test(portalApiDomain)) {
      throw new Error(
        `WebPortalStack: portalApiDomain must be a host name, got ${JSON.stringify(portalApiDomain)}`,
      );
    }
    if (
      signIn !== undefined &&
      !Token.isUnresolved(signIn.cognitoDomain) &&
      !/^[a-z0-9.-]+$/.test(signIn.cognitoDomain)
    ) {
      throw new Error(
        `WebPortalStack: signIn.cognitoDomain must be a host name, got ${JSON.stringify(signIn.cognitoDomain)}`,
      );
    }
    if (
      signIn !== undefined &&
      !Token.isUnresolved(signIn.clientId) &&
      !/^[\w+]{1,128}$/.test(signIn.clientId)
    ) {
      throw new Error(
        `WebPortalStack: signIn.clientId must be an app client id, got ${JSON.stringify(signIn.clientId)}`,
      );
    }

    this.logsBucket = SecureBucket.forAccessLogs(
      this,
      'the web portal bucket and the distribution log bucket',
    );
    // CloudFront standard logs are delivered with an ACL (the log delivery account's), so their bucket keeps ACLs.
    this.distributionLogsBucket = new Bucket(this, 'DistributionLogs', {
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      versioned: true,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.OBJECT_WRITER,
      removalPolicy: RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE,
      serverAccessLogsBucket: this.logsBucket,
      serverAccessLogsPrefix: 'DistributionLogs/',
      lifecycleRules: [
        { id: 'ExpireLogs', expiration: Duration.days(365), noncurrentVersionExpiration: Duration.days(30) },
      ],
    });
    this.siteBucket = new SecureBucket(this, 'Site', {
      serverAccessLogsBucket: this.logsBucket,
      noncurrentVersionRetentionDays: 30,
    });

    const securityHeaders = new ResponseHeadersPolicy(this, 'SecurityHeaders', {
      securityHeadersBehavior: {
        contentSecurityPolicy: {
          contentSecurityPolicy: webPortalContentSecurityPolicy(signIn?.cognitoDomain),
          override: true,
        },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: HeadersFrameOption.DENY, override: true },
        referrerPolicy: { referrerPolicy: HeadersReferrerPolicy.NO_REFERRER, override: true },
        strictTransportSecurity: {
          accessControlMaxAge: Duration.days(365),
          includeSubdomains: true,
          override: true,
        },
      },
    });
    const api = new HttpOrigin(portalApiDomain, { originPath: `/${portalApiStage}` });
    const apiBehavior = {
      origin: api,
      viewerProtocolPolicy: ViewerProtocolPolicy.HTTPS_ONLY,
      allowedMethods: AllowedMethods.ALLOW_ALL,
      cachePolicy: CachePolicy.CACHING_DISABLED,
      originRequestPolicy: OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
      responseHeadersPolicy: securityHeaders,
    };
    this.distribution = new Distribution(this, 'Distribution', {
      comment: `Bridgeport ${environment} web portal`,
      defaultRootObject: 'index.html',
      defaultBehavior: {
        origin: S3BucketOrigin.withOriginAccessControl(this.siteBucket),
        viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        cachePolicy: CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: securityHeaders,
      },
      additionalBehaviors: Object.fromEntries(PORTAL_API_PATHS.map((path) => [path, apiBehavior])),
      httpVersion: HttpVersion.HTTP2_AND_3,
      minimumProtocolVersion: SecurityPolicyProtocol.TLS_V1_2_2021,
      priceClass: PriceClass.PRICE_CLASS_100,
      enableLogging: true,
      logBucket: this.distributionLogsBucket,
      logFilePrefix: 'distribution/',
    });

    // The API is reached through this distribution, on the page's own origin: apiUrl ''.
    const config: WebConfig = {
      apiUrl: '',
      producerUrl: producerEndpointUrl ?? '',
      region: this.region,
      ...(signIn === undefined
        ? {}
        : { cognitoDomain: signIn.cognitoDomain, cognitoClientId: signIn.clientId }),
    };
    new CfnOutput(this, WebPortalOutput.URL, {
      value: `https://${this.distribution.distributionDomainName}`,
      description: 'URL of the web portal',
    });

    const files = new BucketDeployment(this, 'Files', {
      destinationBucket: this.siteBucket,
      sources: [Source.asset(siteAssetsDir), Source.jsonData('config.json', config)],
      distribution: this.distribution,
      distributionPaths: ['/index.html', '/app.js', '/app.css', '/config.json'],
      memoryLimit: 256,
    });
    // The copier may run for its function's 15 minutes, not CloudFormation's hour.
    const copy = files.node.children.find((child) => child instanceof CustomResource);
    if (copy !== undefined) {
      (copy.node.defaultChild as CfnResource).addPropertyOverride(
        'ServiceTimeout',
        String(Duration.minutes(15).toSeconds()),
      );
    }

    acknowledgeNagFindings(
      this.distribution,
      {
        id: 'AwsSolutions-CFR1',
        reason:
          'The portal serves teams wherever they work; access is controlled by sign-in, not by country.',
      },
      {
        id: 'AwsSolutions-CFR2',
        reason:
          'The site is static files and a signed-in API behind Cognito; a WAF web ACL can be attached per account.',
      },
      {
        id: 'AwsSolutions-CFR4',
        reason:
          'The default *.cloudfront.net certificate allows TLSv1; minimumProtocolVersion TLSv1.2_2021 applies once a custom domain is attached.',
      },
    );
    // BucketDeployment's singleton function (CDK's own code) copies the asset into the site bucket and
    // invalidates the distribution; its role is what aws-cdk-lib grants it.
    const copier = this.node.children.find((child) =>
      child.node.id.startsWith('Custom::CDKBucketDeployment'),
    );
    if (copier !== undefined) {
      acknowledgeNagFindings(
        copier,
        {
          id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
          reason:
            'The file copier logs through the AWS managed basic execution role (aws-cdk-lib BucketDeployment).',
        },
        ...[
          'Action::s3:Abort*',
          'Action::s3:DeleteObject*',
          'Action::s3:GetBucket*',
          'Action::s3:GetObject*',
          'Action::s3:List*',
          'Resource::*',
          `Resource::<${this.getLogicalId(this.siteBucket.node.defaultChild as CfnBucket)}.Arn>/*`,
          `Resource::arn:<AWS::Partition>:s3:::${assetBucketName(this)}/*`,
        ].map((evidence) => ({
          id: `AwsSolutions-IAM5[${evidence}]`,
          reason:
            'aws-cdk-lib grants the file copier read on the asset bucket, write on the site bucket and CloudFront invalidations (which take no resource).',
        })),
        { id: 'AwsSolutions-L1', reason: 'The file copier runtime is chosen by aws-cdk-lib.' },
      );
    }
  }
}

/** The CDK asset bucket of a stack, as cdk-nag names it in its findings. */
function assetBucketName(stack: Stack): string {
  const synthesizer = stack.synthesizer;
  const qualifier =
    synthesizer instanceof DefaultStackSynthesizer
      ? (stack.node.tryGetContext('@aws-cdk/core:bootstrapQualifier') ??
        DefaultStackSynthesizer.DEFAULT_QUALIFIER)
      : DefaultStackSynthesizer.DEFAULT_QUALIFIER;
  return `cdk-${qualifier}-assets-${stack.account}-${stack.region}`;
}
