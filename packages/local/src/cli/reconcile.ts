/* `bridgeport reconcile --env E [--all]`: the scheduled reconciler of the deployment pipeline, run by hand. */
import { parseArgs } from 'node:util';
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { CodePipelineClient } from '@aws-sdk/client-codepipeline';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import {
  createDeploymentReconciler,
  dynamoDeploymentRecords,
  type ReconcileReport,
} from '@bridgeport/broker';
import {
  ACCOUNT_ID_PATTERN,
  BucketKind,
  bucketName,
  deploymentPipelineName,
  ENVIRONMENT_PATTERN,
  EnvVar,
  LOCAL_ACCOUNT_ID,
  LOCAL_REGION,
  tableName,
} from '@bridgeport/core';
import type { CliCommand } from './types';

const USAGE = `Usage: bridgeport reconcile --env <environment> [--all] [--dry-run] [--account <id>] [--region <region>]

Compares the manifests in the environment's components buckets, the stacks CloudFormation has and the
portal's records, and starts the deployment pipeline for every manifest whose stack is missing, failed or
made from another version, and for every generated stack whose manifest is gone (the scheduled reconciler,
run now). AWS is reached through the SDK's standard configuration (credentials, AWS_REGION,
AWS_ENDPOINT_URL and AWS_ENDPOINT_URL_<SERVICE>).

Options:
  --env <environment>   the Bridgeport environment (required)
  --all                 redeploy every generated stack (after a Bridgeport upgrade)
  --dry-run             print what would be started, start nothing
  --account <id>        the account of the bucket names (default: ${EnvVar.ACCOUNT_ID}; ${LOCAL_ACCOUNT_ID}
                        when AWS_ENDPOINT_URL is set)
  --region <region>     default: AWS_REGION (${LOCAL_REGION} when AWS_ENDPOINT_URL is set)
  --help                show this help`;

export const reconcileCommand: CliCommand = {
  name: 'reconcile',
  summary: 'start the deployments that are missing or stale (--all: redeploy every generated stack)',
  run: runReconcile,
};

/** Why the command cannot run: its message says what to pass. */
class ReconcileUsageError extends Error {
  override readonly name = 'ReconcileUsageError';
}

interface ReconcileArguments {
  readonly environment: string;
  readonly account: string;
  readonly region: string;
  readonly all: boolean;
  readonly dryRun: boolean;
}

function parseReconcileArguments(args: readonly string[], env: NodeJS.ProcessEnv): ReconcileArguments {
  let values: { env?: string; all?: boolean; 'dry-run'?: boolean; account?: string; region?: string };
  try {
    ({ values } = parseArgs({
      args: [...args],
      options: {
        env: { type: 'string' },
        all: { type: 'boolean' },
        'dry-run': { type: 'boolean' },
        account: { type: 'string' },
        region: { type: 'string' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new ReconcileUsageError((error as Error).message);
  }
  const environment = values.env ?? '';
  if (!ENVIRONMENT_PATTERN.test(environment)) {
    throw new ReconcileUsageError(
      environment === ''
        ? '--env is required'
        : `--env must match ${ENVIRONMENT_PATTERN}, got "${environment}"`,
    );
  }
  const local = Boolean(env.AWS_ENDPOINT_URL);
  const account = values.account ?? env[EnvVar.ACCOUNT_ID] ?? (local ? LOCAL_ACCOUNT_ID : '');
  if (!ACCOUNT_ID_PATTERN.test(account)) {
    throw new ReconcileUsageError(
      account === ''
        ? `--account (or ${EnvVar.ACCOUNT_ID}) is required: the bucket names contain the account id`
        : `--account must be 12 digits, got "${account}"`,
    );
  }
  const region = values.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? (local ? LOCAL_REGION : '');
  if (region === '') throw new ReconcileUsageError('--region (or AWS_REGION) is required');
  return { environment, account, region, all: values.all ?? false, dryRun: values['dry-run'] ?? false };
}

async function runReconcile(args: readonly string[]): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    console.log(USAGE);
    return 0;
  }
  let parsed: ReconcileArguments;
  try {
    parsed = parseReconcileArguments(args, process.env);
  } catch (error) {
    if (!(error instanceof ReconcileUsageError)) throw error;
    console.error(
      `bridgeport reconcile: ${error.message}\nRun "bridgeport reconcile --help" for the options.`,
    );
    return 2;
  }
  const { environment, account, region } = parsed;
  const target = { environment, account, region };
  const s3 = new S3Client({ region });
  const cloudFormation = new CloudFormationClient({ region });
  const codePipeline = new CodePipelineClient({ region });
  const dynamo = DynamoDBDocumentClient.from(new DynamoDBClient({ region }));
  const reconciler = createDeploymentReconciler({
    environment,
    pipelineName: deploymentPipelineName(environment),
    publisherBucket: bucketName(BucketKind.PUBLISHER, target),
    subscriberBucket: bucketName(BucketKind.SUBSCRIBER, target),
    s3,
    cloudFormation,
    codePipeline,
    records: dynamoDeploymentRecords(dynamo, tableName(environment)),
    logger: { info: () => undefined, warn: () => undefined, error: () => undefined },
  });
  console.log(
    `Reconciling ${environment} (${account}, ${region})${parsed.all ? ': redeploying every generated stack' : ''}${parsed.dryRun ? ' (dry run)' : ''}…`,
  );
  let report: ReconcileReport;
  try {
    report = await reconciler.reconcile({ all: parsed.all, dryRun: parsed.dryRun });
  } catch (error) {
    const name = (error as Error).name;
    if (name === 'UnknownServiceException') {
      console.error(
        'bridgeport reconcile: the endpoint serves no CloudFormation or CodePipeline. The local runtime has no pipeline: its deployer reconciles the local bus with the buckets at start and on every manifest change.',
      );
      return 1;
    }
    console.error(`bridgeport reconcile: ${name}: ${(error as Error).message}`);
    return 1;
  } finally {
    for (const client of [s3, cloudFormation, codePipeline, dynamo]) client.destroy();
  }
  for (const start of report.started) {
    const version = start.request.versionId ? ` version ${start.request.versionId}` : '';
    const execution = start.executionId ? ` (execution ${start.executionId})` : '';
    console.log(
      `  ${parsed.dryRun ? 'would start' : 'started'} ${start.request.action} ${start.stackName}${version}: ${start.cause}${execution}`,
    );
  }
  console.log(
    `Done: ${report.started.length} deployment(s) ${parsed.dryRun ? 'to start' : 'started'}, ${report.inLine} in line with their manifest.`,
  );
  return 0;
}
