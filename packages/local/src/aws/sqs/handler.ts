import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  type JsonInput,
  type JsonProtocol,
  type JsonRequestOptions,
  serveJsonRequest,
} from '../json-protocol';
import { AwsServiceError, accessKeyOf } from '../protocol';
import { SqsError, SqsErrorCode } from './errors';
import {
  checkVisibilityTimeout,
  type LocalQueueStore,
  md5OfBody,
  md5OfMessageAttributes,
  type ReceivedQueueMessage,
  type SqsMessageAttribute,
} from './queue-store';

const MAX_BATCH_ENTRIES = 10;
const MAX_BATCH_BYTES = 1_048_576;

type Input = JsonInput;

/** What an operation gets besides its input. */
export interface SqsRequestContext {
  readonly store: LocalQueueStore;
  /** `http://host:port` of the endpoint; queue URLs are `{baseUrl}/queue/{region}/{account}/{name}`. */
  readonly baseUrl: string;
  /** Ends long polls when the request goes away or the endpoint closes. */
  readonly signal: AbortSignal;
  readonly senderId: string;
}

type Operation = (context: SqsRequestContext, input: Input) => Promise<unknown>;

const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

function required(input: Input, field: string): string {
  const value = input[field];
  if (typeof value !== 'string' || value === '') {
    throw new SqsError(SqsErrorCode.MISSING_PARAMETER, `The request must contain the parameter ${field}.`);
  }
  return value;
}

function integer(input: Input, field: string, min: number, max: number): number | undefined {
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

function stringMap(value: unknown): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new SqsError(SqsErrorCode.INVALID_PARAMETER_VALUE, 'Attributes must be a map of strings.');
  }
  return Object.fromEntries(Object.entries(value).map(([name, v]) => [name, String(v)]));
}

function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}

/**
 * `{baseUrl}/queue/{region}/{account}/{name}`: the path-style URL of an SQS emulator, naming the region and
 * account as AWS's `https://sqs.{region}.amazonaws.com/{account}/{name}` does, on an address this machine reaches.
 */
export function queueUrl(context: SqsRequestContext, queueName: string): string {
  return localQueueUrl(context.baseUrl, context.store, queueName);
}

/** The URL of a local queue on the endpoint at `baseUrl` (see `queueUrl`). */
export function localQueueUrl(
  baseUrl: string,
  scope: { readonly region: string; readonly account: string },
  queueName: string,
): string {
  return `${baseUrl}/queue/${scope.region}/${scope.account}/${queueName}`;
}

/** The queue name of a queue URL (any host: what matters is the path's last segment). */
function queueNameOf(input: Input): string {
  const url = required(input, 'QueueUrl');
  const name = url.split('?')[0].replace(/\/+$/, '').split('/').pop() ?? '';
  if (!/^[A-Za-z0-9_-]{1,80}(\.fifo)?$/.test(name)) {
    throw new SqsError(SqsErrorCode.QUEUE_DOES_NOT_EXIST, 'The specified queue does not exist.');
  }
  return name;
}

function messageAttributes(value: unknown): Record<string, SqsMessageAttribute> {
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
function selectAttributes(
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

function systemAttributes(message: ReceivedQueueMessage, names: readonly string[]): Record<string, string> {
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
function batchEntries(input: Input): Input[] {
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

function failure(id: string, error: unknown): Record<string, unknown> {
  if (error instanceof SqsError) {
    return { Id: id, SenderFault: error.statusCode < 500, Code: error.queryCode, Message: error.message };
  }
  throw error;
}

/** The SQS operations the local endpoint implements, by X-Amz-Target operation name (AWS JSON 1.0). */
export const sqsOperations: Readonly<Record<string, Operation>> = {
  CreateQueue: async (context, input) => {
    const name = required(input, 'QueueName');
    await context.store.createQueue(name, stringMap(input.Attributes));
    return { QueueUrl: queueUrl(context, name) };
  },
  GetQueueUrl: async (context, input) => {
    const name = required(input, 'QueueName');
    if (!(await context.store.queueExists(name))) {
      throw new SqsError(SqsErrorCode.QUEUE_DOES_NOT_EXIST, 'The specified queue does not exist.');
    }
    return { QueueUrl: queueUrl(context, name) };
  },
  ListQueues: async (context, input) => {
    const max = integer(input, 'MaxResults', 1, 1000);
    const names = await context.store.listQueues(str(input.QueueNamePrefix) ?? '');
    const token = str(input.NextToken);
    const start = token ? Number(Buffer.from(token, 'base64').toString('utf8')) || 0 : 0;
    const page = max === undefined ? names.slice(0, 1000) : names.slice(start, start + max);
    const next = max !== undefined && start + max < names.length ? start + max : undefined;
    return {
      QueueUrls: page.map((name) => queueUrl(context, name)),
      ...(next === undefined ? {} : { NextToken: Buffer.from(String(next)).toString('base64') }),
    };
  },
  DeleteQueue: async (context, input) => {
    await context.store.deleteQueue(queueNameOf(input));
    return {};
  },
  GetQueueAttributes: async (context, input) => {
    const names = stringList(input.AttributeNames);
    const attributes = await context.store.getAttributes(queueNameOf(input), names);
    return Object.keys(attributes).length === 0 ? {} : { Attributes: attributes };
  },
  SetQueueAttributes: async (context, input) => {
    await context.store.setAttributes(queueNameOf(input), stringMap(input.Attributes));
    return {};
  },
  PurgeQueue: async (context, input) => {
    await context.store.purge(queueNameOf(input));
    return {};
  },
  SendMessage: async (context, input) => {
    const attributes = messageAttributes(input.MessageAttributes);
    const message = await context.store.sendMessage(queueNameOf(input), required(input, 'MessageBody'), {
      messageAttributes: attributes,
      delaySeconds: integer(input, 'DelaySeconds', 0, 900),
      senderId: context.senderId,
    });
    const md5OfAttributes = md5OfMessageAttributes(attributes);
    return {
      MessageId: message.messageId,
      MD5OfMessageBody: md5OfBody(message.body),
      ...(md5OfAttributes ? { MD5OfMessageAttributes: md5OfAttributes } : {}),
    };
  },
  SendMessageBatch: async (context, input) => {
    const queueName = queueNameOf(input);
    const entries = batchEntries(input);
    const total = entries.reduce((sum, entry) => sum + Buffer.byteLength(str(entry.MessageBody) ?? ''), 0);
    if (total > MAX_BATCH_BYTES) {
      throw new SqsError(
        SqsErrorCode.BATCH_REQUEST_TOO_LONG,
        `Batch requests cannot be longer than ${MAX_BATCH_BYTES} bytes. You have sent ${total} bytes.`,
      );
    }
    if (!(await context.store.queueExists(queueName))) {
      throw new SqsError(SqsErrorCode.QUEUE_DOES_NOT_EXIST, 'The specified queue does not exist.');
    }
    const prepared = entries.map((entry) => {
      try {
        return {
          body: required(entry, 'MessageBody'),
          messageAttributes: messageAttributes(entry.MessageAttributes),
          delaySeconds: integer(entry, 'DelaySeconds', 0, 900),
          senderId: context.senderId,
        };
      } catch (error) {
        if (error instanceof SqsError) return error;
        throw error;
      }
    });
    const valid = prepared.filter(
      (entry): entry is Exclude<typeof entry, SqsError> => !(entry instanceof SqsError),
    );
    const sent = await context.store.sendMessages(queueName, valid);
    const Successful: Record<string, unknown>[] = [];
    const Failed: Record<string, unknown>[] = [];
    let next = 0;
    prepared.forEach((entry, index) => {
      const id = entries[index].Id as string;
      const result = entry instanceof SqsError ? entry : sent[next++];
      if (result instanceof SqsError) {
        Failed.push(failure(id, result));
        return;
      }
      const md5OfAttributes = md5OfMessageAttributes(result.messageAttributes);
      Successful.push({
        Id: id,
        MessageId: result.messageId,
        MD5OfMessageBody: md5OfBody(result.body),
        ...(md5OfAttributes ? { MD5OfMessageAttributes: md5OfAttributes } : {}),
      });
    });
    return { Successful, Failed };
  },
  ReceiveMessage: async (context, input) => {
    const queueName = queueNameOf(input);
    const maxMessages = integer(input, 'MaxNumberOfMessages', 1, 10) ?? 1;
    const visibilityTimeout = integer(input, 'VisibilityTimeout', 0, 43_200);
    let waitSeconds = integer(input, 'WaitTimeSeconds', 0, 20);
    if (waitSeconds === undefined) {
      const { ReceiveMessageWaitTimeSeconds } = await context.store.getAttributes(queueName, [
        'ReceiveMessageWaitTimeSeconds',
      ]);
      waitSeconds = Number(ReceiveMessageWaitTimeSeconds ?? 0);
    }
    const systemNames = [
      ...stringList(input.AttributeNames),
      ...stringList(input.MessageSystemAttributeNames),
    ];
    const attributeNames = stringList(input.MessageAttributeNames);
    const messages = await context.store.receive(queueName, {
      maxMessages,
      visibilityTimeoutSeconds: visibilityTimeout,
      waitMs: waitSeconds * 1000,
      signal: context.signal,
    });
    // Like SQS, an empty receive answers `{}`.
    if (messages.length === 0) return {};
    return {
      Messages: messages.map((message) => {
        const attributes = selectAttributes(message.messageAttributes, attributeNames);
        const system = systemAttributes(message, systemNames);
        const md5OfAttributes = md5OfMessageAttributes(attributes);
        return {
          MessageId: message.messageId,
          ReceiptHandle: message.receiptHandle,
          MD5OfBody: md5OfBody(message.body),
          Body: message.body,
          ...(Object.keys(system).length > 0 ? { Attributes: system } : {}),
          ...(md5OfAttributes
            ? { MD5OfMessageAttributes: md5OfAttributes, MessageAttributes: attributes }
            : {}),
        };
      }),
    };
  },
  DeleteMessage: async (context, input) => {
    await context.store.deleteMessage(queueNameOf(input), required(input, 'ReceiptHandle'));
    return {};
  },
  DeleteMessageBatch: async (context, input) => {
    const queueName = queueNameOf(input);
    const entries = batchEntries(input);
    if (!(await context.store.queueExists(queueName))) {
      throw new SqsError(SqsErrorCode.QUEUE_DOES_NOT_EXIST, 'The specified queue does not exist.');
    }
    const Successful: Record<string, unknown>[] = [];
    const Failed: Record<string, unknown>[] = [];
    for (const entry of entries) {
      const id = entry.Id as string;
      try {
        await context.store.deleteMessage(queueName, required(entry, 'ReceiptHandle'));
        Successful.push({ Id: id });
      } catch (error) {
        Failed.push(failure(id, error));
      }
    }
    return { Successful, Failed };
  },
  ChangeMessageVisibility: async (context, input) => {
    const seconds = input.VisibilityTimeout;
    if (typeof seconds !== 'number') {
      throw new SqsError(
        SqsErrorCode.MISSING_PARAMETER,
        'The request must contain the parameter VisibilityTimeout.',
      );
    }
    checkVisibilityTimeout(seconds);
    await context.store.changeVisibility(queueNameOf(input), required(input, 'ReceiptHandle'), seconds);
    return {};
  },
  ChangeMessageVisibilityBatch: async (context, input) => {
    const queueName = queueNameOf(input);
    const entries = batchEntries(input);
    if (!(await context.store.queueExists(queueName))) {
      throw new SqsError(SqsErrorCode.QUEUE_DOES_NOT_EXIST, 'The specified queue does not exist.');
    }
    const Successful: Record<string, unknown>[] = [];
    const Failed: Record<string, unknown>[] = [];
    for (const entry of entries) {
      const id = entry.Id as string;
      try {
        const seconds = typeof entry.VisibilityTimeout === 'number' ? entry.VisibilityTimeout : 0;
        await context.store.changeVisibility(queueName, required(entry, 'ReceiptHandle'), seconds);
        Successful.push({ Id: id });
      } catch (error) {
        Failed.push(failure(id, error));
      }
    }
    return { Successful, Failed };
  },
};

/**
 * SQS errors as SQS answers them: `__type` the shape (`com.amazonaws.sqs#QueueDoesNotExist`) and
 * `x-amzn-query-error` the legacy code (`AWS.SimpleQueueService.NonExistentQueue;Sender`).
 */
export function toSqsAwsError(error: unknown): AwsServiceError {
  if (error instanceof SqsError) {
    return new AwsServiceError(`com.amazonaws.sqs#${error.code}`, error.message, error.statusCode, {
      'x-amzn-query-error': `${error.queryCode};Sender`,
    });
  }
  const awsError =
    error instanceof AwsServiceError ? error : new AwsServiceError('InternalFailure', 'Internal error.', 500);
  return new AwsServiceError(awsError.code, awsError.message, awsError.statusCode, {
    'x-amzn-query-error': `${awsError.code};${awsError.statusCode >= 500 ? 'Receiver' : 'Sender'}`,
  });
}

/** SQS's AWS JSON 1.0 protocol (`X-Amz-Target: AmazonSQS.<Operation>`), spoken by the SDK v3 and the aws CLI v2. */
export const sqsProtocol: JsonProtocol<SqsRequestContext> = {
  targetPrefix: 'AmazonSQS.',
  contentType: 'application/x-amz-json-1.0',
  operations: sqsOperations,
  unsupportedDetail: ' by the local SQS (AWS JSON 1.0 protocol only)',
  toAwsError: toSqsAwsError,
};

/** Serves one SQS request in the AWS JSON 1.0 protocol. */
export function handleSqsRequest(
  store: LocalQueueStore,
  request: IncomingMessage,
  response: ServerResponse,
  options: JsonRequestOptions & { readonly baseUrl: string; readonly account: string },
): Promise<void> {
  return serveJsonRequest(
    sqsProtocol,
    ({ signal }) => ({
      store,
      baseUrl: options.baseUrl,
      signal,
      senderId: accessKeyOf(request) ?? options.account,
    }),
    request,
    response,
    options,
  );
}
