import type { SQSClient } from '@aws-sdk/client-sqs';
import type { Logger } from '@bridgeport/edge';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import {
  type CustomResourceResponse,
  failed,
  isFailedCreate,
  stringProperty,
  succeeded,
} from './custom-resource';
import { brokerLogger } from './logger';
import {
  addQueuePolicyStatement,
  type QueuePolicyStatement,
  removeQueuePolicyStatement,
} from './queue-policy';

/** Resource type of the custom resource that keeps one statement in an SQS queue's policy. */
export const QUEUE_POLICY_STATEMENT_TYPE = 'Custom::BridgeportQueuePolicyStatement';

/** Properties of that custom resource. */
export const QueuePolicyStatementProperty = {
  QUEUE_URL: 'QueueUrl',
  /** The statement's id, unique to the subscription within the queue's policy. */
  SID: 'Sid',
  /** The statement as a JSON object (its `Sid` is set from the `Sid` property). */
  STATEMENT: 'Statement',
} as const;

export interface QueuePolicyStatementOptions {
  readonly sqs: SQSClient;
  /** @default brokerLogger */
  readonly logger?: Logger;
}

const SID_PATTERN = /^[A-Za-z0-9]{1,100}$/;

function statementOf(event: CloudFormationCustomResourceEvent, sid: string): QueuePolicyStatement {
  const text = stringProperty(event, QueuePolicyStatementProperty.STATEMENT);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new Error(`Property ${QueuePolicyStatementProperty.STATEMENT} must be a JSON object`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new Error(`Property ${QueuePolicyStatementProperty.STATEMENT} must be a JSON object`);
  }
  return { ...(parsed as Record<string, unknown>), Sid: sid };
}

function sidOf(event: CloudFormationCustomResourceEvent): string {
  const sid = stringProperty(event, QueuePolicyStatementProperty.SID);
  if (!SID_PATTERN.test(sid)) {
    throw new Error(
      `Property ${QueuePolicyStatementProperty.SID} must be 1 to 100 letters and digits, got ${sid}`,
    );
  }
  return sid;
}

/**
 * Handles the queue policy statement custom resource of an SQS consumer stack. Create and Update add (or
 * replace) the statement `Sid` in the queue's existing policy; Delete removes only that statement. Other
 * statements (other subscriptions', the owner's) are kept, and a retried request changes nothing more.
 * The physical id names the queue and the statement, so moving the statement to another queue or `Sid`
 * makes CloudFormation delete the old one.
 */
export async function handleQueuePolicyStatementEvent(
  event: CloudFormationCustomResourceEvent,
  options: QueuePolicyStatementOptions,
): Promise<CustomResourceResponse> {
  const logger = options.logger ?? brokerLogger;
  try {
    if (event.RequestType === 'Delete') {
      if (isFailedCreate(event.PhysicalResourceId)) return succeeded(event, event.PhysicalResourceId);
      const queueUrl = stringProperty(event, QueuePolicyStatementProperty.QUEUE_URL);
      const sid = sidOf(event);
      const change = await removeQueuePolicyStatement(options.sqs, queueUrl, sid);
      logger.info('Removed the statement from the queue policy', { queueUrl, sid, change });
      return succeeded(event, event.PhysicalResourceId);
    }
    const queueUrl = stringProperty(event, QueuePolicyStatementProperty.QUEUE_URL);
    const sid = sidOf(event);
    const change = await addQueuePolicyStatement(options.sqs, queueUrl, statementOf(event, sid));
    logger.info('Added the statement to the queue policy', { queueUrl, sid, change });
    return succeeded(event, `${queueUrl}#${sid}`);
  } catch (error) {
    return failed(event, 'Changing the queue policy', error, logger);
  }
}
