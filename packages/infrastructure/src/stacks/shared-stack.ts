import type { DeploymentTarget } from '@bridgeport/core';
import { Stack, type StackProps, Tags } from 'aws-cdk-lib';
import type { Construct } from 'constructs';

export interface SharedStackProps extends Omit<StackProps, 'stackName' | 'env'> {
  /** Environment, account and region: the stack is named by core and deployed there. */
  readonly target: DeploymentTarget;
}

/** A shared stack of one environment: named by core, pinned to the target's account and region, tagged. */
export abstract class SharedStack extends Stack {
  public readonly target: DeploymentTarget;

  protected constructor(scope: Construct, stackName: string, description: string, props: SharedStackProps) {
    const { target, ...stackProps } = props;
    super(scope, stackName, {
      description,
      ...stackProps,
      stackName,
      env: { account: target.account, region: target.region },
    });
    this.target = target;
    Tags.of(this).add('bridgeport:environment', target.environment);
    Tags.of(this).add('bridgeport:component', 'shared');
  }
}
