import {
  BrokerEnvVar,
  DEFAULT_MAX_EVENT_SIZE_BYTES,
  DEFAULT_PRODUCER_CACHE_TTL_SECONDS,
} from '@bridgeport/broker';
import {
  BucketKind,
  brokerApiName,
  bucketName,
  busName,
  EnvVar,
  ssmParameterNames,
  stackNames,
} from '@bridgeport/core';
import { ArnFormat, Duration, RemovalPolicy } from 'aws-cdk-lib';
import {
  AccessLogFormat,
  AuthorizationType,
  EndpointType,
  LogGroupLogDestination,
  MethodLoggingLevel,
  MockIntegration,
  PassthroughBehavior,
  RestApi,
} from 'aws-cdk-lib/aws-apigateway';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { StringParameter } from 'aws-cdk-lib/aws-ssm';
import type { Construct } from 'constructs';
import { BrokerHandler, brokerHandlerEntry, createBrokerFunction } from '../kit/broker-function';
import { acknowledgeNagFindings } from '../kit/nag';
import { SharedStack, type SharedStackProps } from './shared-stack';

/**
 * Who sets API Gateway's account-level CloudWatch role (`AWS::ApiGateway::Account`, one per account and region):
 * this stack (`create`), or an environment deployed earlier in the region (`existing`).
 */
export const ApiGatewayAccount = { CREATE: 'create', EXISTING: 'existing' } as const;
export type ApiGatewayAccount = (typeof ApiGatewayAccount)[keyof typeof ApiGatewayAccount];

export interface BrokerApiStackProps extends SharedStackProps {
  /**
   * Whether this stack creates the region's API Gateway account settings (its CloudWatch role), which access
   * logs need. Pass `existing` when another environment of the same region has them, so that two stacks do
   * not take turns overwriting one resource.
   * @default ApiGatewayAccount.CREATE
   */
  readonly apiGatewayAccount?: ApiGatewayAccount;
  /**
   * Entry file of the injector (bundled with esbuild).
   * @default the `@bridgeport/broker` injector handler
   */
  readonly injectorEntry?: string;
  /**
   * Size limit of one event.
   * @default DEFAULT_MAX_EVENT_SIZE_BYTES (256 KB)
   */
  readonly maxEventSizeBytes?: number;
  /**
   * How long a warm injector keeps a producer manifest before reading it again, so a deleted or replaced
   * producer stops being served within that time.
   * @default Duration.seconds(DEFAULT_PRODUCER_CACHE_TTL_SECONDS) (one minute)
   */
  readonly producerCacheTtl?: Duration;
  /**
   * Steady-state requests per second of the whole stage.
   * @default 500
   */
  readonly throttlingRateLimit?: number;
  /**
   * Burst of requests of the whole stage.
   * @default 1000
   */
  readonly throttlingBurstLimit?: number;
}

/**
 * `{env}-event-broker-api-service`: the REST API `{env}-event-broker-api` producers POST events to (stage =
 * environment; producer stacks add `POST /{event_type}/{version}` and redeploy the stage), the injector
 * function behind every route, and the SSM parameters producer stacks import the API and the injector by.
 */
export class BrokerApiStack extends SharedStack {
  public readonly api: RestApi;
  public readonly injector: NodejsFunction;
  public readonly accessLogs: LogGroup;
  public readonly parameters: {
    readonly restApiId: StringParameter;
    readonly rootResourceId: StringParameter;
    readonly stageName: StringParameter;
    readonly injectorFunctionArn: StringParameter;
  };

  constructor(scope: Construct, props: BrokerApiStackProps) {
    const {
      injectorEntry,
      maxEventSizeBytes,
      producerCacheTtl,
      throttlingRateLimit,
      throttlingBurstLimit,
      ...sharedProps
    } = props;
    const { environment } = props.target;
    super(scope, stackNames(environment).brokerApi, `Bridgeport ${environment}: broker API`, sharedProps);
    const names = ssmParameterNames(environment);
    const publisherBucket = bucketName(BucketKind.PUBLISHER, props.target);

    const managesAccount = props.apiGatewayAccount !== ApiGatewayAccount.EXISTING;
    this.accessLogs = new LogGroup(this, 'AccessLogs', {
      retention: RetentionDays.THREE_MONTHS,
      removalPolicy: RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE,
    });
    this.api = new RestApi(this, 'Api', {
      restApiName: brokerApiName(environment),
      description:
        'Producers POST events to /{event_type}/{version}; each route is added by its producer stack',
      endpointConfiguration: { types: [EndpointType.REGIONAL] },
      // AWS::ApiGateway::Account is one per region: only one environment of a region manages it.
      cloudWatchRole: managesAccount,
      cloudWatchRoleRemovalPolicy: managesAccount ? RemovalPolicy.RETAIN : undefined,
      deployOptions: {
        stageName: environment,
        tracingEnabled: true,
        metricsEnabled: true,
        loggingLevel: MethodLoggingLevel.ERROR,
        dataTraceEnabled: false,
        throttlingRateLimit: throttlingRateLimit ?? 500,
        throttlingBurstLimit: throttlingBurstLimit ?? 1000,
        accessLogDestination: new LogGroupLogDestination(this.accessLogs),
        accessLogFormat: AccessLogFormat.jsonWithStandardFields(),
      },
      defaultMethodOptions: { authorizationType: AuthorizationType.IAM },
    });
    // A stage needs a deployment and a deployment needs a method: GET / answers producers' health checks.
    const validator = this.api.addRequestValidator('Validator', {
      validateRequestBody: true,
      validateRequestParameters: true,
    });
    this.api.root.addMethod(
      'GET',
      new MockIntegration({
        passthroughBehavior: PassthroughBehavior.NEVER,
        requestTemplates: { 'application/json': '{"statusCode": 200}' },
        integrationResponses: [
          { statusCode: '200', responseTemplates: { 'application/json': '{"status":"ok"}' } },
        ],
      }),
      { methodResponses: [{ statusCode: '200' }], requestValidator: validator },
    );

    this.injector = createBrokerFunction(this, 'Injector', {
      entry: injectorEntry ?? brokerHandlerEntry(BrokerHandler.INJECTOR),
      description: `Validates events POSTed to ${brokerApiName(environment)} and puts them on ${busName(environment)}`,
      memorySize: 512,
      timeout: Duration.seconds(10),
      environment: {
        [EnvVar.ENVIRONMENT]: environment,
        [EnvVar.PUBLISHER_BUCKET]: publisherBucket,
        [EnvVar.MAX_EVENT_SIZE_BYTES]: String(maxEventSizeBytes ?? DEFAULT_MAX_EVENT_SIZE_BYTES),
        [BrokerEnvVar.PRODUCER_CACHE_TTL_SECONDS]: String(
          (producerCacheTtl ?? Duration.seconds(DEFAULT_PRODUCER_CACHE_TTL_SECONDS)).toSeconds(),
        ),
      },
    });
    this.injector.addToRolePolicy(
      new PolicyStatement({
        sid: 'ReadProducerManifests',
        actions: ['s3:GetObject'],
        resources: [
          this.formatArn({
            service: 's3',
            region: '',
            account: '',
            resource: publisherBucket,
            resourceName: '*',
            arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
          }),
        ],
      }),
    );
    this.injector.addToRolePolicy(
      new PolicyStatement({
        sid: 'PutEventsOnTheBus',
        actions: ['events:PutEvents'],
        resources: [
          this.formatArn({
            service: 'events',
            resource: 'event-bus',
            resourceName: busName(environment),
            arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
          }),
        ],
      }),
    );

    // Without s3:ListBucket, S3 answers a missing manifest with AccessDenied instead of NoSuchKey, and the
    // injector could not tell a deleted producer (404) from a refused read (502).
    this.injector.addToRolePolicy(
      new PolicyStatement({
        sid: 'TellMissingProducerManifests',
        actions: ['s3:ListBucket'],
        resources: [this.formatArn({ service: 's3', region: '', account: '', resource: publisherBucket })],
      }),
    );

    // One grant for every producer route (POST /{event_type}/{version}); producer stacks add none of their own, so
    // the injector's resource policy stays the same size however many producers there are.
    this.injector.addPermission('InvokeFromProducerRoutes', {
      principal: new ServicePrincipal('apigateway.amazonaws.com'),
      sourceAccount: this.account,
      sourceArn: this.api.arnForExecuteApi('POST', '/*/*', '*'),
    });

    this.parameters = {
      restApiId: new StringParameter(this, 'RestApiIdParameter', {
        parameterName: names.brokerRestApiId,
        stringValue: this.api.restApiId,
        description: `Id of ${brokerApiName(environment)}`,
      }),
      rootResourceId: new StringParameter(this, 'RootResourceIdParameter', {
        parameterName: names.brokerRestApiRootResourceId,
        stringValue: this.api.restApiRootResourceId,
        description: `Id of the root resource of ${brokerApiName(environment)}`,
      }),
      stageName: new StringParameter(this, 'StageNameParameter', {
        parameterName: names.brokerApiStageName,
        stringValue: this.api.deploymentStage.stageName,
        description: `Stage of ${brokerApiName(environment)} producer routes are deployed to`,
      }),
      injectorFunctionArn: new StringParameter(this, 'InjectorFunctionArnParameter', {
        parameterName: names.injectorFunctionArn,
        stringValue: this.injector.functionArn,
        description: 'ARN of the injector function behind every producer route',
      }),
    };

    acknowledgeNagFindings(
      this.api,
      {
        id: 'AwsSolutions-COG4',
        reason:
          'Producers are AWS principals that sign requests with SigV4 (IAM authorization), not Cognito users.',
      },
      {
        id: 'AwsSolutions-APIG3',
        reason:
          'Every route requires SigV4-signed requests from allowed principals and the stage is throttled; a WAF web ACL can be associated per environment when public traffic is expected.',
      },
      {
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
        reason: 'The account-level role API Gateway writes execution and access logs with; AWS maintains it.',
      },
    );
    acknowledgeNagFindings(this.injector, {
      id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::${publisherBucket}/*]`,
      reason:
        'The injector reads the manifest of whichever producer route it serves; manifests are every object of the publisher bucket.',
    });
  }
}
