import { createHash } from 'node:crypto';
import { ArnFormat, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import {
  AuthorizationType,
  CfnDeployment,
  CfnMethod,
  CfnModel,
  CfnRequestValidator,
  CfnResource,
} from 'aws-cdk-lib/aws-apigateway';
import { CfnPermission } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { acknowledgeNagFindings } from '../nag';

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
  /** Path parts below the root, `[event_type, version]`. */
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
   * Whether to grant API Gateway permission to invoke the injector for this route. Turn off when the
   * broker infrastructure grants it once for the whole API.
   * @default true
   */
  readonly grantInvoke?: boolean;
}

const PATH_PART = /^[A-Za-z0-9._-]+$/;

/**
 * One producer route on the shared broker REST API: `POST /{event_type}/{version}` with a body validator,
 * an optional request model, a Lambda proxy integration to the injector, and a new deployment of the
 * stage so the route goes live. The deployment's logical id changes whenever the route changes, so
 * CloudFormation deploys again; old deployments are retained because the stage may still point at them.
 */
export class HttpProducer extends Construct {
  /** The resources of the route, outermost first. */
  public readonly resources: CfnResource[];
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
    const path = `/${props.pathParts.join('/')}`;

    let parentId = props.rootResourceId;
    this.resources = props.pathParts.map((pathPart, index) => {
      const resource = new CfnResource(this, `Resource${index}`, {
        restApiId: props.restApiId,
        parentId,
        pathPart,
      });
      parentId = resource.ref;
      return resource;
    });
    const leaf = this.resources[this.resources.length - 1] as CfnResource;

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
      requestValidatorId: this.requestValidator.ref,
      requestModels: this.model === undefined ? undefined : { 'application/json': this.model.ref },
      integration: { type: 'AWS_PROXY', integrationHttpMethod: 'POST', uri: injectorUri },
    });

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
    }
  }
}
