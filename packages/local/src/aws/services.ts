import type { IncomingMessage } from 'node:http';
import { apiGatewayService } from './apigateway/service';
import { cloudWatchService } from './cloudwatch/service';
import { dynamoDbService } from './dynamodb/service';
import { eventBridgeService } from './eventbridge/service';
import { credentialScopeService } from './protocol';
import { s3Service } from './s3/service';
import { schemasService } from './schemas/service';
import type { LocalAwsService, RunningService } from './service';
import { sqsService } from './sqs/service';

/**
 * The services of the local AWS endpoint, in start order (closed in reverse). Each is one module under
 * `src/aws/<service>/` with its protocol and its store beside it; adding a service is adding it here.
 */
export const localAwsServices = {
  dynamodb: dynamoDbService,
  s3: s3Service,
  // Before the bus, which records EventBridge's per-rule metrics into it (and closes first).
  monitoring: cloudWatchService,
  events: eventBridgeService,
  schemas: schemasService,
  sqs: sqsService,
  apigateway: apiGatewayService,
} as const satisfies Record<string, LocalAwsService<RunningService>>;

/** The AWS services the local edge serves. */
export type AwsService = keyof typeof localAwsServices;
export const AwsService = Object.fromEntries(
  Object.keys(localAwsServices).map((name) => [name.toUpperCase(), name]),
) as { readonly [Name in AwsService as Uppercase<Name>]: Name };

/** The started services, by name. */
export type RunningServices = {
  readonly [Name in AwsService]: Awaited<ReturnType<(typeof localAwsServices)[Name]['start']>>;
};

const services = Object.entries(localAwsServices) as [AwsService, LocalAwsService<RunningService>][];

/**
 * The service a request is for: the `X-Amz-Target` prefix, else the SigV4 credential scope, else (no
 * scope at all) the service claiming unsigned requests of that shape.
 */
export function serviceOf(request: IncomingMessage): AwsService | undefined {
  const target = request.headers['x-amz-target'];
  if (typeof target === 'string') {
    for (const [name, service] of services) {
      if (service.targetPrefix !== undefined && target.startsWith(service.targetPrefix)) return name;
    }
  }
  const scope = credentialScopeService(request);
  if (scope !== undefined) return services.find(([, service]) => service.scope === scope)?.[0];
  return (services.find(([, service]) => service.claimsUnsigned?.(request)) ??
    services.find(([, service]) => service.unsignedDefault))?.[0];
}
