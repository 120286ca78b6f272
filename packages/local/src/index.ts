// AWS-compatible edge: DynamoDB (dynalite), S3 (s3rver), EventBridge, SQS and Schemas on one port, one module each.
export { AwsChunkedDecoder } from './aws/aws-chunked';
export type { LocalDynamoDb } from './aws/dynamodb/server';
export { startLocalDynamoDb } from './aws/dynamodb/server';
export type { AwsEndpoint, AwsEndpointOptions } from './aws/endpoint';
export { startAwsEndpoint } from './aws/endpoint';
export {
  eventBridgeOperations,
  eventBridgeProtocol,
  handleEventBridgeRequest,
} from './aws/eventbridge/handler';
export type { JsonInput, JsonOperation, JsonProtocol, JsonRequestOptions } from './aws/json-protocol';
export { serveJsonRequest } from './aws/json-protocol';
export { AwsServiceError } from './aws/protocol';
export type { LocalS3, S3EventBridgeEvent, S3Lifecycle, S3ObjectNotification } from './aws/s3/server';
export {
  BucketVersioningStatus,
  NotANoncurrentVersionError,
  S3ChangeReason,
  S3DeletionType,
  S3Notifications,
  s3EventBridgeEvent,
  startLocalS3,
} from './aws/s3/server';
export { handleSchemasRequest } from './aws/schemas/handler';
export type { RegistryDescription, SchemaVersionDescription } from './aws/schemas/registry';
export { SchemaRegistryStore, SchemaType } from './aws/schemas/registry';
export type { LocalAwsService, RunningService, ServiceContext } from './aws/service';
export type { RunningServices } from './aws/services';
export { AwsService, localAwsServices, serviceOf } from './aws/services';
export type { RedrivePolicy } from './aws/sqs/attributes';
export { parseRedrivePolicy } from './aws/sqs/attributes';
// Local SQS: durable standard queues, served on the AWS endpoint and filled by SQS targets.
export { QueueDoesNotExistError, SqsError, SqsErrorCode } from './aws/sqs/errors';
export type { SqsRequestContext } from './aws/sqs/handler';
export { handleSqsRequest, sqsOperations, sqsProtocol } from './aws/sqs/handler';
export type { LocalQueueMessage } from './aws/sqs/queue-log';
export type {
  LocalQueueSink,
  LocalQueueStoreOptions,
  ReceivedQueueMessage,
  ReceiveOptions,
  SendOptions,
} from './aws/sqs/queue-store';
export { LocalQueueStore } from './aws/sqs/queue-store';
export type { SqsMessageAttribute } from './aws/sqs/wire';
export { md5OfBody, md5OfMessageAttributes } from './aws/sqs/wire';
// Local EventBridge bus: durable log, routing, at-least-once delivery, pluggable targets.
export { FileDeadLetterStore } from './bus/dead-letters';
export { GroupCommitFile, writeFileAtomic } from './bus/durable-file';
export {
  BusError,
  BusErrorCode,
  BusInvalidEventPatternError,
  BusLimitExceededError,
  BusResourceAlreadyExistsError,
  BusResourceNotFoundError,
  BusValidationError,
  TargetDeliveryError,
} from './bus/errors';
export type { DeliveryAddress, RecoveredDelivery, StoredEvent } from './bus/event-store';
export { EventStore } from './bus/event-store';
export type { InputTransformer, TransformContext } from './bus/input-transformer';
export { renderInputTransformer, selectJsonPath, validateInputTransformer } from './bus/input-transformer';
export type { BackoffOptions, LocalBusOptions } from './bus/local-bus';
export {
  DEFAULT_MAX_EVENT_SIZE_BYTES,
  DEFAULT_MAXIMUM_EVENT_AGE_SECONDS,
  DEFAULT_RETRY_ATTEMPTS,
  LocalBus,
} from './bus/local-bus';
export type { StandardDispatcherOptions } from './bus/targets/defaults';
export { standardTargetDispatchers } from './bus/targets/defaults';
export type { Delivery, TargetDispatcher } from './bus/targets/dispatcher';
export { parseArn, TargetDispatchers } from './bus/targets/dispatcher';
export type { HttpTargetOptions } from './bus/targets/http';
export { HttpTargetDispatcher } from './bus/targets/http';
export type {
  LambdaFunctionLoader,
  LambdaTargetOptions,
  LocalLambdaContext,
  LocalLambdaHandler,
} from './bus/targets/lambda';
export { LambdaTargetDispatcher, lambdaFunctionName, moduleFunctionLoader } from './bus/targets/lambda';
export { SqsTargetDispatcher, sqsQueueName } from './bus/targets/sqs';
export type { RoutedTarget, TopologyOptions } from './bus/topology';
export { DEFAULT_EVENT_BUS, Topology } from './bus/topology';
export type {
  DeadLetter,
  DeadLetterSink,
  DeliveryReport,
  EventBridgeEvent,
  EventBusDescription,
  Page,
  PutEventsEntry,
  PutEventsResult,
  PutEventsResultEntry,
  PutRuleInput,
  RuleDescription,
  TargetDefinition,
  TargetHttpParameters,
  TargetRetryPolicy,
} from './bus/types';
export { ExhaustedRetryCondition, RuleState } from './bus/types';
export type { ApiDestinationsOptions } from './deployer/api-destinations';
export { ApiDestinations } from './deployer/api-destinations';
// The embedded runtime behind `bridgeport start`: options, composition, local deployer, producer endpoint.
export { DEPLOYED_RULE_DESCRIPTION } from './deployer/consumer-applier';
export type { LocalDeployerOptions } from './deployer/deployer';
export { LocalDeployer } from './deployer/deployer';
export { ProducerRoutes } from './deployer/producers';
export type { DeploymentStatusStore } from './deployer/run-status';
export type { SqsProducerPollersOptions, SqsProducerRunner } from './deployer/sqs-producers';
export { SqsProducerPollers } from './deployer/sqs-producers';
export type { ProxyHandler, ProxyRoute } from './http/api-gateway';
export type { LocalRoute, ProxyServerOptions } from './http/server';
export { createProxyServer } from './http/server';
export type { RuntimeOptions } from './options';
export { OPTION_SPECS, OptionError, optionsHelp, parseRuntimeOptions } from './options';
export type { ProducerEndpointOptions } from './producer-endpoint/server';
export { createProducerEndpoint, PRODUCER_RESOURCE } from './producer-endpoint/server';
export { readyBanner } from './runtime/banner';
export type { Bridgeport, BridgeportOptions } from './runtime/bridgeport';
export { startBridgeport } from './runtime/bridgeport';
export { DataDirectoryLockedError, PortInUseError, RuntimeError } from './runtime/errors';
export { inProcessEventBridgeClient } from './runtime/in-process-eventbridge';
export type { TtlSweeper, TtlSweeperOptions } from './runtime/ttl-sweeper';
export { startTtlSweeper } from './runtime/ttl-sweeper';
