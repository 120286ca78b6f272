import { SqsError, SqsErrorCode } from './errors';
import type { Entry } from './queue-log';

/** A queue's redrive policy, parsed. */
export interface RedrivePolicy {
  readonly deadLetterTargetArn: string;
  readonly maxReceiveCount: number;
}

/** Queue attributes a caller may set, with their defaults and limits. */
export const QUEUE_ATTRIBUTES: Record<
  string,
  { readonly default: string; readonly min?: number; readonly max?: number }
> = {
  DelaySeconds: { default: '0', min: 0, max: 900 },
  MaximumMessageSize: { default: '262144', min: 1024, max: 1_048_576 },
  MessageRetentionPeriod: { default: '345600', min: 60, max: 1_209_600 },
  ReceiveMessageWaitTimeSeconds: { default: '0', min: 0, max: 20 },
  VisibilityTimeout: { default: '30', min: 0, max: 43_200 },
  RedrivePolicy: { default: '' },
  RedriveAllowPolicy: { default: '' },
  Policy: { default: '' },
  SqsManagedSseEnabled: { default: 'true' },
  KmsMasterKeyId: { default: '' },
  KmsDataKeyReusePeriodSeconds: { default: '300', min: 60, max: 86_400 },
};

/** Attributes only SQS computes. */
export const COMPUTED_ATTRIBUTES = [
  'ApproximateNumberOfMessages',
  'ApproximateNumberOfMessagesNotVisible',
  'ApproximateNumberOfMessagesDelayed',
  'CreatedTimestamp',
  'LastModifiedTimestamp',
  'QueueArn',
] as const;

/** The computed attributes that count the queue's messages: a walk over every message, so only when asked for. */
export const APPROXIMATE_COUNTS = [
  'ApproximateNumberOfMessages',
  'ApproximateNumberOfMessagesNotVisible',
  'ApproximateNumberOfMessagesDelayed',
] as const;

/**
 * The queue's messages counted at `now` as SQS counts them: delayed (never received, its delay not over), in
 * flight (received, its visibility timeout not over) or visible.
 */
export function approximateCounts(
  entries: Iterable<Entry>,
  now: number,
): Record<(typeof APPROXIMATE_COUNTS)[number], string> {
  let visible = 0;
  let inFlight = 0;
  let delayed = 0;
  for (const entry of entries) {
    if (entry.message.visibleAt > now && entry.receiveCount === 0) delayed += 1;
    else if (entry.invisibleUntil > now) inFlight += 1;
    else visible += 1;
  }
  return {
    ApproximateNumberOfMessages: String(visible),
    ApproximateNumberOfMessagesNotVisible: String(inFlight),
    ApproximateNumberOfMessagesDelayed: String(delayed),
  };
}

export const QUEUE_NAME = /^[A-Za-z0-9_-]{1,80}$/;

/** A queue as `queues.json` keeps it. */
export interface StoredQueue {
  attributes: Record<string, string>;
  /** Epoch seconds. */
  createdAt: number;
  lastModifiedAt: number;
}

export function checkQueueName(queueName: string): void {
  if (queueName.endsWith('.fifo')) {
    throw new SqsError(
      SqsErrorCode.UNSUPPORTED_OPERATION,
      'FIFO queues are not supported by the local runtime; use a standard queue.',
    );
  }
  if (!QUEUE_NAME.test(queueName)) {
    throw new SqsError(
      SqsErrorCode.INVALID_PARAMETER_VALUE,
      'Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length',
    );
  }
}

export function checkVisibilityTimeout(seconds: number): void {
  if (!Number.isInteger(seconds) || seconds < 0 || seconds > 43_200) {
    throw new SqsError(
      SqsErrorCode.INVALID_PARAMETER_VALUE,
      `Value ${seconds} for parameter VisibilityTimeout is invalid. Reason: Must be >= 0 and <= 43200.`,
    );
  }
}

export function invalidAttributeValue(name: string, value: string, reason: string): SqsError {
  return new SqsError(
    SqsErrorCode.INVALID_ATTRIBUTE_VALUE,
    `Invalid value for the parameter ${name}. Reason: ${reason}`,
    { name, value },
  );
}

/** A RedrivePolicy attribute (maxReceiveCount may be a string, as SQS returns it), or undefined. */
export function parseRedrivePolicy(value: string | undefined): RedrivePolicy | undefined {
  if (!value) return undefined;
  try {
    const parsed = JSON.parse(value) as { deadLetterTargetArn?: unknown; maxReceiveCount?: unknown };
    const maxReceiveCount = Number(parsed.maxReceiveCount);
    if (
      typeof parsed.deadLetterTargetArn !== 'string' ||
      !Number.isInteger(maxReceiveCount) ||
      maxReceiveCount < 1 ||
      maxReceiveCount > 1000
    )
      return undefined;
    return { deadLetterTargetArn: parsed.deadLetterTargetArn, maxReceiveCount };
  } catch {
    return undefined;
  }
}

/**
 * The attributes a caller sets, checked: known names, numbers in range, a redrive policy naming an existing
 * dead-letter queue (normalised to its JSON). `FifoQueue: false` is accepted and dropped.
 */
export async function checkAttributes(
  attributes: Readonly<Record<string, string>>,
  queueName: string,
  queueExists: (queueName: string) => Promise<boolean>,
): Promise<Record<string, string>> {
  const checked: Record<string, string> = {};
  for (const [name, raw] of Object.entries(attributes)) {
    const spec = QUEUE_ATTRIBUTES[name];
    if (spec === undefined || name === 'FifoQueue') {
      if (name === 'FifoQueue' && raw === 'false') continue;
      throw new SqsError(SqsErrorCode.INVALID_ATTRIBUTE_NAME, `Unknown Attribute ${name}.`, { name });
    }
    const value = String(raw);
    if (spec.min !== undefined && spec.max !== undefined) {
      const number = Number(value);
      if (value.trim() === '' || !Number.isInteger(number) || number < spec.min || number > spec.max) {
        throw invalidAttributeValue(name, value, `must be an integer from ${spec.min} to ${spec.max}`);
      }
    }
    if (name === 'RedrivePolicy' && value !== '') {
      const policy = parseRedrivePolicy(value);
      if (policy === undefined) {
        throw invalidAttributeValue(
          name,
          value,
          'Redrive policy must be a JSON object with deadLetterTargetArn and maxReceiveCount (1 to 1000).',
        );
      }
      const target = queueNameOfArn(policy.deadLetterTargetArn);
      if (target === undefined || target === queueName || !(await queueExists(target))) {
        throw invalidAttributeValue(name, value, 'Dead letter target does not exist.');
      }
      checked[name] = JSON.stringify(policy);
      continue;
    }
    checked[name] = value;
  }
  return checked;
}

/** `arn:…:sqs:region:account:name` → name. */
export function queueNameOfArn(arn: string): string | undefined {
  const parts = arn.split(':');
  return parts.length === 6 && parts[0] === 'arn' && parts[2] === 'sqs' ? parts[5] : undefined;
}
