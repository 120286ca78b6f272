import {
  ConfigurationError,
  type DeploymentTarget,
  type EnvSource,
  parseAllowedConsumerTargets,
} from '@bridgeport/core';
import { App, type AppProps, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { InfrastructureInputError } from './errors';
import { FEATURE_FLAGS } from './kit/feature-flags';
import { ApiGatewayAccount, BrokerApiStack } from './stacks/broker-api-stack';
import { ComponentsStorageStack } from './stacks/components-storage-stack';
import { EventBusStack } from './stacks/event-bus-stack';
import { SchemasBackupStack } from './stacks/schemas-backup-stack';
import { InfrastructureContext, resolveDeploymentTarget } from './target';

export { FEATURE_FLAGS };

export interface InfrastructureStacks {
  readonly schemasBackup: SchemasBackupStack;
  readonly componentsStorage: ComponentsStorageStack;
  readonly brokerApi: BrokerApiStack;
  readonly bus: EventBusStack;
}

export interface InfrastructureAppOptions extends AppProps {
  /** Where `CDK_DEFAULT_ACCOUNT` / `CDK_DEFAULT_REGION` are read. @default process.env */
  readonly env?: EnvSource;
}

/**
 * The CDK app of the four shared stacks of one environment, in deployment order (schema backups → component
 * buckets and pipeline → broker API and bus), with cdk-nag's AWS Solutions checks (synthesis fails on a finding
 * that is not acknowledged with a reason).
 */
export function buildInfrastructureApp(options: InfrastructureAppOptions = {}): {
  app: App;
  target: DeploymentTarget;
  stacks: InfrastructureStacks;
} {
  const { env = process.env, ...appProps } = options;
  const app = new App({
    ...appProps,
    context: { ...FEATURE_FLAGS, ...appProps.context },
  });
  const target = resolveDeploymentTarget((key) => app.node.tryGetContext(key), env);
  const schemasBackup = new SchemasBackupStack(app, { target });
  const componentsStorage = new ComponentsStorageStack(app, {
    target,
    pipeline: { allowedConsumerTargets: allowedConsumerTargets(app) },
  });
  componentsStorage.addStackDependency(schemasBackup, 'Deployed in order');
  const bus = new EventBusStack(app, { target });
  bus.addStackDependency(componentsStorage, 'Deployed in order');
  const key = InfrastructureContext.API_GATEWAY_ACCOUNT;
  const apiGatewayAccount: unknown = app.node.tryGetContext(key) ?? ApiGatewayAccount.CREATE;
  if (apiGatewayAccount !== ApiGatewayAccount.CREATE && apiGatewayAccount !== ApiGatewayAccount.EXISTING) {
    throw new InfrastructureInputError(
      key,
      `Context ${key} must be ${ApiGatewayAccount.CREATE} or ${ApiGatewayAccount.EXISTING}, got ${String(apiGatewayAccount)}`,
    );
  }
  const brokerApi = new BrokerApiStack(app, { target, apiGatewayAccount });
  brokerApi.addStackDependency(componentsStorage, 'The injector reads producer manifests');
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, target, stacks: { schemasBackup, componentsStorage, brokerApi, bus } };
}

/** The `allowedConsumerTargets` context: ARNs (core's `parseAllowedConsumerTargets`), none when absent. */
function allowedConsumerTargets(app: App): readonly string[] {
  const key = InfrastructureContext.ALLOWED_CONSUMER_TARGETS;
  const value: unknown = app.node.tryGetContext(key);
  if (value === undefined || value === null) return [];
  if (typeof value !== 'string') throw new InfrastructureInputError(key, `Context ${key} must be a string`);
  try {
    return parseAllowedConsumerTargets(value, key);
  } catch (error) {
    if (error instanceof ConfigurationError) throw new InfrastructureInputError(key, error.message);
    throw error;
  }
}

/** Entry of `bin/app.ts`: builds and synthesizes, or prints what is wrong with the input and exits 1. */
export function runInfrastructureApp(): void {
  try {
    buildInfrastructureApp().app.synth();
  } catch (error) {
    if (!(error instanceof InfrastructureInputError)) throw error;
    console.error(error.message);
    process.exitCode = 1;
  }
}
