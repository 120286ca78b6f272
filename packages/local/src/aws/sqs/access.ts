/**
 * Who may send to a local queue. AWS decides with IAM and the queue's resource policy; the local runtime has no
 * IAM, so a request's principal comes from its SigV4 access key id (`principals.json` in the data directory maps
 * access key ids to principal ARNs; any other key is the local account's own root) and:
 * - a principal of the queue's own account may send (in AWS its identity policy would allow it);
 * - a principal of another account may send only when an `Allow` statement of the queue's `Policy` names it
 *   (its ARN, its account id or its account's root, or `*`) for `sqs:SendMessage`, and no `Deny` statement does;
 * - a queue without a `Policy` takes messages from anyone, as before the policy existed.
 * Statements with a `Condition` are not evaluated: such an `Allow` grants nothing and such a `Deny` refuses
 * nothing (the CDK's `aws:SecureTransport` statement does not apply to a loopback runtime).
 */
import { parseArn } from '@bridgeport/core';

/** The action a principal must be granted to send. */
export const SEND_MESSAGE_ACTION = 'sqs:SendMessage';

interface Statement {
  readonly Effect?: unknown;
  readonly Principal?: unknown;
  readonly Action?: unknown;
  readonly Resource?: unknown;
  readonly Condition?: unknown;
}

function list(value: unknown): unknown[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

function statementsOf(policy: string): Statement[] | undefined {
  try {
    const parsed = JSON.parse(policy) as { Statement?: unknown };
    return list(parsed.Statement).filter(
      (statement): statement is Statement => typeof statement === 'object' && statement !== null,
    );
  } catch {
    return undefined;
  }
}

function coversAction(statement: Statement, action: string): boolean {
  return list(statement.Action).some((pattern) => {
    if (typeof pattern !== 'string') return false;
    const lower = pattern.toLowerCase();
    return lower === '*' || lower === 'sqs:*' || lower === action.toLowerCase();
  });
}

function coversResource(statement: Statement, queueArn: string): boolean {
  const resources = list(statement.Resource);
  return resources.length === 0 || resources.some((resource) => resource === '*' || resource === queueArn);
}

function accountOf(principal: string): string | undefined {
  return parseArn(principal)?.account;
}

function namesPrincipal(statement: Statement, principal: string | undefined): boolean {
  const raw = statement.Principal;
  if (raw === '*') return true;
  const named = list(typeof raw === 'object' && raw !== null ? (raw as { AWS?: unknown }).AWS : undefined);
  return named.some((entry) => {
    if (entry === '*') return true;
    if (typeof entry !== 'string' || principal === undefined) return false;
    if (entry === principal) return true;
    const account = accountOf(principal);
    if (account === undefined) return false;
    const entryArn = parseArn(entry);
    return (
      entry === account ||
      (entryArn?.service === 'iam' && entryArn.resource === 'root' && entryArn.account === account)
    );
  });
}

/**
 * Whether `principal` may send to the queue `queueArn` (of `ownerAccount`) under its `Policy` attribute.
 * `principal` undefined is an anonymous caller.
 */
export function maySend(
  policy: string | undefined,
  principal: string | undefined,
  queueArn: string,
  ownerAccount: string,
): boolean {
  if (policy === undefined || policy.trim() === '') return true;
  const statements = statementsOf(policy);
  if (statements === undefined) return false;
  const applies = (statement: Statement) =>
    statement.Condition === undefined &&
    coversAction(statement, SEND_MESSAGE_ACTION) &&
    coversResource(statement, queueArn) &&
    namesPrincipal(statement, principal);
  if (statements.some((statement) => statement.Effect === 'Deny' && applies(statement))) return false;
  if (principal !== undefined && accountOf(principal) === ownerAccount) return true;
  return statements.some((statement) => statement.Effect === 'Allow' && applies(statement));
}

/** The principal of a request from its access key id: the mapped ARN, else the local account's root. */
export function principalOf(
  accessKeyId: string | undefined,
  principals: Readonly<Record<string, string>>,
  scope: { readonly partition: string; readonly account: string },
): string {
  const mapped =
    accessKeyId !== undefined && Object.hasOwn(principals, accessKeyId) ? principals[accessKeyId] : undefined;
  return mapped ?? `arn:${scope.partition}:iam::${scope.account}:root`;
}
