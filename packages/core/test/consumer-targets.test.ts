import {
  ConfigurationError,
  ConsumerType,
  consumerSecretProblem,
  consumerTargetProblem,
  generatorBootstrapNames,
  isAllowedConsumerTarget,
  parseAllowedConsumerTargets,
  readAllowedConsumerTargets,
} from '../src';

const ACCOUNT = '123456789012';
const lambda = (name: string, account = ACCOUNT) => `arn:aws:lambda:eu-west-1:${account}:function:${name}`;
const queue = (name: string, account = ACCOUNT) => `arn:aws:sqs:eu-west-1:${account}:${name}`;

describe('the allow-list of same-account consumer targets', () => {
  it('is absent when the variable is unset, empty (nothing allowed) when it is set and empty', () => {
    expect(readAllowedConsumerTargets({})).toBeUndefined();
    expect(readAllowedConsumerTargets({ BRIDGEPORT_ALLOWED_CONSUMER_TARGETS: '' })).toEqual([]);
    expect(
      readAllowedConsumerTargets({
        BRIDGEPORT_ALLOWED_CONSUMER_TARGETS: ` ${lambda('orders-*')},${queue('jobs')}  ${queue('audit')} `,
      }),
    ).toEqual([lambda('orders-*'), queue('jobs'), queue('audit')]);
  });

  it.each([
    ['an ARN of another service', 'arn:aws:s3:::bucket'],
    ['a wildcard in the middle', lambda('orders-*-prod')],
    ['two wildcards', lambda('*orders*')],
    ['no ARN at all', 'orders'],
  ])('refuses %s, naming the setting', (_what, entry) => {
    expect(() => parseAllowedConsumerTargets(entry, 'allowedConsumerTargets')).toThrow(ConfigurationError);
    expect(() => parseAllowedConsumerTargets(entry, 'allowedConsumerTargets')).toThrow(
      `allowedConsumerTargets: ${JSON.stringify(entry)} is not a Lambda function or SQS queue ARN`,
    );
  });

  it('matches exact entries exactly and prefix entries by their prefix', () => {
    const allowList = [lambda('orders-*'), queue('jobs')];

    expect(isAllowedConsumerTarget(lambda('orders-shipping'), allowList)).toBe(true);
    expect(isAllowedConsumerTarget(queue('jobs'), allowList)).toBe(true);
    expect(isAllowedConsumerTarget(queue('jobs-2'), allowList)).toBe(false);
    expect(isAllowedConsumerTarget(lambda('payroll'), allowList)).toBe(false);
  });
});

describe('consumerTargetProblem', () => {
  const allowList = [lambda('orders-*')];

  it('refuses a Lambda function or SQS queue of the account that the allow-list does not name', () => {
    expect(consumerTargetProblem(ConsumerType.LAMBDA, lambda('payroll'), ACCOUNT, allowList)).toBe(
      `is a Lambda function of this account (${ACCOUNT}) that is not on the environment's allow-list of consumer targets (BRIDGEPORT_ALLOWED_CONSUMER_TARGETS); ask the platform team to add it`,
    );
    expect(consumerTargetProblem(ConsumerType.SQS, queue('payroll'), ACCOUNT, [])).toMatch(
      /^is a SQS queue of this account/,
    );
  });

  it('accepts listed targets, targets of other accounts, HTTPS endpoints, and anything without an allow-list', () => {
    expect(
      consumerTargetProblem(ConsumerType.LAMBDA, lambda('orders-ship'), ACCOUNT, allowList),
    ).toBeUndefined();
    expect(
      consumerTargetProblem(ConsumerType.SQS, queue('jobs', '210987654321'), ACCOUNT, []),
    ).toBeUndefined();
    expect(
      consumerTargetProblem(ConsumerType.HTTPS, 'https://hooks.example.com', ACCOUNT, []),
    ).toBeUndefined();
    expect(consumerTargetProblem(ConsumerType.LAMBDA, lambda('payroll'), ACCOUNT, undefined)).toBeUndefined();
  });
});

describe('consumerSecretProblem', () => {
  it("accepts only the subscription's own secret, named by core", () => {
    expect(consumerSecretProblem('dev', 'abcdef123456', undefined)).toBeUndefined();
    expect(
      consumerSecretProblem('dev', 'abcdef123456', 'bridgeport/dev/consumers/abcdef123456'),
    ).toBeUndefined();
    for (const other of [
      'prod/database-password',
      'bridgeport/dev/consumers/zzzzzz999999',
      'bridgeport/prod/consumers/abcdef123456',
    ]) {
      expect(consumerSecretProblem('dev', 'abcdef123456', other)).toBe(
        "must be this subscription's own secret, bridgeport/dev/consumers/abcdef123456",
      );
    }
  });
});

describe('generatorBootstrapNames', () => {
  it("names the generators' bootstrap: a qualifier CDK accepts, its toolkit stack and a per-region policy", () => {
    const names = generatorBootstrapNames('eu-west-1');

    expect(names).toEqual({
      qualifier: 'bridgeport',
      toolkitStack: 'BridgeportCDKToolkit',
      executionPolicy: 'bridgeport-generated-stacks-eu-west-1',
    });
    expect(names.qualifier).toMatch(/^[a-z0-9-]{1,10}$/);
    expect(() => generatorBootstrapNames('Europe')).toThrow(/region/);
  });
});
