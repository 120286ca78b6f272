/** The `restore` and `audit` verbs: parse, learn the account, run, print; answers the exit code. */
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import type { EnvSource } from '@bridgeport/core';
import { audit } from '../audit/audit';
import { formatAuditReport } from '../audit/drift';
import { createOpsClients, destroyOpsClients, type OpsClients } from '../clients';
import { ArgumentError, OperationError } from '../errors';
import { progressTo } from '../progress';
import { formatRestoreReport } from '../report';
import { messageOf } from '../restore/context';
import { restore } from '../restore/restore';
import type { OpsScope } from '../scope';
import {
  AUDIT_USAGE,
  parseAuditArguments,
  parseRestoreArguments,
  RESTORE_USAGE,
  type Target,
} from './options';

/** Where a command writes, and the environment it reads its defaults from. */
export interface CommandIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly env: EnvSource;
  /** Clients to use. @default created from the SDK's standard configuration */
  readonly clients?: OpsClients;
}

/** The account: given, or the caller's from STS (GetCallerIdentity). */
async function scopeOf(target: Target, clients: OpsClients): Promise<OpsScope> {
  if (target.account !== undefined)
    return { environment: target.environment, account: target.account, region: target.region };
  try {
    const identity = await clients.sts.send(new GetCallerIdentityCommand({}));
    if (identity.Account === undefined) throw new Error('no account in the answer');
    return { environment: target.environment, account: identity.Account, region: target.region };
  } catch (error) {
    throw new OperationError(
      'Could not learn the AWS account from STS GetCallerIdentity; pass --account (000000000000 for the local runtime)',
      { cause: error },
    );
  }
}

async function run(
  name: string,
  usage: string,
  io: CommandIo,
  work: (clients: OpsClients) => Promise<number>,
  region: () => string,
): Promise<number> {
  let clients: OpsClients | undefined;
  try {
    clients = io.clients ?? createOpsClients(region());
    return await work(clients);
  } catch (error) {
    if (error instanceof ArgumentError) {
      io.stderr(`bridgeport ${name}: ${error.message}\n\n${usage}\n`);
      return 2;
    }
    io.stderr(`bridgeport ${name}: ${messageOf(error)}\n`);
    return 1;
  } finally {
    if (clients !== undefined && io.clients === undefined) destroyOpsClients(clients);
  }
}

/** `bridgeport restore …`. */
export async function runRestore(args: readonly string[], io: CommandIo): Promise<number> {
  let parsed: ReturnType<typeof parseRestoreArguments>;
  try {
    parsed = parseRestoreArguments(args, io.env);
  } catch (error) {
    if (!(error instanceof ArgumentError)) throw error;
    io.stderr(`bridgeport restore: ${error.message}\n\n${RESTORE_USAGE}\n`);
    return 2;
  }
  if (parsed.help) {
    io.stdout(`${RESTORE_USAGE}\n`);
    return 0;
  }
  const options = parsed;
  return run(
    'restore',
    RESTORE_USAGE,
    io,
    async (clients) => {
      const report = await restore(clients, {
        scope: await scopeOf(options, clients),
        targets: options.targets,
        dryRun: options.dryRun,
        force: options.force,
        includeDeleted: options.includeDeleted,
        ...(options.asOf === undefined ? {} : { asOf: options.asOf }),
        progress: progressTo(io.stderr),
      });
      io.stdout(options.json ? `${JSON.stringify(report, null, 2)}\n` : `${formatRestoreReport(report)}\n`);
      return report.exitCode;
    },
    () => options.region,
  );
}

/** `bridgeport audit …`. */
export async function runAudit(args: readonly string[], io: CommandIo): Promise<number> {
  let parsed: ReturnType<typeof parseAuditArguments>;
  try {
    parsed = parseAuditArguments(args, io.env);
  } catch (error) {
    if (!(error instanceof ArgumentError)) throw error;
    io.stderr(`bridgeport audit: ${error.message}\n\n${AUDIT_USAGE}\n`);
    return 2;
  }
  if (parsed.help) {
    io.stdout(`${AUDIT_USAGE}\n`);
    return 0;
  }
  const options = parsed;
  return run(
    'audit',
    AUDIT_USAGE,
    io,
    async (clients) => {
      const report = await audit(clients, {
        scope: await scopeOf(options, clients),
        progress: progressTo(io.stderr),
      });
      io.stdout(options.json ? `${JSON.stringify(report, null, 2)}\n` : `${formatAuditReport(report)}\n`);
      return report.exitCode;
    },
    () => options.region,
  );
}
