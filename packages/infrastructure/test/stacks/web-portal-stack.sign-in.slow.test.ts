import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { writeWebAssets } from '@bridgeport/web';
import type { WebConfig } from '@bridgeport/web/config';
import { App, Validations } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { FEATURE_FLAGS } from '../../src/app';
import { WebPortalStack, type WebPortalStackProps } from '../../src/stacks/web-portal-stack';
import { buildWebPortalApp } from '../../src/web-portal-app';
import { NO_BUNDLING, TARGET } from '../helpers';

const COGNITO_DOMAIN = 'dev-bridgeport-123456789012.auth.eu-west-1.amazoncognito.com';
const CLIENT_ID = '1example23456789abcdefghij';

let assets: string;

beforeAll(async () => {
  assets = await mkdtemp(path.join(tmpdir(), 'web-portal-sign-in-'));
  await writeWebAssets(assets);
});

afterAll(async () => {
  await rm(assets, { recursive: true, force: true });
});

function portal(extra: Partial<WebPortalStackProps> = {}): { app: App; stack: WebPortalStack } {
  const app = new App({ context: { ...FEATURE_FLAGS, ...NO_BUNDLING } });
  const stack = new WebPortalStack(app, {
    target: TARGET,
    siteAssetsDir: assets,
    portalApiDomain: 'abc123.execute-api.eu-west-1.amazonaws.com',
    portalApiStage: 'dev',
    producerEndpointUrl: 'https://xyz789.execute-api.eu-west-1.amazonaws.com/dev',
    ...extra,
  });
  return { app, stack };
}

/** The config.json the stack deploys beside the page, read from the synthesized assets. */
function deployedConfig(app: App): WebConfig {
  const directory = app.synth().directory;
  const found = readdirSync(directory)
    .filter((name) => name.startsWith('asset.'))
    .map((name) => path.join(directory, name, 'config.json'))
    .flatMap((file) => {
      try {
        return [readFileSync(file, 'utf8')];
      } catch {
        return [];
      }
    });
  if (found.length !== 1) throw new Error(`Expected one config.json asset, found ${found.length}`);
  return JSON.parse(found[0] as string) as WebConfig;
}

function contentSecurityPolicy(template: Template): string {
  const policy = Object.values(template.findResources('AWS::CloudFront::ResponseHeadersPolicy'))[0] as {
    Properties: {
      ResponseHeadersPolicyConfig: {
        SecurityHeadersConfig: { ContentSecurityPolicy: { ContentSecurityPolicy: string } };
      };
    };
  };
  return policy.Properties.ResponseHeadersPolicyConfig.SecurityHeadersConfig.ContentSecurityPolicy
    .ContentSecurityPolicy;
}

describe('WebPortalStack signing in through the hosted UI', () => {
  it("publishes config.json with the API on the page's origin, the region, the hosted UI's domain and client", () => {
    const { app } = portal({ signIn: { cognitoDomain: COGNITO_DOMAIN, clientId: CLIENT_ID } });

    expect(deployedConfig(app)).toEqual({
      apiUrl: '',
      producerUrl: 'https://xyz789.execute-api.eu-west-1.amazonaws.com/dev',
      region: 'eu-west-1',
      cognitoDomain: COGNITO_DOMAIN,
      cognitoClientId: CLIENT_ID,
    });
  });

  it('lets the page call the token endpoint of that domain and nothing else beyond its own origin', () => {
    const { stack } = portal({ signIn: { cognitoDomain: COGNITO_DOMAIN, clientId: CLIENT_ID } });

    expect(contentSecurityPolicy(Template.fromStack(stack))).toContain(
      `connect-src 'self' https://${COGNITO_DOMAIN};`,
    );
  });

  it('publishes no sign-in service without one (the page takes a pasted token), and keeps connect-src to itself', () => {
    const { app, stack } = portal();

    expect(deployedConfig(app)).toEqual({
      apiUrl: '',
      producerUrl: 'https://xyz789.execute-api.eu-west-1.amazonaws.com/dev',
      region: 'eu-west-1',
    });
    expect(contentSecurityPolicy(Template.fromStack(stack))).toContain("connect-src 'self';");
  });

  it('still passes the AWS Solutions checks', () => {
    const { app, stack } = portal({ signIn: { cognitoDomain: COGNITO_DOMAIN, clientId: CLIENT_ID } });
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    Template.fromStack(stack);

    const findings = [
      ...Annotations.fromStack(stack).findError('*', Match.stringLikeRegexp('AwsSolutions-.*')),
      ...Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('AwsSolutions-.*')),
    ];
    expect(findings.map((finding) => finding.entry.data)).toEqual([]);
  });

  it('refuses a domain that is not a host name and a malformed client id, naming the prop', () => {
    expect(() => portal({ signIn: { cognitoDomain: 'https://x.example.com', clientId: CLIENT_ID } })).toThrow(
      /signIn.cognitoDomain must be a host name/,
    );
    expect(() => portal({ signIn: { cognitoDomain: COGNITO_DOMAIN, clientId: 'a b' } })).toThrow(
      /signIn.clientId must be an app client id/,
    );
  });
});

describe('the web portal app with a hosted UI', () => {
  const context = {
    ...NO_BUNDLING,
    environment: 'dev',
    account: '123456789012',
    region: 'eu-west-1',
    portalApiDomain: 'abc.execute-api.eu-west-1.amazonaws.com',
  };

  it('takes the domain and the client from context', () => {
    const { app } = buildWebPortalApp({
      context: {
        ...context,
        siteAssetsDir: assets,
        cognitoDomain: COGNITO_DOMAIN,
        cognitoClientId: CLIENT_ID,
      },
      env: {},
    });

    expect(deployedConfig(app)).toMatchObject({ cognitoDomain: COGNITO_DOMAIN, cognitoClientId: CLIENT_ID });
  });

  it('names the missing half when only one of them is given', () => {
    expect(() =>
      buildWebPortalApp({
        context: { ...context, siteAssetsDir: assets, cognitoDomain: COGNITO_DOMAIN },
        env: {},
      }),
    ).toThrow(/Context cognitoClientId is required with cognitoDomain/);
    expect(() =>
      buildWebPortalApp({
        context: { ...context, siteAssetsDir: assets, cognitoClientId: CLIENT_ID },
        env: {},
      }),
    ).toThrow(/Context cognitoDomain is required with cognitoClientId/);
  });
});
