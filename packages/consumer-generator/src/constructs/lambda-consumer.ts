import { Token } from 'aws-cdk-lib';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import type { Role } from 'aws-cdk-lib/aws-iam';
import { type IFunction, Function as LambdaFn } from 'aws-cdk-lib/aws-lambda';
import type { Construct } from 'constructs';
import { ConsumerDelivery, type ConsumerDeliveryProps, isOtherAccount } from './consumer-delivery';

export interface LambdaConsumerProps extends ConsumerDeliveryProps {
  /** ARN of the consumer's function (optionally qualified). */
  readonly functionArn: string;
}

const FUNCTION_ARN =
  /^arn:[a-z-]+:lambda:[a-z0-9-]+:\d{12}:function:[A-Za-z0-9_-]{1,140}(:[A-Za-z0-9$_-]{1,128})?$/;

/**
 * Delivers a subscription to a Lambda function: the rule targets the function by ARN with the retry
 * policy and dead-letter queue, and the rule gets permission to invoke it. A function in another account
 * is invoked through an execution role of this account (`targetRole`); its owner must let that role's
 * account invoke it.
 */
export class LambdaConsumer extends ConsumerDelivery {
  public readonly function: IFunction;
  /** The execution role used for a function in another account. */
  public readonly targetRole?: Role;

  constructor(scope: Construct, id: string, props: LambdaConsumerProps) {
    super(scope, id, props, 'LambdaConsumer');
    if (!Token.isUnresolved(props.functionArn) && !FUNCTION_ARN.test(props.functionArn)) {
      throw new Error(
        `LambdaConsumer: functionArn must be a Lambda function ARN, got ${JSON.stringify(props.functionArn)}`,
      );
    }
    this.function = LambdaFn.fromFunctionArn(this, 'Function', props.functionArn);
    if (isOtherAccount(this, props.functionArn)) {
      this.targetRole = this.addCrossAccountTarget(props.functionArn, ['lambda:InvokeFunction']);
    } else {
      this.addTarget(new LambdaFunction(this.function, this.deliveryOptions));
    }
  }
}
