import { type CloudFormationClient, DescribeStacksCommand, type Stack } from '@aws-sdk/client-cloudformation';
import { type CodePipelineClient, StartPipelineExecutionCommand } from '@aws-sdk/client-codepipeline';
import { ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { type DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import {
  DeploymentAction,
  DeploymentComponent,
  DeploymentStatus,
  GeneratedStackOutput,
  type ManifestKey,
  type ManifestVersionReader,
  manifestStackName,
  parseManifestKey,
  reconcileManifest,
  StatusAttribute,
  statusRecordKey,
} from '@bridgeport/core';
import type { Logger } from '@bridgeport/edge';
import { brokerLogger } from '../logger';
import { s3ManifestVersions } from './manifest-versions';
import { type DeploymentRequest, pipelineVariables } from './trigger';

/** The stack tag naming a generated stack's environment. */
export const ENVIRONMENT_TAG = 'bridgeport:environment';

/** Why the reconciler starts a deployment. */
export const ReconcileCause = {
  /** The manifest has no stack. */
  MISSING_STACK: 'missing-stack',
  /** The stack is in a failed state (a first create rolled back, a delete failed…). */
  FAILED_STACK: 'failed-stack',
  /** The stack was made from another version than the current one (or says nothing of its version). */
  STALE_STACK: 'stale-stack',
  /** The stack is current but the portal's record has been PENDING or DEPLOYING for too long. */
  STALE_RECORD: 'stale-record',
  /** A generated stack whose manifest is gone. */
  ORPHAN_STACK: 'orphan-stack',
  /** `--all`: every generated stack is redeployed (after a Bridgeport upgrade). */
  UPGRADE: 'upgrade',
} as const;
export type ReconcileCause = (typeof ReconcileCause)[keyof typeof ReconcileCause];

/** A stack the generators made, as CloudFormation describes it. */
export interface GeneratedStack {
  readonly name: string;
  readonly status: string;
  readonly manifestKey?: string;
  readonly manifestVersionId?: string;
}

/** A record's deployment status, as the portal keeps it. */
export interface DeploymentRecord {
  readonly status: string;
  /** ISO-8601. */
  readonly updatedAt?: string;
}

/** Port: the portal's record of a manifest's deployment (its version or subscription). */
export interface DeploymentRecords {
  recordOf(manifest: ManifestKey): Promise<DeploymentRecord | undefined>;
}

/** One deployment the reconciler started (or, dry, would start). */
export interface ReconcileStart {
  readonly request: DeploymentRequest;
  readonly cause: ReconcileCause;
  readonly stackName: string;
  /** Absent on a dry run. */
  readonly executionId?: string;
}

export interface ReconcileReport {
  readonly started: readonly ReconcileStart[];
  /** Manifests whose stack is current (or busy) and left alone. */
  readonly inLine: number;
}

export interface DeploymentReconcilerOptions {
  readonly environment: string;
  readonly pipelineName: string;
  readonly publisherBucket: string;
  readonly subscriberBucket: string;
  readonly s3: S3Client;
  readonly cloudFormation: CloudFormationClient;
  readonly codePipeline: CodePipelineClient;
  /** @default s3ManifestVersions(s3) */
  readonly manifests?: ManifestVersionReader;
  /** @default records are not compared */
  readonly records?: DeploymentRecords;
  /** How long a PENDING or DEPLOYING record may last before its deployment is started again. @default 2 h */
  readonly staleRecordAfterMs?: number;
  readonly now?: () => Date;
  /** @default brokerLogger */
  readonly logger?: Logger;
}

const FAILED_STACK_STATUSES = new Set([
  'CREATE_FAILED',
  'ROLLBACK_COMPLETE',
  'ROLLBACK_FAILED',
  'DELETE_FAILED',
  'UPDATE_ROLLBACK_FAILED',
  'IMPORT_ROLLBACK_FAILED',
]);

/** The DynamoDB adapter of `DeploymentRecords` (the portal's events table). */
export function dynamoDeploymentRecords(
  dynamo: DynamoDBDocumentClient,
  tableName: string,
): DeploymentRecords {
  return {
    async recordOf(manifest) {
      const { Item } = await dynamo.send(
        new GetCommand({ TableName: tableName, Key: statusRecordKey(manifest) }),
      );
      if (Item === undefined) return undefined;
      const updatedAt =
        Item[
          manifest.kind === 'producer'
            ? StatusAttribute.VERSION_UPDATED_AT
            : StatusAttribute.SUBSCRIPTION_UPDATED_AT
        ];
      return {
        status: String(Item[StatusAttribute.STATUS] ?? ''),
        ...(typeof updatedAt === 'string' ? { updatedAt } : {}),
      };
    },
  };
}

/**
 * The reconciler: compares the manifests in the components buckets, the stacks CloudFormation has, and (when
 * given) the portal's records, and starts the deployment pipeline for what is missing or stale — the repair for
 * events that were lost, throttled or dead-lettered. It decides each manifest with the rule the trigger and the
 * build use (core's `reconcileManifest`), and starts nothing for a stack CloudFormation is still working on.
 * With `all`, every manifest is redeployed (after a Bridgeport upgrade changed what the generators make).
 */
export function createDeploymentReconciler(options: DeploymentReconcilerOptions) {
  const logger = options.logger ?? brokerLogger;
  const manifests = options.manifests ?? s3ManifestVersions(options.s3);
  const staleAfterMs = options.staleRecordAfterMs ?? 2 * 60 * 60 * 1000;
  const now = options.now ?? (() => new Date());
  const buckets = [
    { bucket: options.publisherBucket, component: DeploymentComponent.PRODUCER },
    { bucket: options.subscriberBucket, component: DeploymentComponent.CONSUMER },
  ];

  const listKeys = async (bucket: string): Promise<string[]> => {
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const page = await options.s3.send(
        new ListObjectsV2Command({ Bucket: bucket, ContinuationToken: token }),
      );
      for (const object of page.Contents ?? []) if (object.Key) keys.push(object.Key);
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return keys;
  };

  const listStacks = async (): Promise<Map<string, GeneratedStack>> => {
    const stacks = new Map<string, GeneratedStack>();
    const prefixes = buckets.map(({ component }) => `${options.environment}-${component}-`);
    let token: string | undefined;
    do {
      const page = await options.cloudFormation.send(new DescribeStacksCommand({ NextToken: token }));
      for (const stack of page.Stacks ?? []) {
        const generated = generatedStack(stack, options.environment, prefixes);
        if (generated !== undefined) stacks.set(generated.name, generated);
      }
      token = page.NextToken;
    } while (token);
    return stacks;
  };

  const recordIsStale = async (manifest: ManifestKey): Promise<boolean> => {
    const record = await options.records?.recordOf(manifest);
    if (record === undefined) return false;
    if (record.status !== DeploymentStatus.PENDING && record.status !== DeploymentStatus.DEPLOYING)
      return false;
    const at = record.updatedAt === undefined ? Number.NaN : Date.parse(record.updatedAt);
    return Number.isNaN(at) || now().getTime() - at > staleAfterMs;
  };

  return {
    async reconcile(
      run: { readonly all?: boolean; readonly dryRun?: boolean } = {},
    ): Promise<ReconcileReport> {
      const stacks = await listStacks();
      const wanted = new Set<string>();
      const started: ReconcileStart[] = [];
      let inLine = 0;

      const start = async (request: DeploymentRequest, cause: ReconcileCause, stackName: string) => {
        if (run.dryRun) {
          started.push({ request, cause, stackName });
          return;
        }
        const result = await options.codePipeline.send(
          new StartPipelineExecutionCommand({
            name: options.pipelineName,
            variables: pipelineVariables(request),
          }),
        );
        const executionId = result.pipelineExecutionId ?? '';
        logger.info('Reconciler started a deployment', {
          action: request.action,
          key: request.key,
          cause,
          executionId,
        });
        started.push({ request, cause, stackName, executionId });
      };

      for (const { bucket, component } of buckets) {
        for (const key of await listKeys(bucket)) {
          const manifest = parseManifestKey(key);
          if (manifest === undefined || manifest.kind !== component) continue;
          wanted.add(key);
          const stackName = manifestStackName(options.environment, manifest);
          const decision = await reconcileManifest(manifests, bucket, key);
          const stack = stacks.get(stackName);
          if (stack?.status.endsWith('_IN_PROGRESS')) {
            inLine += 1;
            continue;
          }
          const base = { bucket, key, component, manifest };
          if (decision.action === DeploymentAction.DESTROY) {
            if (stack !== undefined) {
              await start(
                { ...base, action: DeploymentAction.DESTROY },
                ReconcileCause.ORPHAN_STACK,
                stackName,
              );
            }
            continue;
          }
          if (decision.action !== DeploymentAction.DEPLOY) continue;
          const request: DeploymentRequest = {
            ...base,
            action: DeploymentAction.DEPLOY,
            versionId: decision.versionId,
          };
          const cause = run.all
            ? ReconcileCause.UPGRADE
            : stack === undefined
              ? ReconcileCause.MISSING_STACK
              : FAILED_STACK_STATUSES.has(stack.status)
                ? ReconcileCause.FAILED_STACK
                : stack.manifestVersionId !== decision.versionId
                  ? ReconcileCause.STALE_STACK
                  : (await recordIsStale(manifest))
                    ? ReconcileCause.STALE_RECORD
                    : undefined;
          if (cause === undefined) inLine += 1;
          else await start(request, cause, stackName);
        }
      }

      for (const stack of stacks.values()) {
        if (stack.manifestKey === undefined || wanted.has(stack.manifestKey)) continue;
        if (stack.status.endsWith('_IN_PROGRESS')) continue;
        const manifest = parseManifestKey(stack.manifestKey);
        const target = buckets.find(({ component }) => component === manifest?.kind);
        if (manifest === undefined || target === undefined) continue;
        const decision = await reconcileManifest(manifests, target.bucket, stack.manifestKey);
        if (decision.action !== DeploymentAction.DESTROY) continue;
        await start(
          {
            bucket: target.bucket,
            key: stack.manifestKey,
            component: target.component,
            manifest,
            action: DeploymentAction.DESTROY,
          },
          ReconcileCause.ORPHAN_STACK,
          stack.name,
        );
      }
      return { started, inLine };
    },
  };
}

export type DeploymentReconciler = ReturnType<typeof createDeploymentReconciler>;

/** A stack of `environment` made by a generator (its name and environment tag say so), else undefined. */
function generatedStack(
  stack: Stack,
  environment: string,
  prefixes: readonly string[],
): GeneratedStack | undefined {
  const name = stack.StackName;
  if (name === undefined || !prefixes.some((prefix) => name.startsWith(prefix))) return undefined;
  const tagged = stack.Tags?.find((tag) => tag.Key === ENVIRONMENT_TAG)?.Value;
  if (tagged !== undefined && tagged !== environment) return undefined;
  const output = (key: string) =>
    stack.Outputs?.find((candidate) => candidate.OutputKey === key)?.OutputValue;
  const manifestKey = output(GeneratedStackOutput.MANIFEST_KEY);
  const manifestVersionId = output(GeneratedStackOutput.MANIFEST_VERSION_ID);
  return {
    name,
    status: stack.StackStatus ?? 'UNKNOWN',
    ...(manifestKey !== undefined ? { manifestKey } : {}),
    ...(manifestVersionId !== undefined ? { manifestVersionId } : {}),
  };
}
