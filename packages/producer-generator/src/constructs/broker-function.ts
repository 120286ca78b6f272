import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Duration } from 'aws-cdk-lib';
import { Architecture, Runtime } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { acknowledgeNagFindings } from '../nag';

/** Lambda entries of `@bridgeport/broker` that producer stacks bundle. */
export const BrokerHandler = {
  SQS_FORWARDER: '@bridgeport/broker/handlers/sqs-forwarder',
  SHARED_API_RESOURCE: '@bridgeport/broker/handlers/shared-api-resource',
} as const;
export type BrokerHandler = (typeof BrokerHandler)[keyof typeof BrokerHandler];

/** The TypeScript source file of a broker handler, for esbuild. */
export function brokerHandlerEntry(handler: BrokerHandler): string {
  return require.resolve(handler);
}

function findWorkspaceLockFile(from: string): string {
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
  /** TypeScript entry file, bundled with esbuild. */
  readonly entry: string;
  readonly description: string;
  /** @default Duration.seconds(30) */
  readonly timeout?: Duration;
  /** @default - none */
  readonly environment?: Readonly<Record<string, string>>;
}

/**
 * A broker function as every producer stack deploys it: nodejs22.x on arm64, bundled with esbuild
 * (minified, with source maps), logging to its own log group kept for a month.
 */
export function createBrokerFunction(
  scope: Construct,
  id: string,
  props: BrokerFunctionProps,
): NodejsFunction {
  const lockFile = findWorkspaceLockFile(props.entry);
  const fn = new NodejsFunction(scope, id, {
    description: props.description,
    entry: props.entry,
    handler: 'handler',
    runtime: Runtime.NODEJS_22_X,
    architecture: Architecture.ARM_64,
    memorySize: 256,
    timeout: props.timeout ?? Duration.seconds(30),
    logGroup: new LogGroup(scope, `${id}Logs`, { retention: RetentionDays.ONE_MONTH }),
    depsLockFilePath: lockFile,
    projectRoot: dirname(lockFile),
    environment: { ...props.environment, NODE_OPTIONS: '--enable-source-maps' },
    bundling: { minify: true, sourceMap: true, target: 'node22' },
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
