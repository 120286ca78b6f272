import { resolveDeploymentTarget } from '../src/target';

const context =
  (values: Record<string, unknown>) =>
  (key: string): unknown =>
    values[key];

describe('resolveDeploymentTarget', () => {
  it('takes the environment, account and region from the context', () => {
    expect(
      resolveDeploymentTarget(context({ environment: 'dev', account: '123456789012', region: 'eu-west-1' }), {
        CDK_DEFAULT_ACCOUNT: '999999999999',
        CDK_DEFAULT_REGION: 'us-east-1',
      }),
    ).toEqual({ environment: 'dev', account: '123456789012', region: 'eu-west-1' });
  });

  it("falls back on the CDK CLI's account and region", () => {
    expect(
      resolveDeploymentTarget(context({ environment: 'prod' }), {
        CDK_DEFAULT_ACCOUNT: '210987654321',
        CDK_DEFAULT_REGION: 'us-west-2',
      }),
    ).toEqual({ environment: 'prod', account: '210987654321', region: 'us-west-2' });
  });

  it('asks for the environment when it is missing', () => {
    expect(() => resolveDeploymentTarget(context({}), {})).toThrow(
      'Missing environment: pass -c environment=<env>',
    );
  });

  it('asks for the account when neither the context nor the CLI has one', () => {
    expect(() =>
      resolveDeploymentTarget(context({ environment: 'dev' }), { CDK_DEFAULT_REGION: 'eu-west-1' }),
    ).toThrow(
      'Missing account: pass -c account=<12 digits> or run with AWS credentials (CDK_DEFAULT_ACCOUNT)',
    );
  });

  it('asks for the region when neither the context nor the CLI has one', () => {
    expect(() =>
      resolveDeploymentTarget(context({ environment: 'dev' }), { CDK_DEFAULT_ACCOUNT: '123456789012' }),
    ).toThrow('Missing region: pass -c region=<region> or configure a default region (CDK_DEFAULT_REGION)');
  });

  it('refuses a malformed value, naming where it came from', () => {
    expect(() =>
      resolveDeploymentTarget(
        context({ environment: 'Dev', account: '123456789012', region: 'eu-west-1' }),
        {},
      ),
    ).toThrow('Environment "Dev" (from environment) must match ^[a-z][a-z0-9-]{0,19}$');
    expect(() =>
      resolveDeploymentTarget(context({ environment: 'dev', account: '1234', region: 'eu-west-1' }), {}),
    ).toThrow('Account "1234" (from account) must match ^\\d{12}$');
  });

  it('refuses a context value that is not a string', () => {
    expect(() => resolveDeploymentTarget(context({ environment: 42 }), {})).toThrow(
      'Context environment must be a string, got 42',
    );
  });
});
