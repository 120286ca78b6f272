import { readFileSync } from 'node:fs';
import path from 'node:path';
import { yamlParse } from 'yaml-cfn';

type Node = Record<string, unknown>;
const template = yamlParse(readFileSync(path.resolve(__dirname, '../../../template.yaml'), 'utf8')) as {
  Parameters: Record<string, Node>;
  Conditions: Record<string, unknown>;
  Resources: Record<string, { Type: string; Condition?: string; Properties: Node }>;
  Outputs: Record<string, Node>;
};
const { Parameters: parameters, Conditions: conditions, Resources: resources, Outputs: outputs } = template;

const matches = (parameter: string, value: string) =>
  new RegExp(String(parameters[parameter]?.AllowedPattern)).test(value);

describe('template.yaml: signing in to the web portal through the hosted UI', () => {
  it('gives the pool it creates a hosted-UI domain named for the environment and account', () => {
    const domain = resources.PortalUserPoolDomain;

    expect(domain?.Type).toBe('AWS::Cognito::UserPoolDomain');
    expect(domain?.Condition).toBe('CreateUserPool');
    expect(domain?.Properties).toEqual({
      Domain: { 'Fn::Sub': `\${Environment}-bridgeport-\${AWS::AccountId}` },
      UserPoolId: { Ref: 'PortalUserPool' },
      ManagedLoginVersion: 1,
    });
    expect(outputs.PortalUserPoolDomain).toMatchObject({
      Condition: 'CreateUserPool',
      Value: {
        'Fn::Sub': `\${Environment}-bridgeport-\${AWS::AccountId}.auth.\${AWS::Region}.amazoncognito.com`,
      },
    });
  });

  it('gives the web portal a public client of the authorization code grant, back to the URLs it is given', () => {
    const client = resources.PortalWebClient;

    expect(client?.Type).toBe('AWS::Cognito::UserPoolClient');
    expect(client?.Properties).toMatchObject({
      UserPoolId: { Ref: 'PortalUserPool' },
      GenerateSecret: false,
      AllowedOAuthFlowsUserPoolClient: true,
      AllowedOAuthFlows: ['code'],
      AllowedOAuthScopes: ['openid', 'email', 'profile'],
      SupportedIdentityProviders: ['COGNITO'],
      CallbackURLs: [{ Ref: 'WebPortalCallbackUrl' }],
      LogoutURLs: [
        {
          'Fn::If': [
            'DefaultWebPortalLogoutUrl',
            { Ref: 'WebPortalCallbackUrl' },
            { Ref: 'WebPortalLogoutUrl' },
          ],
        },
      ],
      ExplicitAuthFlows: ['ALLOW_REFRESH_TOKEN_AUTH'],
      EnableTokenRevocation: true,
      PreventUserExistenceErrors: 'ENABLED',
    });
    expect(outputs.PortalWebClientId).toMatchObject({
      Condition: 'CreateWebSignIn',
      Value: { Ref: 'PortalWebClient' },
    });
  });

  it('creates the client only for a pool of its own and once the portal address is known', () => {
    expect(resources.PortalWebClient?.Condition).toBe('CreateWebSignIn');
    expect(conditions.CreateWebSignIn).toEqual({
      'Fn::And': [
        { Condition: 'CreateUserPool' },
        { 'Fn::Not': [{ 'Fn::Equals': [{ Ref: 'WebPortalCallbackUrl' }, ''] }] },
      ],
    });
    expect(parameters.WebPortalCallbackUrl?.Default).toBe('');
    expect(parameters.WebPortalLogoutUrl?.Default).toBe('');
  });

  it('takes HTTPS addresses (and http://localhost) as callback URLs, ending with the path, and nothing else', () => {
    expect(matches('WebPortalCallbackUrl', 'https://d111111abcdef8.cloudfront.net/')).toBe(true);
    expect(matches('WebPortalCallbackUrl', 'http://localhost:3000/')).toBe(true);
    expect(matches('WebPortalCallbackUrl', '')).toBe(true);
    expect(matches('WebPortalCallbackUrl', 'http://d111111abcdef8.cloudfront.net/')).toBe(false);
    expect(matches('WebPortalCallbackUrl', 'https://d111111abcdef8.cloudfront.net')).toBe(false);
    expect(matches('WebPortalCallbackUrl', 'https://d111111abcdef8.cloudfront.net/#/')).toBe(false);
    expect(matches('WebPortalLogoutUrl', 'https://portal.example.com/signed-out')).toBe(true);
    expect(matches('WebPortalLogoutUrl', 'javascript:alert(1)')).toBe(false);
  });
});
