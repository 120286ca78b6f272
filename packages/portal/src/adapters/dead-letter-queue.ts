import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  type Message,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';

export interface DeadLetterQueueOptions {
  readonly client: SQSClient;
  /**
   * How long messages read for a listing or a redrive stay hidden from other readers, should the portal stop
   * before handing them back. @default 60 s
   */
  readonly holdSeconds?: number;
  /**
   * Long-poll wait of each receive: SQS answers an empty short poll while sampled servers hold nothing, so a
   * scan ends only when a long poll finds nothing. @default 1 s
   */
  readonly waitSeconds?: number;
}

/** A message read from a dead-letter queue, hidden from other readers until released or deleted. */
export interface HeldMessage {
  readonly messageId: string;
  readonly receiptHandle: string;
  readonly body: string;
  readonly attributes: Readonly<Record<string, string>>;
  /** Epoch milliseconds the message was sent (dead-lettered). */
  readonly sentAt: number;
}

/** The messages of one queue held by a scan. */
export interface Scan {
  readonly queueUrl: string;
  readonly messages: HeldMessage[];
}

/**
 * A subscription's dead-letter queue, read through the SQS API (the same calls against AWS and the local
 * runtime). SQS has no "peek": a scan receives messages with a visibility timeout so each one is seen once, and
 * hands back those it does not consume (`release`), which makes them visible again at once.
 */
export class DeadLetterQueues {
  private readonly client: SQSClient;
  private readonly holdSeconds: number;
  private readonly waitSeconds: number;

  constructor(options: DeadLetterQueueOptions) {
    this.client = options.client;
    this.holdSeconds = options.holdSeconds ?? 60;
    this.waitSeconds = options.waitSeconds ?? 1;
  }

  /** The queue's URL, or undefined when it does not exist (the consumer is not deployed, or gone). */
  async url(queueName: string): Promise<string | undefined> {
    try {
      const { QueueUrl } = await this.client.send(new GetQueueUrlCommand({ QueueName: queueName }));
      return QueueUrl;
    } catch (error) {
      if ((error as Error).name === 'QueueDoesNotExist') return undefined;
      throw error;
    }
  }

  /** Messages in the queue, visible or held (SQS's approximate counts). */
  async count(queueUrl: string): Promise<number> {
    const { Attributes = {} } = await this.client.send(
      new GetQueueAttributesCommand({
        QueueUrl: queueUrl,
        AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
      }),
    );
    return (
      Number(Attributes.ApproximateNumberOfMessages ?? 0) +
      Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0)
    );
  }

  /**
   * Receives up to `max` messages (stopping early once `enough` says so), each held until released or deleted.
   */
  async scan(
    queueUrl: string,
    max: number,
    enough: (held: readonly HeldMessage[]) => boolean = () => false,
  ): Promise<Scan> {
    const messages: HeldMessage[] = [];
    while (messages.length < max && !enough(messages)) {
      const { Messages = [] } = await this.client.send(
        new ReceiveMessageCommand({
          QueueUrl: queueUrl,
          MaxNumberOfMessages: Math.min(10, max - messages.length),
          VisibilityTimeout: this.holdSeconds,
          WaitTimeSeconds: this.waitSeconds,
          MessageAttributeNames: ['All'],
          MessageSystemAttributeNames: ['SentTimestamp'],
        }),
      );
      if (Messages.length === 0) break;
      messages.push(...Messages.map(held));
    }
    return { queueUrl, messages };
  }

  /** Makes held messages visible again at once. */
  async release(queueUrl: string, messages: readonly HeldMessage[]): Promise<void> {
    for (const batch of batches(messages)) {
      await this.client.send(
        new ChangeMessageVisibilityBatchCommand({
          QueueUrl: queueUrl,
          Entries: batch.map((message, index) => ({
            Id: String(index),
            ReceiptHandle: message.receiptHandle,
            VisibilityTimeout: 0,
          })),
        }),
      );
    }
  }

  /** Deletes held messages; the ids of those that could not be deleted are returned. */
  async delete(queueUrl: string, messages: readonly HeldMessage[]): Promise<string[]> {
    const failed: string[] = [];
    for (const batch of batches(messages)) {
      const result = await this.client.send(
        new DeleteMessageBatchCommand({
          QueueUrl: queueUrl,
          Entries: batch.map((message, index) => ({
            Id: String(index),
            ReceiptHandle: message.receiptHandle,
          })),
        }),
      );
      for (const entry of result.Failed ?? []) {
        const message = batch[Number(entry.Id)];
        if (message !== undefined) failed.push(message.messageId);
      }
    }
    return failed;
  }
}

function held(message: Message): HeldMessage {
  const attributes: Record<string, string> = {};
  for (const [name, value] of Object.entries(message.MessageAttributes ?? {})) {
    if (value.StringValue !== undefined) attributes[name] = value.StringValue;
  }
  return {
    messageId: message.MessageId ?? '',
    receiptHandle: message.ReceiptHandle ?? '',
    body: message.Body ?? '',
    attributes,
    sentAt: Number(message.Attributes?.SentTimestamp ?? 0),
  };
}

function* batches<T>(items: readonly T[]): Generator<T[]> {
  for (let start = 0; start < items.length; start += 10) yield items.slice(start, start + 10);
}
