import { GetQueueAttributesCommand, SetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';

/** One statement of an SQS queue policy, as JSON. `Sid` identifies it within the policy. */
export type QueuePolicyStatement = { readonly Sid: string } & { readonly [key: string]: unknown };

/** An SQS queue policy document, as JSON. */
export interface QueuePolicyDocument {
  readonly Version?: string;
  readonly Id?: string;
  readonly Statement: readonly { readonly [key: string]: unknown }[];
  readonly [key: string]: unknown;
}

const POLICY_VERSION = '2012-10-17';

/** The policy in a queue's `Policy` attribute (absent or empty: no statements). Throws when it is not a policy. */
export function parseQueuePolicy(text: string | undefined): QueuePolicyDocument {
  if (text === undefined || text.trim() === '') return { Version: POLICY_VERSION, Statement: [] };
  const parsed: unknown = JSON.parse(text);
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new Error('The queue policy is not a JSON object');
  }
  const { Statement: statement, ...rest } = parsed as { Statement?: unknown };
  // A policy may hold a single statement as an object rather than a list.
  const statements = statement === undefined ? [] : Array.isArray(statement) ? statement : [statement];
  return { ...rest, Statement: statements as QueuePolicyDocument['Statement'] };
}

/**
 * The policy with `statement` in it: a statement with the same `Sid` is replaced in place, otherwise it is
 * appended. Every other statement, and the policy's own fields, stay as they are.
 */
export function withStatement(
  policy: QueuePolicyDocument,
  statement: QueuePolicyStatement,
): QueuePolicyDocument {
  const index = policy.Statement.findIndex((existing) => existing.Sid === statement.Sid);
  const statements =
    index === -1
      ? [...policy.Statement, statement]
      : policy.Statement.map((existing, i) => (i === index ? statement : existing));
  return { ...policy, Version: policy.Version ?? POLICY_VERSION, Statement: statements };
}

/** The policy without the statements whose `Sid` is `sid`. */
export function withoutStatement(policy: QueuePolicyDocument, sid: string): QueuePolicyDocument {
  return { ...policy, Statement: policy.Statement.filter((statement) => statement.Sid !== sid) };
}

/** Whether a queue attribute call failed because the queue does not exist. */
export function isMissingQueue(error: unknown): boolean {
  const name = error instanceof Error ? error.name : undefined;
  return name === 'QueueDoesNotExist' || name === 'AWS.SimpleQueueService.NonExistentQueue';
}

/** What a policy change did: `unchanged` when the policy already was as wanted (nothing was written). */
export type QueuePolicyChange = 'written' | 'unchanged' | 'queue-missing';

async function readPolicy(client: SQSClient, queueUrl: string): Promise<string | undefined> {
  const output = await client.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['Policy'] }),
  );
  return output.Attributes?.Policy;
}

async function writePolicy(
  client: SQSClient,
  queueUrl: string,
  before: QueuePolicyDocument,
  after: QueuePolicyDocument,
): Promise<QueuePolicyChange> {
  if (JSON.stringify(after) === JSON.stringify(before)) return 'unchanged';
  // An empty Policy attribute removes the policy; SQS refuses a policy without statements.
  const policy = after.Statement.length === 0 ? '' : JSON.stringify(after);
  await client.send(new SetQueueAttributesCommand({ QueueUrl: queueUrl, Attributes: { Policy: policy } }));
  return 'written';
}

/**
 * Adds `statement` to the queue's policy, keeping every other statement (`GetQueueAttributes` → merge →
 * `SetQueueAttributes`). Writes nothing when the policy already holds that statement, so retries are safe.
 */
export async function addQueuePolicyStatement(
  client: SQSClient,
  queueUrl: string,
  statement: QueuePolicyStatement,
): Promise<QueuePolicyChange> {
  const before = parseQueuePolicy(await readPolicy(client, queueUrl));
  return writePolicy(client, queueUrl, before, withStatement(before, statement));
}

/**
 * Removes the statement `sid` from the queue's policy, keeping every other statement. Writes nothing when it
 * is not there, and answers `queue-missing` when the queue no longer exists.
 */
export async function removeQueuePolicyStatement(
  client: SQSClient,
  queueUrl: string,
  sid: string,
): Promise<QueuePolicyChange> {
  try {
    const before = parseQueuePolicy(await readPolicy(client, queueUrl));
    return await writePolicy(client, queueUrl, before, withoutStatement(before, sid));
  } catch (error) {
    if (isMissingQueue(error)) return 'queue-missing';
    throw error;
  }
}
