import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { Duration } from 'aws-cdk-lib';
import { Architecture, Code, Runtime } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { acknowledgeNagFindings } from './nag';

/**
 * Longest a Bridgeport custom resource may take before CloudFormation fails it (`ServiceTimeout`), instead of
 * CloudFormation's hour: a crashed handler cannot hold a deployment past the build.
 */
export const CUSTOM_RESOURCE_TIMEOUT = Duration.minutes(5);

/** The broker's Lambda handlers that Bridgeport stacks deploy, as files to bundle with esbuild. */
export const BrokerHandler = {
  INJECTOR: 'injector',
  DEPLOYMENT_TRIGGER: 'deployment-trigger',
  DEPLOYMENT_STATUS: 'deployment-status',
  DEPLOYMENT_RECONCILER: 'deployment-reconciler',
  SQS_FORWARDER: 'sqs-forwarder',
  SHARED_API_RESOURCE: 'shared-api-resource',
  QUEUE_POLICY_STATEMENT: 'queue-policy-statement',
} as const;
export type BrokerHandler = (typeof BrokerHandler)[keyof typeof BrokerHandler];

/**
 * Set only inside the generators bundle (esbuild `define`): where its prebuilt handlers are, relative to the
 * bundled app file. In the workspace it is not defined and handlers are bundled from their sources.
 */
declare const __BRIDGEPORT_PREBUILT_HANDLERS__: string | undefined;

/** The directory of prebuilt handlers (`<dir>/<handler>/index.js`) when running from the generators bundle. */
export function prebuiltHandlersDirectory(): string | undefined {
  return typeof __BRIDGEPORT_PREBUILT_HANDLERS__ === 'string'
    ? resolve(__dirname, __BRIDGEPORT_PREBUILT_HANDLERS__)
    : undefined;
}

/** File name of a prebuilt handler in its directory; its export is `handler`. */
export const PREBUILT_HANDLER_FILE = 'index.js';

/**
 * Every broker handler is a subpath export of `@bridgeport/broker` (`@bridgeport/broker/handlers/<name>`); in the
 * generators bundle, the handler's prebuilt `index.js` (the SDK included).
 */
export function brokerHandlerEntry(handler: BrokerHandler): string {
  const prebuilt = prebuiltHandlersDirectory();
  if (prebuilt !== undefined) return join(prebuilt, handler, PREBUILT_HANDLER_FILE);
  return require.resolve(`@bridgeport/broker/handlers/${handler}`);
}

/**
 * How every broker function is bundled (esbuild through `NodejsFunction`, or the generators bundle's prebuilt
 * handlers): minified with source maps for node22, and nothing left external, so the AWS SDK of the lockfile
 * is in the bundle rather than the runtime's own.
 */
export const BROKER_BUNDLING = {
  minify: true,
  sourceMap: true,
  target: 'node22',
  externalModules: [] as string[],
} as const;

/** The workspace's lock file above `from` (esbuild bundles from the workspace root). */
export function findWorkspaceLockFile(from: string): string {
  let directory = dirname(from);
  for (;;) {
    const candidate = join(directory, 'pnpm-lock.yaml');
    if (existsSync(candidate)) return candidate;
    const parent = dirname(directory);
    if (parent === directory) throw new Error(`No pnpm-lock.yaml above ${from}`);
    directory = parent;
  }
}

export interface BrokerFunctionProps {
  /** TypeScript entry file, bundled with esbuild (see `brokerHandlerEntry`). */
  readonly entry: string;
  readonly description: string;
  /** @default 256 */
  readonly memorySize?: number;
  /** @default Duration.seconds(30) */
  readonly timeout?: Duration;
  /** Variables of the function; `NODE_OPTIONS` is always `--enable-source-maps`. @default - none */
  readonly environment?: Readonly<Record<string, string>>;
  /** Retries of an asynchronous invocation. @default - Lambda's default */
  readonly retryAttempts?: number;
  /** Queue of asynchronous invocations that failed every attempt. @default - none */
  readonly deadLetterQueue?: IQueue;
}

/** `NodejsFunction`'s props of a handler bundled by esbuild from its TypeScript source, at synth time. */
function bundledFromSource(entry: string) {
  const lockFile = findWorkspaceLockFile(entry);
  return {
    entry,
    handler: 'handler',
    depsLockFilePath: lockFile,
    projectRoot: dirname(lockFile),
    bundling: { ...BROKER_BUNDLING, externalModules: [...BROKER_BUNDLING.externalModules] },
  };
}

/**
 * A broker function as every Bridgeport stack deploys it: nodejs22.x on arm64, bundled with esbuild from the
 * workspace root (minified, with source maps), logging to its own log group `<id>Logs` kept for a month. The
 * runtime pin and the basic execution role are acknowledged to cdk-nag on the function.
 */
export function createBrokerFunction(
  scope: Construct,
  id: string,
  props: BrokerFunctionProps,
): NodejsFunction {
  const prebuilt = prebuiltHandlersDirectory();
  const code =
    prebuilt !== undefined && props.entry.startsWith(prebuilt)
      ? { code: Code.fromAsset(dirname(props.entry)), handler: 'index.handler' }
      : bundledFromSource(props.entry);
  const fn = new NodejsFunction(scope, id, {
    description: props.description,
    ...code,
    runtime: Runtime.NODEJS_22_X,
    architecture: Architecture.ARM_64,
    memorySize: props.memorySize ?? 256,
    timeout: props.timeout ?? Duration.seconds(30),
    logGroup: new LogGroup(scope, `${id}Logs`, { retention: RetentionDays.ONE_MONTH }),
    environment: { ...props.environment, NODE_OPTIONS: '--enable-source-maps' },
    retryAttempts: props.retryAttempts,
    deadLetterQueue: props.deadLetterQueue,
  });
  acknowledgeNagFindings(
    fn,
    {
      id: 'AwsSolutions-L1',
      reason: 'Broker functions are pinned to nodejs22.x, the runtime they are built and tested for.',
    },
    {
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      reason: 'AWSLambdaBasicExecutionRole only lets the function write its own logs.',
    },
  );
  return fn;
}
