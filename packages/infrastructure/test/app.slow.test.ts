import { stackNames } from '@bridgeport/core';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import { AwsSolutionsChecks } from 'cdk-nag';
import { buildInfrastructureApp } from '../src/app';
import { infrastructure, NO_BUNDLING, TARGET } from './helpers';

describe('buildInfrastructureApp', () => {
  const stacks = infrastructure();

  it('names every stack by core and pins it to the target account and region', () => {
    const names = stackNames('dev');
    expect(stacks.schemasBackup.stackName).toBe(names.schemasBackup);
    expect(stacks.componentsStorage.stackName).toBe(names.componentsStorage);
    expect(stacks.brokerApi.stackName).toBe(names.brokerApi);
    expect(stacks.bus.stackName).toBe(names.bus);
    for (const stack of Object.values(stacks)) {
      expect(stack.account).toBe('123456789012');
      expect(stack.region).toBe('eu-west-1');
    }
  });

  it('orders the stacks: schema backups, then component storage, then the broker API and bus', () => {
    expect(stacks.schemasBackup.dependencies).toEqual([]);
    expect(stacks.componentsStorage.dependencies).toEqual([stacks.schemasBackup]);
    expect(stacks.bus.dependencies).toEqual([stacks.componentsStorage]);
    expect(stacks.brokerApi.dependencies).toEqual([stacks.componentsStorage]);
  });

  it.each(['schemasBackup', 'componentsStorage', 'brokerApi', 'bus'] as const)(
    'passes the AWS Solutions checks: %s',
    (name) => {
      expect(new AwsSolutionsChecks().validateScope(stacks[name]).violations).toEqual([]);
    },
  );

  it('fails synthesis on a finding nobody acknowledged', () => {
    const { app, stacks: more } = buildInfrastructureApp({ context: { ...NO_BUNDLING, ...TARGET }, env: {} });
    new Bucket(more.bus, 'Unsafe');
    expect(() => app.synth()).toThrow(/AwsSolutions-S1/);
  });

  it('reads the account and region from the CDK CLI when the context has none', () => {
    const { target } = buildInfrastructureApp({
      context: { ...NO_BUNDLING, environment: 'qa' },
      env: { CDK_DEFAULT_ACCOUNT: '210987654321', CDK_DEFAULT_REGION: 'us-west-2' },
    });
    expect(target).toEqual({ environment: 'qa', account: '210987654321', region: 'us-west-2' });
  });
});
