/**
 * The CloudFormation execution policy of the generators' CDK bootstrap (core's `generatorBootstrapNames`): what
 * CloudFormation may do when the deployment pipeline deploys a producer or consumer stack. It allows the
 * resource types the generators create, and nothing else: no other service, no secret but a consumer's own
 * (`bridgeport/{env}/consumers/…`), no role that Lambda or EventBridge do not use.
 */

import { GENERATOR_CDK_QUALIFIER } from '@bridgeport/core';

/** Every CloudFormation resource type a producer or consumer stack may hold (the generators' tests check it). */
export const GENERATED_RESOURCE_TYPES = [
  'AWS::ApiGateway::ApiKey',
  'AWS::ApiGateway::Deployment',
  'AWS::ApiGateway::Method',
  'AWS::ApiGateway::Model',
  'AWS::ApiGateway::RequestValidator',
  'AWS::ApiGateway::Resource',
  'AWS::ApiGateway::UsagePlan',
  'AWS::ApiGateway::UsagePlanKey',
  'AWS::CDK::Metadata',
  'AWS::CloudWatch::Alarm',
  'AWS::Events::ApiDestination',
  'AWS::Events::Connection',
  'AWS::Events::Rule',
  'AWS::IAM::Policy',
  'AWS::IAM::Role',
  'AWS::Lambda::EventInvokeConfig',
  'AWS::Lambda::EventSourceMapping',
  'AWS::Lambda::Function',
  'AWS::Lambda::Permission',
  'AWS::Logs::LogGroup',
  'AWS::SQS::Queue',
  'AWS::SQS::QueuePolicy',
  'Custom::BridgeportQueuePolicyStatement',
  'Custom::BridgeportSharedApiResource',
  'Custom::BridgeportStageRedeployment',
] as const;

export interface ExecutionPolicyScope {
  readonly account: string;
  readonly region: string;
  /** @default 'aws' */
  readonly partition?: string;
  /** The bootstrap qualifier, naming its assets bucket. @default core's GENERATOR_CDK_QUALIFIER */
  readonly qualifier?: string;
}

export interface PolicyStatementJson {
  readonly Sid: string;
  readonly Effect: 'Allow';
  readonly Action: readonly string[];
  readonly Resource: readonly string[];
  readonly Condition?: Readonly<Record<string, unknown>>;
}

export interface PolicyDocumentJson {
  readonly Version: '2012-10-17';
  readonly Statement: readonly PolicyStatementJson[];
}

/** Name prefixes CloudFormation gives the resources of generated stacks (`{env}-producer-…`, `{env}-consumer-…`). */
const GENERATED = ['*-producer-*', '*-consumer-*'] as const;

/** The execution policy document for one account and region. */
export function generatorExecutionPolicy(scope: ExecutionPolicyScope): PolicyDocumentJson {
  const partition = scope.partition ?? 'aws';
  const arn = (service: string, resource: string, region = scope.region, account = scope.account) =>
    `arn:${partition}:${service}:${region}:${account}:${resource}`;
  const generated = (service: string, prefix: string, region?: string, account?: string) =>
    GENERATED.map((name) => arn(service, `${prefix}${name}`, region, account));
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'LambdaFunctionsOfGeneratedStacks',
        Effect: 'Allow',
        Action: [
          'lambda:CreateFunction',
          'lambda:DeleteFunction',
          'lambda:GetFunction',
          'lambda:GetFunctionConfiguration',
          'lambda:UpdateFunctionCode',
          'lambda:UpdateFunctionConfiguration',
          'lambda:TagResource',
          'lambda:UntagResource',
          'lambda:ListTags',
          'lambda:AddPermission',
          'lambda:RemovePermission',
          'lambda:GetPolicy',
          'lambda:PutFunctionEventInvokeConfig',
          'lambda:UpdateFunctionEventInvokeConfig',
          'lambda:DeleteFunctionEventInvokeConfig',
          'lambda:GetFunctionEventInvokeConfig',
          'lambda:GetRuntimeManagementConfig',
          'lambda:PutRuntimeManagementConfig',
          // CloudFormation calls the custom resources' functions with this role.
          'lambda:InvokeFunction',
        ],
        Resource: generated('lambda', 'function:'),
      },
      {
        Sid: 'SqsEventSourcesOfGeneratedFunctions',
        Effect: 'Allow',
        Action: [
          'lambda:CreateEventSourceMapping',
          'lambda:DeleteEventSourceMapping',
          'lambda:GetEventSourceMapping',
          'lambda:UpdateEventSourceMapping',
        ],
        // Event source mappings have no name to scope by before they exist.
        Resource: ['*'],
        Condition: { StringLike: { 'lambda:FunctionArn': generated('lambda', 'function:') } },
      },
      {
        Sid: 'RolesOfGeneratedStacks',
        Effect: 'Allow',
        Action: [
          'iam:CreateRole',
          'iam:DeleteRole',
          'iam:GetRole',
          'iam:UpdateRole',
          'iam:UpdateAssumeRolePolicy',
          'iam:TagRole',
          'iam:UntagRole',
          'iam:ListRoleTags',
          'iam:PutRolePolicy',
          'iam:DeleteRolePolicy',
          'iam:GetRolePolicy',
          'iam:AttachRolePolicy',
          'iam:DetachRolePolicy',
        ],
        Resource: generated('iam', 'role/', '', scope.account),
      },
      {
        Sid: 'PassRolesOfGeneratedStacksToLambdaAndEventBridgeOnly',
        Effect: 'Allow',
        Action: ['iam:PassRole'],
        Resource: generated('iam', 'role/', '', scope.account),
        Condition: {
          StringEquals: { 'iam:PassedToService': ['lambda.amazonaws.com', 'events.amazonaws.com'] },
        },
      },
      {
        Sid: 'LogGroupsOfGeneratedStacks',
        Effect: 'Allow',
        Action: [
          'logs:CreateLogGroup',
          'logs:DeleteLogGroup',
          'logs:PutRetentionPolicy',
          'logs:DeleteRetentionPolicy',
          'logs:TagResource',
          'logs:UntagResource',
          'logs:TagLogGroup',
          'logs:ListTagsForResource',
          'logs:DescribeLogGroups',
        ],
        Resource: [arn('logs', 'log-group:*')],
      },
      {
        Sid: 'QueuesOfGeneratedStacks',
        Effect: 'Allow',
        Action: [
          'sqs:CreateQueue',
          'sqs:DeleteQueue',
          'sqs:GetQueueAttributes',
          'sqs:SetQueueAttributes',
          'sqs:GetQueueUrl',
          'sqs:TagQueue',
          'sqs:UntagQueue',
          'sqs:ListQueueTags',
        ],
        Resource: [arn('sqs', '*')],
      },
      {
        Sid: 'RulesConnectionsAndApiDestinations',
        Effect: 'Allow',
        Action: [
          'events:PutRule',
          'events:DeleteRule',
          'events:DescribeRule',
          'events:EnableRule',
          'events:DisableRule',
          'events:PutTargets',
          'events:RemoveTargets',
          'events:ListTargetsByRule',
          'events:TagResource',
          'events:UntagResource',
          'events:ListTagsForResource',
          'events:CreateConnection',
          'events:UpdateConnection',
          'events:DeleteConnection',
          'events:DescribeConnection',
          'events:CreateApiDestination',
          'events:UpdateApiDestination',
          'events:DeleteApiDestination',
          'events:DescribeApiDestination',
        ],
        Resource: [
          arn('events', 'rule/*'),
          arn('events', 'connection/*'),
          arn('events', 'api-destination/*'),
        ],
      },
      {
        Sid: 'TheSecretsEventBridgeKeepsForConnections',
        Effect: 'Allow',
        Action: [
          'secretsmanager:CreateSecret',
          'secretsmanager:UpdateSecret',
          'secretsmanager:PutSecretValue',
          'secretsmanager:DeleteSecret',
          'secretsmanager:DescribeSecret',
          'secretsmanager:TagResource',
          'secretsmanager:UntagResource',
        ],
        Resource: [arn('secretsmanager', 'secret:events!connection/*')],
      },
      {
        Sid: 'OnlyConsumersOwnSecrets',
        Effect: 'Allow',
        Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
        Resource: [arn('secretsmanager', 'secret:bridgeport/*/consumers/*')],
      },
      {
        Sid: 'ProducerRoutesOnTheBrokerApi',
        Effect: 'Allow',
        Action: [
          'apigateway:GET',
          'apigateway:POST',
          'apigateway:PUT',
          'apigateway:PATCH',
          'apigateway:DELETE',
        ],
        // Producer routes, and the API keys and usage plans of HTTP producers.
        Resource: ['/restapis/*', '/apikeys', '/apikeys/*', '/usageplans', '/usageplans/*', '/tags/*'].map(
          (path) => `arn:${partition}:apigateway:${scope.region}::${path}`,
        ),
      },
      {
        Sid: 'DeliveryAlarms',
        Effect: 'Allow',
        Action: [
          'cloudwatch:PutMetricAlarm',
          'cloudwatch:DeleteAlarms',
          'cloudwatch:DescribeAlarms',
          'cloudwatch:TagResource',
          'cloudwatch:UntagResource',
          'cloudwatch:ListTagsForResource',
        ],
        Resource: [arn('cloudwatch', 'alarm:*')],
      },
      {
        Sid: 'FunctionCodeFromTheBootstrapAssetsBucket',
        Effect: 'Allow',
        // Lambda reads a function's code from S3 with CloudFormation's credentials.
        Action: ['s3:GetObject', 's3:GetObjectVersion'],
        Resource: [
          `arn:${partition}:s3:::cdk-${scope.qualifier ?? GENERATOR_CDK_QUALIFIER}-assets-${scope.account}-${scope.region}/*`,
        ],
      },
      {
        Sid: 'SharedResourceNamesFromSsm',
        Effect: 'Allow',
        Action: ['ssm:GetParameters', 'ssm:GetParameter'],
        Resource: [arn('ssm', 'parameter/bridgeport/*'), arn('ssm', 'parameter/cdk-bootstrap/*')],
      },
    ],
  };
}
