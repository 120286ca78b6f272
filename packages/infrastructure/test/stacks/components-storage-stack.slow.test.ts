import { BucketKind, bucketName, deploymentProjectName, tableName } from '@bridgeport/core';
import type { Template } from 'aws-cdk-lib/assertions';
import { Match } from 'aws-cdk-lib/assertions';
import { buildInfrastructureApp } from '../../src/app';
import { deploymentBuildCommands } from '../../src/constructs/deployment-build-project';
import {
  actionsOf,
  infrastructure,
  NO_BUNDLING,
  onlyResource,
  roleIdOf,
  statementsOfRole,
  TARGET,
  templateOf,
} from '../helpers';

const PUBLISHER = bucketName(BucketKind.PUBLISHER, TARGET);
const SUBSCRIBER = bucketName(BucketKind.SUBSCRIBER, TARGET);

describe('ComponentsStorageStack', () => {
  let template: Template;
  let resources: Record<string, { Type: string; Properties: Record<string, unknown> }>;
  let publisher: string;
  let subscriber: string;
  let pipeline: string;
  let trigger: string;
  let recorder: string;
  let reconciler: string;
  let manifestEvents: string;

  const roleOf = (fn: string) => roleIdOf(template, fn, 'Role');

  beforeAll(() => {
    template = templateOf(infrastructure().componentsStorage);
    resources = template.toJSON().Resources;
    publisher = onlyResource(template, 'AWS::S3::Bucket', { BucketName: PUBLISHER });
    subscriber = onlyResource(template, 'AWS::S3::Bucket', { BucketName: SUBSCRIBER });
    pipeline = onlyResource(template, 'AWS::CodePipeline::Pipeline');
    trigger = onlyResource(template, 'AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ MANIFEST_EVENTS_QUEUE_URL: Match.anyValue() }) },
    });
    recorder = onlyResource(template, 'AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          EVENTS_TABLE_NAME: Match.anyValue(),
          PUBLISHER_COMPONENTS_BUCKET: Match.absent(),
        }),
      },
    });
    reconciler = onlyResource(template, 'AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({ BRIDGEPORT_ENVIRONMENT: 'dev', EVENTS_TABLE_NAME: Match.anyValue() }),
      },
    });
    manifestEvents = onlyResource(template, 'AWS::SQS::Queue', { RedrivePolicy: Match.anyValue() });
  });

  describe('components buckets', () => {
    it.each([
      ['publisher', PUBLISHER],
      ['subscriber', SUBSCRIBER],
    ])(
      'creates the %s bucket named by core: versioned, encrypted, private, with EventBridge notifications',
      (_kind, name) => {
        template.hasResourceProperties('AWS::S3::Bucket', {
          BucketName: name,
          VersioningConfiguration: { Status: 'Enabled' },
          BucketEncryption: {
            ServerSideEncryptionConfiguration: [
              { ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } },
            ],
          },
          PublicAccessBlockConfiguration: {
            BlockPublicAcls: true,
            BlockPublicPolicy: true,
            IgnorePublicAcls: true,
            RestrictPublicBuckets: true,
          },
          LifecycleConfiguration: {
            Rules: [
              Match.objectLike({ NoncurrentVersionExpiration: { NoncurrentDays: 30 }, Status: 'Enabled' }),
            ],
          },
        });
        template.hasResourceProperties('Custom::S3BucketNotifications', {
          BucketName: { Ref: name === PUBLISHER ? publisher : subscriber },
          NotificationConfiguration: { EventBridgeConfiguration: {} },
        });
      },
    );

    it('keeps both named buckets on delete and replacement, but not after a failed first create', () => {
      for (const name of [PUBLISHER, SUBSCRIBER]) {
        template.hasResource('AWS::S3::Bucket', {
          Properties: Match.objectLike({ BucketName: name }),
          DeletionPolicy: 'RetainExceptOnCreate',
          UpdateReplacePolicy: 'Retain',
        });
      }
    });

    it('refuses requests without TLS on both buckets', () => {
      for (const bucket of [publisher, subscriber]) {
        template.hasResourceProperties('AWS::S3::BucketPolicy', {
          Bucket: { Ref: bucket },
          PolicyDocument: {
            Statement: Match.arrayWith([
              Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
            ]),
          },
        });
      }
    });
  });

  describe('deployment pipeline', () => {
    it('is a V2 pipeline, one execution at a time in order, with the manifest and action as variables', () => {
      template.hasResourceProperties('AWS::CodePipeline::Pipeline', {
        Name: 'dev-components-deployment-pipeline',
        PipelineType: 'V2',
        ExecutionMode: 'QUEUED',
        Variables: [
          Match.objectLike({ Name: 'MANIFEST_BUCKET' }),
          Match.objectLike({ Name: 'MANIFEST_KEY' }),
          Match.objectLike({ Name: 'ACTION' }),
          Match.objectLike({ Name: 'COMPONENT' }),
          Match.objectLike({ Name: 'MANIFEST_VERSION_ID', DefaultValue: 'none' }),
        ],
      });
    });

    it('builds from the source bundle without polling, and hands the variables to the build', () => {
      const stages = resources[pipeline]?.Properties.Stages as {
        Name: string;
        Actions: { ActionTypeId: { Provider: string }; Configuration: Record<string, unknown> }[];
      }[];
      expect(stages.map((stage) => stage.Name)).toEqual(['Source', 'Deploy']);
      expect(stages[0]?.Actions[0]?.Configuration).toMatchObject({
        S3ObjectKey: 'bridgeport/source.zip',
        PollForSourceChanges: false,
      });
      const build = stages[1]?.Actions[0];
      expect(build?.ActionTypeId.Provider).toBe('CodeBuild');
      expect(JSON.parse(build?.Configuration.EnvironmentVariables as string)).toEqual([
        { name: 'MANIFEST_BUCKET', type: 'PLAINTEXT', value: '#{variables.MANIFEST_BUCKET}' },
        { name: 'MANIFEST_KEY', type: 'PLAINTEXT', value: '#{variables.MANIFEST_KEY}' },
        { name: 'ACTION', type: 'PLAINTEXT', value: '#{variables.ACTION}' },
        { name: 'COMPONENT', type: 'PLAINTEXT', value: '#{variables.COMPONENT}' },
        { name: 'MANIFEST_VERSION_ID', type: 'PLAINTEXT', value: '#{variables.MANIFEST_VERSION_ID}' },
      ]);
    });

    it('runs the build commands in a project named by core, with the environment and both buckets', () => {
      const project = onlyResource(template, 'AWS::CodeBuild::Project');
      const properties = resources[project]?.Properties as {
        Name: string;
        EncryptionKey: unknown;
        Environment: { EnvironmentVariables: { Name: string; Value: unknown }[] };
        Source: { BuildSpec: string };
      };
      expect(properties.Name).toBe(deploymentProjectName('dev'));
      expect(properties.EncryptionKey).toBeDefined();
      expect(properties.Environment.EnvironmentVariables).toEqual(
        expect.arrayContaining([
          { Name: 'BRIDGEPORT_ENVIRONMENT', Type: 'PLAINTEXT', Value: 'dev' },
          { Name: 'PUBLISHER_COMPONENTS_BUCKET', Type: 'PLAINTEXT', Value: { Ref: publisher } },
          { Name: 'SUBSCRIBER_COMPONENTS_BUCKET', Type: 'PLAINTEXT', Value: { Ref: subscriber } },
          { Name: 'BRIDGEPORT_CDK_QUALIFIER', Type: 'PLAINTEXT', Value: 'bridgeport' },
        ]),
      );
      // No allow-list given: the variable is left out and the build allows no same-account target.
      expect(properties.Environment.EnvironmentVariables.map((variable) => variable.Name)).not.toContain(
        'BRIDGEPORT_ALLOWED_CONSUMER_TARGETS',
      );
      const buildSpec = JSON.parse(properties.Source.BuildSpec) as {
        phases: {
          install: { 'runtime-versions': unknown; commands?: string[] };
          build: { commands: string[] };
        };
      };
      // The source is the self-contained generators bundle: nothing is installed from a registry.
      expect(buildSpec.phases.install).toEqual({ 'runtime-versions': { nodejs: 22 } });
      expect(buildSpec.phases.build.commands).toEqual(['node manifest-build.js']);
      expect(deploymentBuildCommands()).toEqual(['node manifest-build.js']);
      expect(properties.Source.BuildSpec).not.toMatch(/npm|pnpm|yarn|corepack/);
    });

    it('lets the build read manifests, delete generated stacks and assume the deploy and file-publishing roles only', () => {
      const project = onlyResource(template, 'AWS::CodeBuild::Project');
      const role = roleIdOf(template, project, 'ServiceRole');
      const statements = statementsOfRole(template, role);
      const manifests = statements.find((s) => s.Sid === 'ReadManifests');
      expect(manifests?.Resource).toEqual([
        { 'Fn::Join': ['', [{ 'Fn::GetAtt': [publisher, 'Arn'] }, '/*']] },
        { 'Fn::Join': ['', [{ 'Fn::GetAtt': [subscriber, 'Arn'] }, '/*']] },
      ]);
      expect(actionsOf(manifests ?? {})).toEqual(['s3:GetObject', 's3:GetObjectVersion']);
      const assume = statements.find((s) => s.Sid === 'DeployWithTheCdkBootstrapRoles');
      const stacks = statements.find((s) => s.Sid === 'DeleteTheStackOfADeletedManifest');
      expect(actionsOf(stacks ?? {})).toEqual([
        'cloudformation:DescribeStacks',
        'cloudformation:DeleteStack',
      ]);
      expect(JSON.stringify(stacks?.Resource)).toContain(':stack/dev-producer-*/*');
      expect(JSON.stringify(stacks?.Resource)).toContain(':stack/dev-consumer-*/*');
      expect(assume?.Resource).toEqual(
        ['deploy', 'file-publishing'].map((name) => ({
          'Fn::Join': [
            '',
            [
              'arn:',
              { Ref: 'AWS::Partition' },
              `:iam::123456789012:role/cdk-bridgeport-${name}-role-123456789012-eu-west-1`,
            ],
          ],
        })),
      );
      // The generators' own bootstrap, and never its image-publishing or lookup roles.
      expect(JSON.stringify(statements)).not.toMatch(/image-publishing|lookup-role|hnb659fds/);
      expect(statements.filter((s) => actionsOf(s).includes('sts:AssumeRole'))).toEqual([assume]);
      const everyAction = statements.flatMap(actionsOf);
      expect(everyAction).not.toContain('*');
      expect(everyAction.filter((action) => action.startsWith('iam:'))).toEqual([]);
    });
  });

  describe('deployment trigger', () => {
    it('receives manifest events of either components bucket through a queue, never directly', () => {
      template.hasResourceProperties('AWS::Events::Rule', {
        EventPattern: {
          source: ['aws.s3'],
          'detail-type': ['Object Created', 'Object Deleted'],
          detail: {
            bucket: { name: [{ Ref: publisher }, { Ref: subscriber }] },
            object: { key: [{ suffix: '/deploy.json' }] },
          },
        },
        Targets: [
          Match.objectLike({
            Arn: { 'Fn::GetAtt': [manifestEvents, 'Arn'] },
            RetryPolicy: { MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 86400 },
            DeadLetterConfig: { Arn: Match.anyValue() },
          }),
        ],
      });
      template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
        EventSourceArn: { 'Fn::GetAtt': [manifestEvents, 'Arn'] },
        FunctionName: { Ref: trigger },
        FunctionResponseTypes: ['ReportBatchItemFailures'],
      });
    });

    it('redrives a manifest event 15 times before the dead-letter queue, and backs off in between', () => {
      template.hasResourceProperties('AWS::SQS::Queue', {
        VisibilityTimeout: 180,
        RedrivePolicy: { maxReceiveCount: 15, deadLetterTargetArn: Match.anyValue() },
      });
      const statements = statementsOfRole(template, roleOf(trigger));
      expect(statements.flatMap(actionsOf)).toEqual(
        expect.arrayContaining(['sqs:ReceiveMessage', 'sqs:ChangeMessageVisibility', 'sqs:DeleteMessage']),
      );
    });

    it('knows the pipeline, both buckets and its queue, and may only read manifest versions and start that pipeline', () => {
      template.hasResourceProperties('AWS::Lambda::Function', {
        Runtime: 'nodejs22.x',
        Environment: {
          Variables: {
            DEPLOYMENT_PIPELINE_NAME: 'dev-components-deployment-pipeline',
            PUBLISHER_COMPONENTS_BUCKET: { Ref: publisher },
            SUBSCRIBER_COMPONENTS_BUCKET: { Ref: subscriber },
            MANIFEST_EVENTS_QUEUE_URL: { Ref: manifestEvents },
            NODE_OPTIONS: '--enable-source-maps',
          },
        },
      });
      const statements = statementsOfRole(template, roleOf(trigger));
      const start = statements.find((s) => s.Sid === 'StartTheDeploymentPipeline');
      expect(actionsOf(start ?? {})).toEqual(['codepipeline:StartPipelineExecution']);
      expect(JSON.stringify(start?.Resource)).toContain(pipeline);
      const versions = statements.find((s) => s.Sid === 'ReadTheVersionsOfAManifest');
      expect(actionsOf(versions ?? {})).toEqual(['s3:ListBucketVersions']);
      expect(statements.flatMap(actionsOf).filter((action) => !action.startsWith('sqs:'))).toEqual([
        'codepipeline:StartPipelineExecution',
        's3:ListBucketVersions',
      ]);
    });
  });

  describe('deployment reconciler', () => {
    it('runs every 15 minutes', () => {
      template.hasResourceProperties('AWS::Events::Rule', {
        ScheduleExpression: 'rate(15 minutes)',
        Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [reconciler, 'Arn'] } })],
      });
    });

    it('may list manifests and stacks, read statuses and start the pipeline, and nothing else', () => {
      const statements = statementsOfRole(template, roleOf(reconciler));
      expect(statements.map((s) => [s.Sid, actionsOf(s)])).toEqual([
        ['StartTheDeploymentPipeline', ['codepipeline:StartPipelineExecution']],
        ['ListTheManifests', ['s3:ListBucket', 's3:ListBucketVersions']],
        ['ListTheDeployedStacks', ['cloudformation:DescribeStacks']],
        ['ReadDeploymentStatuses', ['dynamodb:GetItem']],
      ]);
    });
  });

  describe('deployment status recorder', () => {
    it("receives the pipeline's execution state changes", () => {
      template.hasResourceProperties('AWS::Events::Rule', {
        EventPattern: {
          source: ['aws.codepipeline'],
          'detail-type': ['CodePipeline Pipeline Execution State Change'],
          detail: { pipeline: ['dev-components-deployment-pipeline'] },
        },
        Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [recorder, 'Arn'] } })],
      });
    });

    it("may read the pipeline's executions and update items of the portal's table, and nothing else", () => {
      template.hasResourceProperties('AWS::Lambda::Function', {
        Environment: {
          Variables: Match.objectLike({
            DEPLOYMENT_PIPELINE_NAME: 'dev-components-deployment-pipeline',
            EVENTS_TABLE_NAME: tableName('dev'),
          }),
        },
      });
      const statements = statementsOfRole(template, roleOf(recorder));
      expect(statements.map((s) => [s.Sid, actionsOf(s)])).toEqual([
        [undefined, ['sqs:SendMessage']],
        ['ReadExecutionVariables', ['codepipeline:GetPipelineExecution']],
        ['RecordDeploymentStatus', ['dynamodb:UpdateItem', 'dynamodb:GetItem']],
      ]);
      expect(statements[2]?.Resource).toEqual({
        'Fn::Join': [
          '',
          [
            'arn:',
            { Ref: 'AWS::Partition' },
            ':dynamodb:eu-west-1:123456789012:table/dev-self-service-events-table',
          ],
        ],
      });
    });
  });

  it('raises an alarm when an event lands in the dead-letter queue', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
    });
  });

  it('outputs where local_deploy.sh uploads the source bundle', () => {
    template.hasOutput('DeploymentSourceBucketName', {
      Value: { Ref: Match.stringLikeRegexp('PipelineBucket') },
    });
    template.hasOutput('DeploymentSourceObjectKey', { Value: 'bridgeport/source.zip' });
  });

  it("hands the environment's allow-list of consumer targets to the build, and refuses a malformed one", () => {
    const build = (allowedConsumerTargets: string) =>
      buildInfrastructureApp({ context: { ...NO_BUNDLING, ...TARGET, allowedConsumerTargets }, env: {} })
        .stacks.componentsStorage;
    const allowList =
      'arn:aws:lambda:eu-west-1:123456789012:function:orders-*, arn:aws:sqs:eu-west-1:123456789012:jobs';

    templateOf(build(allowList)).hasResourceProperties('AWS::CodeBuild::Project', {
      Environment: {
        EnvironmentVariables: Match.arrayWith([
          {
            Name: 'BRIDGEPORT_ALLOWED_CONSUMER_TARGETS',
            Type: 'PLAINTEXT',
            Value:
              'arn:aws:lambda:eu-west-1:123456789012:function:orders-*,arn:aws:sqs:eu-west-1:123456789012:jobs',
          },
        ]),
      },
    });
    expect(() => build('arn:aws:s3:::bucket')).toThrow(
      /allowedConsumerTargets: "arn:aws:s3:::bucket" is not a Lambda function or SQS queue ARN/,
    );
  });
});
