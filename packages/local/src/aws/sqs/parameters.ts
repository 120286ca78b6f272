/** Reading the parameters of SQS requests (AWS JSON 1.0), with SQS's own errors for what is missing or wrong. */
import { checkVisibilityTimeout } from './attributes';
import { SqsError, SqsErrorCode } from './errors';
import type { ReceivedQueueMessage } from './queue-store';
import type { SqsMessageAttribute } from './wire';

const MAX_BATCH_ENTRIES = 10;

type Input = Record<string, unknown>;

export const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

export function required(input: Input, field: string): string {
  const value = input[field];
  if (typeof value !== 'string' || value === '') {
    throw new SqsError(SqsErrorCode.MISSING_PARAMETER, `The request must contain the parameter ${field}.`);
  }
  return value;
}

export function integer(input: Input, field: string, min: number, max: number): number | undefined {
  const value = input[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new SqsError(
      SqsErrorCode.INVALID_PARAMETER_VALUE,
      `Value ${String(value)} for parameter ${field} is invalid. Reason: Must be between ${min} and ${max}, if provided.`,
    );
  }
  return value;
}

export function stringMap(value: unknown): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new SqsError(SqsErrorCode.INVALID_PARAMETER_VALUE, 'Attributes must be a map of strings.');
  }
  return Object.fromEntries(Object.entries(value).map(([name, v]) => [name, String(v)]));
}

/** A required VisibilityTimeout (`parameter` names it in the error), 0–43200. */
export function visibilityTimeout(input: Input, parameter: string): number {
  const seconds = input.VisibilityTimeout;
  if (typeof seconds !== 'number') {
    throw new SqsError(
      SqsErrorCode.MISSING_PARAMETER,
      `The request must contain the parameter ${parameter}.`,
    );
  }
  checkVisibilityTimeout(seconds);
  return seconds;
}

export function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}

/** The queue name of a queue URL (any host: what matters is the path's last segment). */
export function queueNameOf(input: Input): string {
  const url = required(input, 'QueueUrl');
  const name = url.split('?')[0].replace(/\/+$/, '').split('/').pop() ?? '';
  if (!/^[A-Za-z0-9_-]{1,80}(\.fifo)?$/.test(name)) {
    throw new SqsError(SqsErrorCode.QUEUE_DOES_NOT_EXIST, 'The specified queue does not exist.');
  }
  return name;
}

export function messageAttributes(value: unknown): Record<string, SqsMessageAttribute> {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new SqsError(SqsErrorCode.INVALID_PARAMETER_VALUE, 'MessageAttributes must be a map.');
  }
  const attributes: Record<string, SqsMessageAttribute> = {};
  for (const [name, raw] of Object.entries(value as Record<string, unknown>)) {
    const attribute = (raw ?? {}) as Record<string, unknown>;
    const dataType = str(attribute.DataType);
    if (!dataType || !/^(String|Number|Binary)(\..+)?$/.test(dataType)) {
      throw new SqsError(
        SqsErrorCode.INVALID_PARAMETER_VALUE,
        `The message attribute '${name}' has an invalid message attribute type, the set of supported type prefixes is Binary, Number, and String.`,
      );
    }
    const binary = dataType.startsWith('Binary');
    const stringValue = str(attribute.StringValue);
    const binaryValue = str(attribute.BinaryValue);
    if ((binary && binaryValue === undefined) || (!binary && stringValue === undefined)) {
      throw new SqsError(
        SqsErrorCode.INVALID_PARAMETER_VALUE,
        `The message attribute '${name}' must contain non-empty message attribute value for message attribute type '${dataType}'.`,
      );
    }
    attributes[name] = binary
      ? { DataType: dataType, BinaryValue: binaryValue }
      : { DataType: dataType, StringValue: stringValue };
  }
  return attributes;
}

/** The message attributes a receiver asked for: `All`, `.*`, `prefix.*` or exact names. */
export function selectAttributes(
  attributes: Readonly<Record<string, SqsMessageAttribute>>,
  names: readonly string[],
): Record<string, SqsMessageAttribute> {
  const selected: Record<string, SqsMessageAttribute> = {};
  for (const [name, attribute] of Object.entries(attributes)) {
    const wanted = names.some(
      (pattern) =>
        pattern === 'All' ||
        pattern === '.*' ||
        pattern === name ||
        (pattern.endsWith('.*') && name.startsWith(pattern.slice(0, -1))),
    );
    if (wanted) selected[name] = attribute;
  }
  return selected;
}

const SYSTEM_ATTRIBUTES = [
  'SenderId',
  'SentTimestamp',
  'ApproximateReceiveCount',
  'ApproximateFirstReceiveTimestamp',
] as const;

export function systemAttributes(
  message: ReceivedQueueMessage,
  names: readonly string[],
): Record<string, string> {
  const values: Record<(typeof SYSTEM_ATTRIBUTES)[number], string> = {
    SenderId: message.senderId,
    SentTimestamp: String(message.sentAt),
    ApproximateReceiveCount: String(message.receiveCount),
    ApproximateFirstReceiveTimestamp: String(message.firstReceivedAt),
  };
  const all = names.includes('All');
  return Object.fromEntries(
    SYSTEM_ATTRIBUTES.filter((name) => all || names.includes(name)).map((name) => [name, values[name]]),
  );
}

/** Checks a batch's entries: present, at most 10, ids valid and distinct. */
export function batchEntries(input: Input): Input[] {
  const entries = Array.isArray(input.Entries) ? (input.Entries as Input[]) : [];
  if (entries.length === 0) {
    throw new SqsError(
      SqsErrorCode.EMPTY_BATCH_REQUEST,
      'There should be at least one entry in the request.',
    );
  }
  if (entries.length > MAX_BATCH_ENTRIES) {
    throw new SqsError(
      SqsErrorCode.TOO_MANY_ENTRIES_IN_BATCH_REQUEST,
      `Maximum number of entries per request are ${MAX_BATCH_ENTRIES}. You have sent ${entries.length}.`,
    );
  }
  const ids = new Set<string>();
  for (const entry of entries) {
    const id = str(entry.Id) ?? '';
    if (!/^[A-Za-z0-9_-]{1,80}$/.test(id)) {
      throw new SqsError(
        SqsErrorCode.INVALID_BATCH_ENTRY_ID,
        'A batch entry id can only contain alphanumeric characters, hyphens and underscores. It can be at most 80 letters long.',
      );
    }
    if (ids.has(id)) {
      throw new SqsError(SqsErrorCode.BATCH_ENTRY_IDS_NOT_DISTINCT, `Id ${id} repeated.`);
    }
    ids.add(id);
  }
  return entries;
}
