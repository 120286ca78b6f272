/**
 * Every resource name Bridgeport uses, built in one place from validated ids and respecting each AWS limit.
 * Names over a limit are shortened deterministically: a readable prefix plus a short sha256 of the full name.
 *
 * Kept as one module past ~400 lines on purpose: it is the one naming module the architecture asks for, so that
 * every name, ARN and object key, the id patterns they are built from and the limits they respect are read
 * side by side, and no package builds a name anywhere else.
 */
import { createHash, randomInt } from 'node:crypto';
import { ValidationError } from './errors';

/** Environment name: lowercase, starts with a letter, at most 20 characters. */
export const ENVIRONMENT_PATTERN = /^[a-z][a-z0-9-]{0,19}$/;
/** Owning application (the EventBridge `Source`); must not start with `aws.` (checked separately). */
export const APPLICATION_PATTERN = /^[a-z][a-z0-9._-]{0,63}$/;
/** Event type: snake_case, at most 64 characters. */
export const EVENT_TYPE_PATTERN = /^[a-z][a-z0-9_]{0,63}$/;
/** Subscription id: 12 characters [a-z0-9] (see `newSubscriptionId`). */
export const SUBSCRIPTION_ID_PATTERN = /^[a-z0-9]{12}$/;
/** AWS account id: 12 digits. */
export const ACCOUNT_ID_PATTERN = /^\d{12}$/;
/** AWS region code, e.g. `us-east-1`, `us-gov-west-1`, `eu-isoe-west-1`. */
export const REGION_PATTERN = /^[a-z]{2,4}(-[a-z]+)+-\d{1,2}$/;

/** Account id of the embedded local runtime. */
export const LOCAL_ACCOUNT_ID = '000000000000';
/** Region of the embedded local runtime when none is chosen (`bridgeport start --region`). */
export const LOCAL_REGION = 'us-east-1';
/** ARN partition of the embedded local runtime. */
export const LOCAL_PARTITION = 'aws';

/** The AWS partitions an ARN may name. */
export const AWS_PARTITIONS = [
  'aws',
  'aws-cn',
  'aws-us-gov',
  'aws-iso',
  'aws-iso-b',
  'aws-iso-e',
  'aws-iso-f',
  'aws-eusc',
] as const;
export type AwsPartition = (typeof AWS_PARTITIONS)[number];

/**
 * An IAM principal allowed to send to an SQS producer's ingress queue: an account id, or the ARN of an
 * account's root, an IAM role or an IAM user, in one of `AWS_PARTITIONS`.
 */
export const PRINCIPAL_PATTERN = new RegExp(
  `^(\\d{12}|arn:(${AWS_PARTITIONS.join('|')}):iam::\\d{12}:(root|role/[\\w+=,.@/-]{1,512}|user/[\\w+=,.@/-]{1,512}))$`,
);

/** Where AWS resources live: the account and region every ARN and queue URL names. */
export interface AwsScope {
  readonly partition: string;
  readonly account: string;
  readonly region: string;
}

/** The local runtime's scope, in `region` (default `LOCAL_REGION`). */
export function localScope(region: string = LOCAL_REGION): AwsScope {
  if (!REGION_PATTERN.test(region)) {
    invalid('$.region', 'region', region, `must match ${REGION_PATTERN.source}`);
  }
  return { partition: LOCAL_PARTITION, account: LOCAL_ACCOUNT_ID, region };
}

/** The parts of `arn:{partition}:{service}:{region}:{account}:{resource}`. */
export interface ArnParts {
  readonly partition: string;
  readonly service: string;
  readonly region: string;
  readonly account: string;
  readonly resource: string;
}

/** `arn:{partition}:{service}:{region}:{account}:{resource}`. */
export function formatArn(parts: ArnParts): string {
  return `arn:${parts.partition}:${parts.service}:${parts.region}:${parts.account}:${parts.resource}`;
}

/** The ARN of `resource` of `service` in `scope`. */
export function scopedArn(scope: AwsScope, service: string, resource: string): string {
  return formatArn({ ...scope, service, resource });
}

/** AWS's URL of an SQS queue: `https://sqs.{region}.amazonaws.com/{account}/{name}` (`.com.cn` in China). */
export function sqsQueueUrl(scope: AwsScope, queueName: string): string {
  const domain = scope.partition === 'aws-cn' ? 'amazonaws.com.cn' : 'amazonaws.com';
  return `https://sqs.${scope.region}.${domain}/${scope.account}/${queueName}`;
}

/** Splits an ARN into its parts (the resource keeps its own `:` and `/`); undefined when it is not an ARN. */
export function parseArn(arn: string): ArnParts | undefined {
  const parts = arn.split(':');
  if (parts.length < 6 || parts[0] !== 'arn') return undefined;
  const [, partition, service, region, account, ...rest] = parts;
  return { partition, service, region, account, resource: rest.join(':') };
}

/** AWS limits the names below respect. */
export const NameLimit = {
  STACK: 128,
  BUCKET: 63,
  RULE: 64,
  QUEUE: 80,
  TARGET_ID: 64,
  API_DESTINATION: 64,
  CONNECTION: 64,
  ALARM: 255,
  ARCHIVE: 48,
  /** API Gateway API key and usage plan names (Bridgeport's own bound; API Gateway allows more). */
  API_KEY: 128,
  USAGE_PLAN: 128,
} as const;

/** Number of hex characters of sha256 appended by `shortenName`. */
export const NAME_HASH_LENGTH = 8;

/** S3 bucket kinds; the value is the bucket name's stem. */
export const BucketKind = {
  SCHEMAS_BACKUP: 'event-schemas-backup-bucket',
  PUBLISHER: 'publisher-components-bucket',
  SUBSCRIBER: 'subscriber-components-bucket',
} as const;
export type BucketKind = (typeof BucketKind)[keyof typeof BucketKind];

function invalid(path: string, what: string, value: unknown, rule: string): never {
  throw new ValidationError(`Invalid ${what} ${JSON.stringify(value)}: ${rule}`, [{ path, message: rule }]);
}

function checkEnvironment(env: string): void {
  if (typeof env !== 'string' || !ENVIRONMENT_PATTERN.test(env)) {
    invalid('$.environment', 'environment name', env, `must match ${ENVIRONMENT_PATTERN.source}`);
  }
}

function checkEventType(eventType: string): void {
  if (typeof eventType !== 'string' || !EVENT_TYPE_PATTERN.test(eventType)) {
    invalid('$.event_type', 'event type', eventType, `must match ${EVENT_TYPE_PATTERN.source}`);
  }
}

function checkVersion(version: number): void {
  if (!Number.isSafeInteger(version) || version < 1) {
    invalid('$.version', 'version', version, 'must be an integer of at least 1');
  }
}

function checkSubscriptionId(subscriptionId: string): void {
  if (typeof subscriptionId !== 'string' || !SUBSCRIPTION_ID_PATTERN.test(subscriptionId)) {
    invalid(
      '$.subscription_id',
      'subscription id',
      subscriptionId,
      `must match ${SUBSCRIPTION_ID_PATTERN.source}`,
    );
  }
}

function checkVersioned(env: string, eventType: string, version: number): void {
  checkEnvironment(env);
  checkEventType(eventType);
  checkVersion(version);
}

/**
 * Returns `name` when it fits in `max` characters; otherwise a readable prefix of it, `-`, and the first
 * `NAME_HASH_LENGTH` hex characters of sha256(name). Same input, same output; different inputs differ.
 * The result keeps the input's character set (plus lowercase hex digits and `-`).
 */
export function shortenName(name: string, max: number): string {
  if (!Number.isInteger(max) || max < NAME_HASH_LENGTH + 2) {
    throw new RangeError(`max must be an integer of at least ${NAME_HASH_LENGTH + 2}, got ${max}`);
  }
  if (name.length <= max) return name;
  const hash = createHash('sha256').update(name).digest('hex').slice(0, NAME_HASH_LENGTH);
  const prefix = name.slice(0, max - NAME_HASH_LENGTH - 1).replace(/[-_.]+$/, '');
  return `${prefix}-${hash}`;
}

/** Names of the shared stacks deployed once per environment. */
export interface StackNames {
  readonly schemasBackup: string;
  readonly componentsStorage: string;
  readonly brokerApi: string;
  readonly bus: string;
  readonly portal: string;
  /** The web portal's static site (S3 + CloudFront), deployed after the portal. */
  readonly webPortal: string;
}

export function stackNames(env: string): StackNames {
  checkEnvironment(env);
  return {
    schemasBackup: `${env}-event-schemas-backup-service`,
    componentsStorage: `${env}-components-configuration-storage-service`,
    brokerApi: `${env}-event-broker-api-service`,
    bus: `${env}-event-broker-bus`,
    portal: `${env}-self-service-portal`,
    webPortal: `${env}-self-service-web-portal`,
  };
}

/** DynamoDB table of event types, versions, subscriptions and deployments. */
export function tableName(env: string): string {
  checkEnvironment(env);
  return `${env}-self-service-events-table`;
}

/** The custom EventBridge bus. */
export function busName(env: string): string {
  checkEnvironment(env);
  return `${env}.custom.events.bus`;
}

/** The portal's REST API. */
export function portalApiName(env: string): string {
  checkEnvironment(env);
  return `${env}-self-service-portal-api`;
}

/** The broker's REST API (producers POST events to it). */
export function brokerApiName(env: string): string {
  checkEnvironment(env);
  return `${env}-event-broker-api`;
}

/** CodePipeline (V2) that deploys and destroys producer and consumer stacks, one execution per manifest. */
export function deploymentPipelineName(env: string): string {
  checkEnvironment(env);
  return `${env}-components-deployment-pipeline`;
}

/** CodeBuild project the deployment pipeline runs `cdk deploy|destroy` in. */
export function deploymentProjectName(env: string): string {
  checkEnvironment(env);
  return `${env}-components-deployment`;
}

/**
 * The CDK bootstrap the deployment pipeline deploys generated stacks with (one per account and region, shared by
 * its environments): its own qualifier, toolkit stack and CloudFormation execution policy (a customer managed
 * policy that allows only what the generators create), instead of the default bootstrap's administrator access.
 */
export interface GeneratorBootstrapNames {
  /** `cdk bootstrap --qualifier` (≤10 characters). */
  readonly qualifier: string;
  readonly toolkitStack: string;
  /** Name of the customer managed policy (account-wide, so it carries the region). */
  readonly executionPolicy: string;
}

export const GENERATOR_CDK_QUALIFIER = 'bridgeport';
export const GENERATOR_CDK_TOOLKIT_STACK = 'BridgeportCDKToolkit';

export function generatorBootstrapNames(region: string): GeneratorBootstrapNames {
  if (typeof region !== 'string' || !REGION_PATTERN.test(region)) {
    invalid('$.region', 'region', region, `must match ${REGION_PATTERN.source}`);
  }
  return {
    qualifier: GENERATOR_CDK_QUALIFIER,
    toolkitStack: GENERATOR_CDK_TOOLKIT_STACK,
    executionPolicy: `bridgeport-generated-stacks-${region}`,
  };
}

/** The EventBridge schema registry holding one schema per event type. */
export function schemaRegistryName(env: string): string {
  checkEnvironment(env);
  return `${env}-bridgeport-events`;
}

/** The registry schema of an event type (its versions are the schema's versions). */
export function schemaName(eventType: string): string {
  checkEventType(eventType);
  return eventType;
}

export interface BucketScope {
  readonly environment: string;
  readonly account: string;
  readonly region: string;
}

/**
 * `${env}-${kind}-${account}-${region}`: globally unique, lowercase, 3–63 characters, shortened
 * deterministically when longer.
 */
export function bucketName(kind: BucketKind, scope: BucketScope): string {
  const { environment, account, region } = scope;
  checkEnvironment(environment);
  if (/^(xn--|sthree-|amzn-s3-demo-)/.test(environment)) {
    invalid(
      '$.environment',
      'environment name',
      environment,
      'must not start with xn--, sthree- or amzn-s3-demo-',
    );
  }
  if (!Object.values(BucketKind).includes(kind)) {
    invalid('$.kind', 'bucket kind', kind, `must be one of ${Object.values(BucketKind).join(', ')}`);
  }
  if (typeof account !== 'string' || !ACCOUNT_ID_PATTERN.test(account)) {
    invalid('$.account', 'account id', account, 'must be 12 digits');
  }
  if (typeof region !== 'string' || !REGION_PATTERN.test(region)) {
    invalid('$.region', 'region', region, `must match ${REGION_PATTERN.source}`);
  }
  return shortenName(`${environment}-${kind}-${account}-${region}`, NameLimit.BUCKET);
}

/** Event types are snake_case; stack names allow only `[A-Za-z][-A-Za-z0-9]*`. */
function hyphenated(eventType: string): string {
  return eventType.replace(/_/g, '-');
}

/** CloudFormation stack of an event type version's producer side. */
export function producerStackName(env: string, eventType: string, version: number): string {
  checkVersioned(env, eventType, version);
  return shortenName(`${env}-producer-${hyphenated(eventType)}-v${version}`, NameLimit.STACK);
}

/** CloudFormation stack generated from the manifest at `manifest` (a producer's or a consumer's). */
export function manifestStackName(env: string, manifest: ManifestKey): string {
  return manifest.kind === 'producer'
    ? producerStackName(env, manifest.eventType, manifest.version)
    : consumerStackName(env, manifest.eventType, manifest.version, manifest.subscriptionId);
}

/** CloudFormation stack of one subscription's consumer side. */
export function consumerStackName(
  env: string,
  eventType: string,
  version: number,
  subscriptionId: string,
): string {
  checkVersioned(env, eventType, version);
  checkSubscriptionId(subscriptionId);
  return shortenName(
    `${env}-consumer-${hyphenated(eventType)}-v${version}-${subscriptionId}`,
    NameLimit.STACK,
  );
}

/** `{env}-{event_type}-v{version}-{subscription_id}{suffix}`, checked and shortened to `limit`. */
function subscriptionResourceName(
  env: string,
  eventType: string,
  version: number,
  subscriptionId: string,
  suffix: string,
  limit: number,
): string {
  checkVersioned(env, eventType, version);
  checkSubscriptionId(subscriptionId);
  return shortenName(`${env}-${eventType}-v${version}-${subscriptionId}${suffix}`, limit);
}

/** EventBridge rule of one subscription (≤64, `[.\-_A-Za-z0-9]`). */
export function ruleName(env: string, eventType: string, version: number, subscriptionId: string): string {
  return subscriptionResourceName(env, eventType, version, subscriptionId, '', NameLimit.RULE);
}

/**
 * The redrive rule of one subscription (≤64): it matches only redrive requests for this subscription and hands
 * the dead-lettered event to the same target, retry policy and dead-letter queue as the subscription's rule.
 */
export function redriveRuleName(
  env: string,
  eventType: string,
  version: number,
  subscriptionId: string,
): string {
  return subscriptionResourceName(env, eventType, version, subscriptionId, '-redrive', NameLimit.RULE);
}

/** The bus's archive (≤48): every event of the bus, kept for replay. */
export function eventArchiveName(env: string): string {
  return shortenName(`${busName(env)}-archive`, NameLimit.ARCHIVE);
}

/**
 * A replay for one subscription (≤64, `[.\-_A-Za-z0-9]`): `{subscription_id}-{yyyymmddThhmmssZ}` of its start,
 * so a subscription's replays are found by their prefix.
 */
export function replayName(subscriptionId: string, startedAt: Date): string {
  checkSubscriptionId(subscriptionId);
  const stamp = startedAt
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
  return `${subscriptionId}-${stamp}`;
}

/** Id of the rule's single target (unique within the rule, ≤64). */
export function targetId(subscriptionId: string): string {
  checkSubscriptionId(subscriptionId);
  return `${subscriptionId}-target`;
}

/** EventBridge API destination of an HTTPS consumer (≤64, `[.\-_A-Za-z0-9]`). */
export function apiDestinationName(
  env: string,
  eventType: string,
  version: number,
  subscriptionId: string,
): string {
  return subscriptionResourceName(
    env,
    eventType,
    version,
    subscriptionId,
    '-destination',
    NameLimit.API_DESTINATION,
  );
}

/** EventBridge connection (credentials) of an HTTPS consumer (≤64, `[.\-_A-Za-z0-9]`). */
export function connectionName(
  env: string,
  eventType: string,
  version: number,
  subscriptionId: string,
): string {
  return subscriptionResourceName(
    env,
    eventType,
    version,
    subscriptionId,
    '-connection',
    NameLimit.CONNECTION,
  );
}

/** Dead-letter queue of one subscription's target (≤80, `[A-Za-z0-9_-]`). */
export function consumerDeadLetterQueueName(
  env: string,
  eventType: string,
  version: number,
  subscriptionId: string,
): string {
  return subscriptionResourceName(env, eventType, version, subscriptionId, '-dlq', NameLimit.QUEUE);
}

/** CloudWatch alarm on a subscription's dead-letter queue. */
export function consumerAlarmName(
  env: string,
  eventType: string,
  version: number,
  subscriptionId: string,
): string {
  return subscriptionResourceName(env, eventType, version, subscriptionId, '-dlq-not-empty', NameLimit.ALARM);
}

/** Ingress queue an SQS producer sends to (≤80, `[A-Za-z0-9_-]`). */
export function producerIngressQueueName(env: string, eventType: string, version: number): string {
  checkVersioned(env, eventType, version);
  return shortenName(`${env}-${eventType}-v${version}-ingress`, NameLimit.QUEUE);
}

/** Dead-letter queue of an SQS producer's ingress queue (≤80, `[A-Za-z0-9_-]`). */
export function producerDeadLetterQueueName(env: string, eventType: string, version: number): string {
  checkVersioned(env, eventType, version);
  return shortenName(`${env}-${eventType}-v${version}-ingress-dlq`, NameLimit.QUEUE);
}

/** The API Gateway API key of an event type's HTTP producers (one at a time; a rotation replaces it). */
export function producerApiKeyName(env: string, eventType: string): string {
  checkEnvironment(env);
  checkEventType(eventType);
  return shortenName(`${env}-${eventType}-producer-key`, NameLimit.API_KEY);
}

/**
 * The API Gateway usage plan of an event type's HTTP producers: the broker API stage, the producers' throttle and
 * the type's key. One per event type, since API Gateway lets a key be in only one usage plan per stage.
 */
export function producerUsagePlanName(env: string, eventType: string): string {
  checkEnvironment(env);
  checkEventType(eventType);
  return shortenName(`${env}-${eventType}-producers`, NameLimit.USAGE_PLAN);
}

/** Secrets Manager secret holding an HTTPS consumer's credentials. */
export function consumerSecretName(env: string, subscriptionId: string): string {
  checkEnvironment(env);
  checkSubscriptionId(subscriptionId);
  return `bridgeport/${env}/consumers/${subscriptionId}`;
}

/** Key of a producer manifest in the publisher components bucket. */
export function producerManifestKey(eventType: string, version: number): string {
  checkEventType(eventType);
  checkVersion(version);
  return `${eventType}/${version}/deploy.json`;
}

/** Key of a consumer manifest in the subscriber components bucket. */
export function consumerManifestKey(eventType: string, version: number, subscriptionId: string): string {
  checkEventType(eventType);
  checkVersion(version);
  checkSubscriptionId(subscriptionId);
  return `${eventType}/${version}/${subscriptionId}/deploy.json`;
}

export type ManifestKey =
  | { readonly kind: 'producer'; readonly eventType: string; readonly version: number }
  | {
      readonly kind: 'consumer';
      readonly eventType: string;
      readonly version: number;
      readonly subscriptionId: string;
    };

const MANIFEST_KEY = /^([a-z][a-z0-9_]{0,63})\/([1-9]\d{0,14})\/(?:([a-z0-9]{12})\/)?deploy\.json$/;

/**
 * Recognizes a manifest object key (already URL-decoded, as S3 event notifications need decoding);
 * anything else gives `undefined`.
 */
export function parseManifestKey(key: string): ManifestKey | undefined {
  const match = MANIFEST_KEY.exec(key);
  if (match === null) return undefined;
  const [, eventType, versionText, subscriptionId] = match as unknown as [
    string,
    string,
    string,
    string | undefined,
  ];
  const version = Number(versionText);
  if (!Number.isSafeInteger(version)) return undefined;
  return subscriptionId === undefined
    ? { kind: 'producer', eventType, version }
    : { kind: 'consumer', eventType, version, subscriptionId };
}

/** Key of a schema version's backup in the schemas backup bucket. */
export function schemaBackupKey(eventType: string, version: number): string {
  checkEventType(eventType);
  checkVersion(version);
  return `${eventType}/v${version}.json`;
}

/** EventBridge `DetailType` of an event type version. */
export function detailType(eventType: string, version: number): string {
  checkEventType(eventType);
  checkVersion(version);
  return `${eventType}.${version}`;
}

/** Inverse of `detailType`; `undefined` for anything else. */
export function parseDetailType(
  value: string,
): { readonly eventType: string; readonly version: number } | undefined {
  const match = /^([a-z][a-z0-9_]{0,63})\.([1-9]\d{0,14})$/.exec(value);
  if (match === null) return undefined;
  return { eventType: match[1] as string, version: Number(match[2]) };
}

/** SSM parameters the shared stacks publish and generated stacks import. */
export interface SsmParameterNames {
  readonly brokerRestApiId: string;
  readonly brokerRestApiRootResourceId: string;
  readonly brokerApiStageName: string;
  readonly injectorFunctionArn: string;
  readonly forwarderFunctionArn: string;
  readonly eventBusArn: string;
}

export function ssmParameterNames(env: string): SsmParameterNames {
  checkEnvironment(env);
  const root = `/bridgeport/${env}`;
  return {
    brokerRestApiId: `${root}/broker-api/id`,
    brokerRestApiRootResourceId: `${root}/broker-api/root-resource-id`,
    brokerApiStageName: `${root}/broker-api/stage-name`,
    injectorFunctionArn: `${root}/broker/injector-function-arn`,
    forwarderFunctionArn: `${root}/broker/forwarder-function-arn`,
    eventBusArn: `${root}/bus/arn`,
  };
}

const ID_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** A new random subscription id: 12 characters from [a-z0-9] (crypto random, unbiased). */
export function newSubscriptionId(): string {
  let id = '';
  for (let i = 0; i < 12; i++) id += ID_ALPHABET[randomInt(ID_ALPHABET.length)];
  return id;
}
