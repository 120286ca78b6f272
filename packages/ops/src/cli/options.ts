/** The command lines of `bridgeport restore` and `bridgeport audit`, parsed and checked (exit code 2 when wrong). */
import { type ParseArgsConfig, parseArgs } from 'node:util';
import {
  ACCOUNT_ID_PATTERN,
  ENVIRONMENT_PATTERN,
  type EnvSource,
  EnvVar,
  REGION_PATTERN,
} from '@bridgeport/core';
import { ArgumentError } from '../errors';
import { RestoreTarget } from '../restore/restore';

type ParseArgsOptionsConfig = NonNullable<ParseArgsConfig['options']>;

const COMMON = {
  env: { type: 'string' },
  account: { type: 'string' },
  region: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

const RESTORE = {
  ...COMMON,
  registry: { type: 'boolean' },
  table: { type: 'boolean' },
  backups: { type: 'boolean' },
  'dry-run': { type: 'boolean' },
  force: { type: 'boolean' },
  'include-deleted': { type: 'boolean' },
  'as-of': { type: 'string' },
} as const;

export const COMMON_HELP = `  --env <env>            environment to work on (required)
  --account <id>         AWS account id (default: $${EnvVar.ACCOUNT_ID}, else STS GetCallerIdentity;
                         the local runtime's is 000000000000)
  --region <region>      AWS region (default: $AWS_REGION, else $AWS_DEFAULT_REGION)
  --json                 print the report as JSON on stdout (progress stays on stderr)
  --help                 show this help`;

export const RESTORE_USAGE = `Usage: bridgeport restore --env <env> [--registry] [--table] [--backups] [options]

Rebuilds the schema registry, the portal's table and the component manifests from the schema backups and the
component buckets. Without --registry, --table or --backups, restores the registry and the table. Reaches AWS
(or the local runtime, through AWS_ENDPOINT_URL) with the SDK's standard configuration.

Options:
  --registry             recreate every schema with all its versions, in order, from the backups
  --table                rebuild event types and versions from the backups, subscriptions from the consumer
                         manifests, and write missing producer and consumer manifests again
  --backups              write missing or unreadable backups again from the portal's version records
  --dry-run              report what would be done, write nothing
  --force                replace what differs from the backups (never records with work in progress)
  --include-deleted      also restore event types that were deleted (backups kept, no producer manifest)
  --as-of <time>         read backups and manifests as they were at this ISO-8601 time (object versions)
${COMMON_HELP}

Exit status: 0 when everything is restored or unchanged, 1 when anything conflicted or failed, 2 for bad
arguments.`;

export const AUDIT_USAGE = `Usage: bridgeport audit --env <env> [options]

Compares the schema backups, the schema registry, the portal's table and the two component buckets, and lists
every drift with the command that fixes it. Writes nothing.

Options:
${COMMON_HELP}

Exit status: 0 when every store agrees, 1 when any drift is found (or the audit failed), 2 for bad arguments.`;

/** Where a command works; the account may still have to be learnt from STS. */
export interface Target {
  readonly environment: string;
  readonly account?: string;
  readonly region: string;
  readonly json: boolean;
}

export interface RestoreArguments extends Target {
  readonly targets: readonly RestoreTarget[];
  readonly dryRun: boolean;
  readonly force: boolean;
  readonly includeDeleted: boolean;
  readonly asOf?: Date;
}

export type Parsed<T> = { readonly help: true } | ({ readonly help: false } & T);

function parse<O extends ParseArgsOptionsConfig>(args: readonly string[], options: O) {
  try {
    return parseArgs({ args: [...args], options, strict: true, allowPositionals: false });
  } catch (error) {
    throw new ArgumentError((error as Error).message);
  }
}

function targetOf(values: Record<string, string | boolean | undefined>, env: EnvSource): Target {
  const environment = values.env;
  if (typeof environment !== 'string') throw new ArgumentError('--env <env> is required');
  if (!ENVIRONMENT_PATTERN.test(environment)) {
    throw new ArgumentError(`--env ${JSON.stringify(environment)} must match ${ENVIRONMENT_PATTERN.source}`);
  }
  const account = typeof values.account === 'string' ? values.account : env[EnvVar.ACCOUNT_ID];
  if (account !== undefined && account !== '' && !ACCOUNT_ID_PATTERN.test(account)) {
    throw new ArgumentError(`--account ${JSON.stringify(account)} must be 12 digits`);
  }
  const region =
    (typeof values.region === 'string' ? values.region : undefined) ??
    env.AWS_REGION ??
    env.AWS_DEFAULT_REGION;
  if (region === undefined || region === '') {
    throw new ArgumentError('--region <region> is required when AWS_REGION is not set');
  }
  if (!REGION_PATTERN.test(region)) {
    throw new ArgumentError(`--region ${JSON.stringify(region)} must match ${REGION_PATTERN.source}`);
  }
  return {
    environment,
    ...(account === undefined || account === '' ? {} : { account }),
    region,
    json: values.json === true,
  };
}

export function parseRestoreArguments(args: readonly string[], env: EnvSource): Parsed<RestoreArguments> {
  const { values } = parse(args, RESTORE);
  if (values.help === true) return { help: true };
  const target = targetOf(values, env);
  let asOf: Date | undefined;
  if (values['as-of'] !== undefined) {
    const text = values['as-of'];
    asOf = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(text)
      ? new Date(text)
      : undefined;
    if (asOf === undefined || Number.isNaN(asOf.getTime())) {
      throw new ArgumentError(
        `--as-of ${JSON.stringify(text)} must be an ISO-8601 time with a zone, e.g. 2026-12-01T00:00:00Z`,
      );
    }
  }
  const chosen = [
    ...(values.backups === true ? [RestoreTarget.BACKUPS] : []),
    ...(values.registry === true ? [RestoreTarget.REGISTRY] : []),
    ...(values.table === true ? [RestoreTarget.TABLE] : []),
  ];
  return {
    help: false,
    ...target,
    targets: chosen.length === 0 ? [RestoreTarget.REGISTRY, RestoreTarget.TABLE] : chosen,
    dryRun: values['dry-run'] === true,
    force: values.force === true,
    includeDeleted: values['include-deleted'] === true,
    ...(asOf === undefined ? {} : { asOf }),
  };
}

export function parseAuditArguments(args: readonly string[], env: EnvSource): Parsed<Target> {
  const { values } = parse(args, COMMON);
  if (values.help === true) return { help: true };
  return { help: false, ...targetOf(values, env) };
}
