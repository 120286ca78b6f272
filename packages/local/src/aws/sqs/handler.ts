import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  type JsonInput,
  type JsonProtocol,
  type JsonRequestOptions,
  serveJsonRequest,
} from '../json-protocol';
import { AwsServiceError, accessKeyOf } from '../protocol';
import { maySend, principalOf } from './access';
import { SqsError, SqsErrorCode } from './errors';
import {
  batchEntries,
  integer,
  messageAttributes,
  queueNameOf,
  required,
  selectAttributes,
  str,
  stringList,
  stringMap,
  systemAttributes,
  visibilityTimeout,
} from './parameters';
import type { LocalQueueMessage } from './queue-log';
import type { LocalQueueStore, SendOptions } from './queue-store';
import { md5OfBody, md5OfMessageAttributes } from './wire';

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
  /** Who is calling (see `principalOf`): sending to a queue with a `Policy` must be allowed to it. */
  readonly principal: string;
}

/** Refuses (AccessDenied, 403) a sender the queue's policy does not admit, as SQS does; see `maySend`. */
async function requireSend(context: SqsRequestContext, queueName: string): Promise<void> {
  const { Policy: policy } = await context.store.getAttributes(queueName, ['Policy']);
  const queueArn = context.store.queueArn(queueName);
  if (!maySend(policy, context.principal, queueArn, context.store.account)) {
    throw new SqsError(
      SqsErrorCode.ACCESS_DENIED,
      `User: ${context.principal} is not authorized to perform: sqs:sendmessage on resource: ${queueArn} because no resource-based policy allows the sqs:sendmessage action`,
    );
  }
}

type SendEntry = SendOptions & { readonly body: string };

type Operation = (context: SqsRequestContext, input: Input) => Promise<unknown>;

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

/** One entry's outcome: its result fields, or the SQS error that failed it alone. */
type EntryResult = Record<string, unknown> | SqsError;

/** Runs one entry's work; an SQS error fails that entry only, anything else fails the request. */
async function settle<T>(work: () => T | Promise<T>): Promise<T | SqsError> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof SqsError) return error;
    throw error;
  }
}

/**
 * The shape every SQS batch operation shares: the queue, 1–10 entries with distinct valid ids (`check` may
 * refuse the whole request), the queue must exist, then one result per entry, reported in `Successful`
 * (`{ Id, ...fields }`) or `Failed` (`{ Id, SenderFault, Code, Message }`) in the entries' order.
 */
async function batch(
  context: SqsRequestContext,
  input: Input,
  run: (queueName: string, entries: readonly Input[]) => Promise<EntryResult[]>,
  check?: (entries: readonly Input[]) => void,
): Promise<{ Successful: Record<string, unknown>[]; Failed: Record<string, unknown>[] }> {
  const queueName = queueNameOf(input);
  const entries = batchEntries(input);
  check?.(entries);
  if (!(await context.store.queueExists(queueName))) {
    throw new SqsError(SqsErrorCode.QUEUE_DOES_NOT_EXIST, 'The specified queue does not exist.');
  }
  const results = await run(queueName, entries);
  const Successful: Record<string, unknown>[] = [];
  const Failed: Record<string, unknown>[] = [];
  results.forEach((result, index) => {
    const id = entries[index].Id as string;
    if (result instanceof SqsError) {
      Failed.push({
        Id: id,
        SenderFault: result.statusCode < 500,
        Code: result.queryCode,
        Message: result.message,
      });
    } else {
      Successful.push({ Id: id, ...result });
    }
  });
  return { Successful, Failed };
}

/** What SendMessage and SendMessageBatch answer for a sent message. */
function sentOutput(message: LocalQueueMessage): Record<string, unknown> {
  const md5OfAttributes = md5OfMessageAttributes(message.messageAttributes);
  return {
    MessageId: message.messageId,
    MD5OfMessageBody: md5OfBody(message.body),
    ...(md5OfAttributes ? { MD5OfMessageAttributes: md5OfAttributes } : {}),
  };
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
    await requireSend(context, queueNameOf(input));
    const message = await context.store.sendMessage(queueNameOf(input), required(input, 'MessageBody'), {
      messageAttributes: attributes,
      delaySeconds: integer(input, 'DelaySeconds', 0, 900),
      senderId: context.senderId,
    });
    return sentOutput(message);
  },
  SendMessageBatch: (context, input) =>
    batch(
      context,
      input,
      async (queueName, entries) => {
        await requireSend(context, queueName);
        const prepared = await Promise.all(
          entries.map((entry) =>
            settle(
              (): SendEntry => ({
                body: required(entry, 'MessageBody'),
                messageAttributes: messageAttributes(entry.MessageAttributes),
                delaySeconds: integer(entry, 'DelaySeconds', 0, 900),
                senderId: context.senderId,
              }),
            ),
          ),
        );
        const valid = prepared.filter((entry): entry is SendEntry => !(entry instanceof SqsError));
        const sent = await context.store.sendMessages(queueName, valid);
        let next = 0;
        return prepared.map((entry) => {
          if (entry instanceof SqsError) return entry;
          const result = sent[next++];
          return result instanceof SqsError ? result : sentOutput(result);
        });
      },
      (entries) => {
        const total = entries.reduce(
          (sum, entry) => sum + Buffer.byteLength(str(entry.MessageBody) ?? ''),
          0,
        );
        if (total > MAX_BATCH_BYTES) {
          throw new SqsError(
            SqsErrorCode.BATCH_REQUEST_TOO_LONG,
            `Batch requests cannot be longer than ${MAX_BATCH_BYTES} bytes. You have sent ${total} bytes.`,
          );
        }
      },
    ),
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
  DeleteMessageBatch: (context, input) =>
    batch(context, input, async (queueName, entries) => {
      const results: EntryResult[] = [];
      for (const entry of entries) {
        results.push(
          await settle(async () => {
            await context.store.deleteMessage(queueName, required(entry, 'ReceiptHandle'));
            return {};
          }),
        );
      }
      return results;
    }),
  ChangeMessageVisibility: async (context, input) => {
    const seconds = visibilityTimeout(input, 'VisibilityTimeout');
    await context.store.changeVisibility(queueNameOf(input), required(input, 'ReceiptHandle'), seconds);
    return {};
  },
  ChangeMessageVisibilityBatch: (context, input) =>
    batch(context, input, async (queueName, entries) => {
      const results: EntryResult[] = [];
      for (const [index, entry] of entries.entries()) {
        results.push(
          await settle(async () => {
            // As SQS: the timeout is required in each entry too, and its absence fails that entry.
            const seconds = visibilityTimeout(
              entry,
              `ChangeMessageVisibilityBatchRequestEntry.${index + 1}.VisibilityTimeout`,
            );
            await context.store.changeVisibility(queueName, required(entry, 'ReceiptHandle'), seconds);
            return {};
          }),
        );
      }
      return results;
    }),
};

/**
 * SQS errors as SQS answers them: `__type` the shape (`com.amazonaws.sqs#QueueDoesNotExist`) and
 * `x-amzn-query-error` the legacy code (`AWS.SimpleQueueService.NonExistentQueue;Sender`).
 */
export function toSqsAwsError(error: unknown): AwsServiceError {
  if (error instanceof SqsError) {
    const namespace =
      error.code === SqsErrorCode.ACCESS_DENIED ? 'com.amazon.coral.service' : 'com.amazonaws.sqs';
    return new AwsServiceError(`${namespace}#${error.code}`, error.message, error.statusCode, {
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
  options: JsonRequestOptions & {
    readonly baseUrl: string;
    readonly account: string;
    /** Access key ids mapped to principal ARNs; any other key is the account's root. @default none */
    readonly principals?: Readonly<Record<string, string>>;
  },
): Promise<void> {
  return serveJsonRequest(
    sqsProtocol,
    ({ signal }) => ({
      store,
      baseUrl: options.baseUrl,
      signal,
      senderId: accessKeyOf(request) ?? options.account,
      principal: principalOf(accessKeyOf(request), options.principals ?? {}, store),
    }),
    request,
    response,
    options,
  );
}
