import { createHash } from 'node:crypto';
import {
  SHARED_API_RESOURCE_ID_ATTRIBUTE,
  SHARED_API_RESOURCE_TYPE,
  SharedApiResourceProperty,
  STAGE_REDEPLOYMENT_TYPE,
  StageRedeploymentProperty,
} from '@bridgeport/broker';
import {
  acknowledgeNagFindings,
  BrokerHandler,
  brokerHandlerEntry,
  CUSTOM_RESOURCE_TIMEOUT,
  createBrokerFunction,
} from '@bridgeport/infrastructure/cdk-kit';
import { ArnFormat, Aws, CustomResource, Duration, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import {
  AuthorizationType,
  CfnDeployment,
  CfnMethod,
  CfnModel,
  CfnRequestValidator,
  CfnResource,
} from 'aws-cdk-lib/aws-apigateway';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { CfnPermission } from 'aws-cdk-lib/aws-lambda';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { Construct } from 'constructs';

/** A JSON Schema document as plain JSON. */
export type RequestModelSchema = { readonly [key: string]: unknown };

export interface HttpProducerProps {
  /** Id of the shared broker REST API (a token resolved at deploy time is fine). */
  readonly restApiId: string;
  /** Id of the API's root resource `/`. */
  readonly rootResourceId: string;
  /** Stage the new deployment is made live on. */
  readonly stageName: string;
  /** ARN of the injector function the route integrates with. */
  readonly injectorFunctionArn: string;
  /**
   * Path parts below the root, `[event_type, version]`. The last one belongs to this route; the ones before
   * it are shared with other routes (every version of an event type lives under `/{event_type}`), so they
   * are found or created by a custom resource and left in place when the stack is deleted.
   */
  readonly pathParts: readonly string[];
  /**
   * Request model: the envelope schema in JSON Schema draft-04, checked by API Gateway before the
   * injector runs its own full validation.
   * @default - no model; the injector alone validates the body
   */
  readonly requestModel?: RequestModelSchema;
  /**
   * How producers authenticate to the route.
   * @default AuthorizationType.IAM (SigV4-signed requests)
   */
  readonly authorizationType?: AuthorizationType;
  /**
   * Whether producers must send an API key (`x-api-key`) of a usage plan on the stage; API Gateway answers 403
   * to a request without one before the injector runs.
   * @default false
   */
  readonly apiKeyRequired?: boolean;
  /**
   * Whether to grant API Gateway permission to invoke the injector for this route. Turn off when the
   * broker infrastructure grants it once for the whole API.
   * @default true
   */
  readonly grantInvoke?: boolean;
  /**
   * Entry file of the function behind the shared path part and stage redeployment custom resources
   * (bundled with esbuild).
   * @default the `@bridgeport/broker` shared API resource handler
   */
  readonly sharedResourceHandlerEntry?: string;
}

const PATH_PART = /^[A-Za-z0-9._-]+$/;

/**
 * One producer route on the shared broker REST API: `POST /{event_type}/{version}` with a body validator,
 * an optional request model, a Lambda proxy integration to the injector, and a new deployment of the
 * stage so the route goes live. The deployment's logical id changes whenever the route changes, so
 * CloudFormation deploys again; old deployments are retained because the stage may still point at them.
 * When the stack is deleted, a custom resource deploys the stage again once the method and its resource are
 * gone (both depend on it, so CloudFormation deletes them first), and the route stops being served.
 */
export class HttpProducer extends Construct {
  /** Shared path parts (all but the last), outermost first, found or created at deploy time. */
  public readonly sharedResources: CustomResource[];
  /** The function behind the shared path parts and the stage redeployment. */
  public readonly sharedResourceFunction: NodejsFunction;
  /**
   * Deploys the stage again when the stack is deleted, after the method and the route's resource (which
   * depend on it) are deleted, so the route is no longer served.
   */
  public readonly stageRedeployment: CustomResource;
  /** The route's own resource, the last path part. */
  public readonly resource: CfnResource;
  public readonly method: CfnMethod;
  public readonly requestValidator: CfnRequestValidator;
  public readonly model?: CfnModel;
  public readonly deployment: CfnDeployment;
  public readonly permission?: CfnPermission;

  constructor(scope: Construct, id: string, props: HttpProducerProps) {
    super(scope, id);
    if (props.pathParts.length === 0) {
      throw new Error('HttpProducer: pathParts must name at least one path part');
    }
    for (const part of props.pathParts) {
      if (!Token.isUnresolved(part) && !PATH_PART.test(part)) {
        throw new Error(
          `HttpProducer: pathParts contains ${JSON.stringify(part)}, which is not a valid path part`,
        );
      }
    }
    const stack = Stack.of(this);
    const authorizationType = props.authorizationType ?? AuthorizationType.IAM;
    const apiKeyRequired = props.apiKeyRequired ?? false;
    const path = `/${props.pathParts.join('/')}`;

    const shared = props.pathParts.slice(0, -1);
    const own = props.pathParts[props.pathParts.length - 1] as string;
    let parentId = props.rootResourceId;
    const parentIds = [parentId];
    this.sharedResourceFunction = createBrokerFunction(this, 'SharedResourceFunction', {
      description:
        'Finds or creates path parts shared by producer routes on the broker API, and deploys the stage again when a route is removed',
      entry: props.sharedResourceHandlerEntry ?? brokerHandlerEntry(BrokerHandler.SHARED_API_RESOURCE),
      // Room for the redeployment's retries while API Gateway throttles deployments.
      timeout: Duration.minutes(2),
    });
    this.sharedResources = shared.map((pathPart, index) => {
      const resource = new CustomResource(this, `SharedResource${index}`, {
        serviceTimeout: CUSTOM_RESOURCE_TIMEOUT,
        serviceToken: this.sharedResourceFunction.functionArn,
        resourceType: SHARED_API_RESOURCE_TYPE,
        properties: {
          [SharedApiResourceProperty.REST_API_ID]: props.restApiId,
          [SharedApiResourceProperty.PARENT_ID]: parentId,
          [SharedApiResourceProperty.PATH_PART]: pathPart,
        },
      });
      parentId = resource.getAttString(SHARED_API_RESOURCE_ID_ATTRIBUTE);
      parentIds.push(parentId);
      return resource;
    });
    const apiArn = `arn:${Aws.PARTITION}:apigateway:${stack.region}::/restapis/${props.restApiId}`;
    if (shared.length > 0) {
      const resourcesArn = `${apiArn}/resources`;
      this.sharedResourceFunction.addToRolePolicy(
        new PolicyStatement({ actions: ['apigateway:GET'], resources: [resourcesArn] }),
      );
      this.sharedResourceFunction.addToRolePolicy(
        new PolicyStatement({
          actions: ['apigateway:POST'],
          resources: parentIds.slice(0, -1).map((id) => `${resourcesArn}/${id}`),
        }),
      );
    }
    // Redeploying reads the stage (so a missing one is not created) and creates a deployment of it.
    this.sharedResourceFunction.addToRolePolicy(
      new PolicyStatement({
        actions: ['apigateway:GET'],
        resources: [`${apiArn}/stages/${props.stageName}`],
      }),
    );
    this.sharedResourceFunction.addToRolePolicy(
      new PolicyStatement({ actions: ['apigateway:POST'], resources: [`${apiArn}/deployments`] }),
    );
    this.stageRedeployment = new CustomResource(this, 'StageRedeployment', {
      serviceTimeout: CUSTOM_RESOURCE_TIMEOUT,
      serviceToken: this.sharedResourceFunction.functionArn,
      resourceType: STAGE_REDEPLOYMENT_TYPE,
      properties: {
        [StageRedeploymentProperty.REST_API_ID]: props.restApiId,
        [StageRedeploymentProperty.STAGE_NAME]: props.stageName,
        [StageRedeploymentProperty.ROUTE]: `POST ${path}`,
      },
    });
    this.resource = new CfnResource(this, 'Resource', {
      restApiId: props.restApiId,
      parentId,
      pathPart: own,
    });
    const leaf = this.resource;
    // Deleted before the stage is redeployed, so the new deployment no longer holds the route.
    leaf.node.addDependency(this.stageRedeployment);

    this.requestValidator = new CfnRequestValidator(this, 'BodyValidator', {
      restApiId: props.restApiId,
      validateRequestBody: true,
      validateRequestParameters: false,
    });

    if (props.requestModel !== undefined) {
      this.model = new CfnModel(this, 'RequestModel', {
        restApiId: props.restApiId,
        contentType: 'application/json',
        description: `Envelope of POST ${path}`,
        schema: props.requestModel,
      });
    }

    const injectorUri = stack.formatArn({
      service: 'apigateway',
      account: 'lambda',
      resource: 'path',
      resourceName: `2015-03-31/functions/${props.injectorFunctionArn}/invocations`,
      arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
    });
    this.method = new CfnMethod(this, 'Post', {
      restApiId: props.restApiId,
      resourceId: leaf.ref,
      httpMethod: 'POST',
      authorizationType,
      apiKeyRequired,
      requestValidatorId: this.requestValidator.ref,
      requestModels: this.model === undefined ? undefined : { 'application/json': this.model.ref },
      integration: { type: 'AWS_PROXY', integrationHttpMethod: 'POST', uri: injectorUri },
    });
    this.method.node.addDependency(this.stageRedeployment);

    if (props.grantInvoke ?? true) {
      this.permission = new CfnPermission(this, 'InvokeInjector', {
        action: 'lambda:InvokeFunction',
        functionName: props.injectorFunctionArn,
        principal: 'apigateway.amazonaws.com',
        sourceAccount: stack.account,
        sourceArn: stack.formatArn({
          service: 'execute-api',
          resource: props.restApiId,
          resourceName: `*/POST${path}`,
          arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
        }),
      });
    }

    // The logical id carries a hash of everything that shapes the route, so a changed route is redeployed.
    const fingerprint = createHash('sha256')
      .update(
        JSON.stringify({
          path,
          authorizationType,
          apiKeyRequired,
          model: props.requestModel ?? null,
          uri: stack.resolve(injectorUri),
        }),
      )
      .digest('hex')
      .slice(0, 12);
    this.deployment = new CfnDeployment(this, `Deployment${fingerprint}`, {
      restApiId: props.restApiId,
      stageName: props.stageName,
      description: `POST ${path} (${fingerprint})`,
    });
    this.deployment.node.addDependency(this.method);
    this.deployment.applyRemovalPolicy(RemovalPolicy.RETAIN);

    if (authorizationType === AuthorizationType.IAM) {
      acknowledgeNagFindings(this.method, {
        id: 'AwsSolutions-COG4',
        reason:
          'Producers are AWS principals that sign requests with SigV4 (IAM authorization), not Cognito users.',
      });
    } else if (authorizationType === AuthorizationType.NONE && apiKeyRequired) {
      const reason =
        "Producers are services, not users: each sends its event type's API key, which API Gateway checks against the type's throttled usage plan and the injector checks was issued for this event type.";
      acknowledgeNagFindings(
        this.method,
        { id: 'AwsSolutions-APIG4', reason },
        { id: 'AwsSolutions-COG4', reason },
      );
    }
  }
}
