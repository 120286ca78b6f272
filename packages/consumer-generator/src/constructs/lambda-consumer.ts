import { Token } from 'aws-cdk-lib';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { type IFunction, Function as LambdaFn } from 'aws-cdk-lib/aws-lambda';
import type { Construct } from 'constructs';
import { ConsumerDelivery, type ConsumerDeliveryProps } from './consumer-delivery';

export interface LambdaConsumerProps extends ConsumerDeliveryProps {
  /** ARN of the consumer's function (optionally qualified). */
  readonly functionArn: string;
}

const FUNCTION_ARN =
  /^arn:[a-z-]+:lambda:[a-z0-9-]+:\d{12}:function:[A-Za-z0-9_-]{1,140}(:[A-Za-z0-9$_-]{1,128})?$/;

/**
 * Delivers a subscription to a Lambda function: the rule targets the function by ARN with the retry
 * policy and dead-letter queue, and EventBridge gets permission to invoke it (when the function is in
 * the stack's account; a function elsewhere must grant it itself).
 */
export class LambdaConsumer extends ConsumerDelivery {
  public readonly function: IFunction;

  constructor(scope: Construct, id: string, props: LambdaConsumerProps) {
    super(scope, id, props, 'LambdaConsumer');
    if (!Token.isUnresolved(props.functionArn) && !FUNCTION_ARN.test(props.functionArn)) {
      throw new Error(
        `LambdaConsumer: functionArn must be a Lambda function ARN, got ${JSON.stringify(props.functionArn)}`,
      );
    }
    this.function = LambdaFn.fromFunctionArn(this, 'Function', props.functionArn);
    this.addTarget(new LambdaFunction(this.function, this.deliveryOptions));
  }
}
