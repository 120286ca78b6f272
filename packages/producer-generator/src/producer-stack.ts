import {
  BucketKind,
  bucketName,
  type ProducerManifest,
  type ProducerPlan,
  ProducerType,
  producerManifestKey,
  producerPlan,
} from '@bridgeport/core';
import { Stack, type StackProps, Tags } from 'aws-cdk-lib';
import { AuthorizationType } from 'aws-cdk-lib/aws-apigateway';
import { StringParameter } from 'aws-cdk-lib/aws-ssm';
import type { Construct } from 'constructs';
import { HttpProducer } from './constructs/http-producer';
import { SqsProducer } from './constructs/sqs-producer';

export interface ProducerStackProps extends Omit<StackProps, 'stackName' | 'env'> {
  /** A parsed, valid producer manifest: the stack renders core's plan for it. */
  readonly manifest: ProducerManifest;
}

/** Reads an SSM parameter published by the shared stacks; CloudFormation resolves it at deploy time. */
function imported(scope: Construct, parameterName: string): string {
  return StringParameter.valueForStringParameter(scope, parameterName);
}

/**
 * The stack of one event type version's producer side, named by core and built from core's producer plan:
 * an `HttpProducer` route on the broker API or an `SqsProducer`. Shared resources are imported by the SSM
 * parameters the infrastructure stacks publish, never looked up at synth time.
 */
export class ProducerStack extends Stack {
  public readonly plan: ProducerPlan;
  public readonly httpProducer?: HttpProducer;
  public readonly sqsProducer?: SqsProducer;

  constructor(scope: Construct, props: ProducerStackProps) {
    const { manifest, ...stackProps } = props;
    const plan = producerPlan(manifest);
    super(scope, plan.stackName, {
      description: `Bridgeport producer of ${manifest.event_type} version ${manifest.version} (${plan.type})`,
      ...stackProps,
      stackName: plan.stackName,
      env: { account: manifest.account, region: manifest.region },
    });
    this.plan = plan;
    Tags.of(this).add('bridgeport:environment', manifest.environment);
    Tags.of(this).add('bridgeport:application', manifest.application);
    Tags.of(this).add('bridgeport:event-type', manifest.event_type);
    Tags.of(this).add('bridgeport:version', String(manifest.version));

    const render = (): HttpProducer | SqsProducer => {
      switch (plan.type) {
        case ProducerType.HTTPS:
          return new HttpProducer(this, 'HttpProducer', {
            restApiId: imported(this, plan.ssm.brokerRestApiId),
            rootResourceId: imported(this, plan.ssm.brokerRestApiRootResourceId),
            stageName: imported(this, plan.ssm.brokerApiStageName),
            injectorFunctionArn: imported(this, plan.ssm.injectorFunctionArn),
            pathParts: plan.http.pathParts,
            requestModel: plan.requestModel,
            // Producers send their event type's API key, issued by the portal in the type's usage plan.
            authorizationType: AuthorizationType.NONE,
            apiKeyRequired: plan.http.apiKeyRequired,
            // The broker API stack grants API Gateway one permission for every producer route.
            grantInvoke: false,
          });
        case ProducerType.SQS:
          return new SqsProducer(this, 'SqsProducer', {
            ingressQueueName: plan.sqs.ingressQueueName,
            deadLetterQueueName: plan.sqs.deadLetterQueueName,
            maxReceiveCount: plan.sqs.maxReceiveCount,
            allowedPrincipals: plan.sqs.allowedPrincipals,
            eventBusArn: imported(this, plan.ssm.eventBusArn),
            publisherBucketName: bucketName(BucketKind.PUBLISHER, manifest),
            manifestKey: producerManifestKey(manifest.event_type, manifest.version),
            eventType: manifest.event_type,
            version: manifest.version,
          });
      }
    };
    const producer = render();
    this.httpProducer = producer instanceof HttpProducer ? producer : undefined;
    this.sqsProducer = producer instanceof SqsProducer ? producer : undefined;
  }
}
