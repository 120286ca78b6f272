import { createHash, randomUUID } from 'node:crypto';
import { SqsError, SqsErrorCode } from './errors';

/** A message attribute as SQS carries it; binary values are bytes. */
export interface SqsMessageAttribute {
  readonly DataType: string;
  readonly StringValue?: string;
  /** Base64, as the AWS JSON protocol writes blobs. */
  readonly BinaryValue?: string;
}

/** A new receipt handle for a message handed out now: the queue, the message id and a nonce. */
export function receiptHandle(queueName: string, messageId: string): string {
  return Buffer.from(`${queueName} ${messageId} ${randomUUID()}`).toString('base64');
}

/** The message id of a receipt handle of `queueName`; anything else is `ReceiptHandleIsInvalid`. */
export function parseReceiptHandle(handle: string, queueName: string): { messageId: string } {
  const [queue, messageId, nonce] = Buffer.from(handle, 'base64').toString('utf8').split(' ');
  if (queue !== queueName || !messageId || !nonce) {
    throw new SqsError(
      SqsErrorCode.RECEIPT_HANDLE_IS_INVALID,
      `The input receipt handle "${handle}" is not a valid receipt handle.`,
    );
  }
  return { messageId };
}

/** The size message attributes count towards a message's size limit. */
export function attributesSize(attributes: Readonly<Record<string, SqsMessageAttribute>>): number {
  let size = 0;
  for (const [name, attribute] of Object.entries(attributes)) {
    size += Buffer.byteLength(name) + Buffer.byteLength(attribute.DataType);
    size += attribute.StringValue !== undefined ? Buffer.byteLength(attribute.StringValue) : 0;
    size += attribute.BinaryValue !== undefined ? Buffer.from(attribute.BinaryValue, 'base64').length : 0;
  }
  return size;
}

/** MD5 (hex) of a message body, as SQS returns it in `MD5OfBody` / `MD5OfMessageBody`. */
export function md5OfBody(body: string): string {
  return createHash('md5').update(body, 'utf8').digest('hex');
}

/** MD5 (hex) of message attributes, by SQS's documented encoding; undefined when there are none. */
export function md5OfMessageAttributes(
  attributes: Readonly<Record<string, SqsMessageAttribute>>,
): string | undefined {
  const names = Object.keys(attributes).sort();
  if (names.length === 0) return undefined;
  const hash = createHash('md5');
  const lengthPrefixed = (bytes: Buffer) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(bytes.length);
    hash.update(length);
    hash.update(bytes);
  };
  for (const name of names) {
    const attribute = attributes[name];
    lengthPrefixed(Buffer.from(name, 'utf8'));
    lengthPrefixed(Buffer.from(attribute.DataType, 'utf8'));
    if (attribute.BinaryValue !== undefined) {
      hash.update(Buffer.from([2]));
      lengthPrefixed(Buffer.from(attribute.BinaryValue, 'base64'));
    } else {
      hash.update(Buffer.from([1]));
      lengthPrefixed(Buffer.from(attribute.StringValue ?? '', 'utf8'));
    }
  }
  return hash.digest('hex');
}
