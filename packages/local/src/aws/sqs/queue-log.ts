/**
 * A queue's append-only log, `{name}.jsonl`: one JSON record a line (send, delete, receive count, purge),
 * replayed on open (a torn last line was never acknowledged and is skipped) and compacted when it holds
 * mostly deleted messages.
 */
import { readFile } from 'node:fs/promises';
import { LOCAL_ACCOUNT_ID } from '@bridgeport/core';
import { GroupCommitFile, writeFileAtomic } from '../../bus/durable-file';
import { runtimeLogger } from '../../runtime/logger';
import type { SqsMessageAttribute } from './wire';

export interface LocalQueueMessage {
  readonly messageId: string;
  readonly body: string;
  readonly messageAttributes: Readonly<Record<string, SqsMessageAttribute>>;
  /** Epoch milliseconds. */
  readonly sentAt: number;
  /** Epoch milliseconds before which the message is not delivered (DelaySeconds). */
  readonly visibleAt: number;
  /** Access key or account of the sender. */
  readonly senderId: string;
}

/** A message in a queue, with its delivery state. */
export interface Entry {
  message: LocalQueueMessage;
  invisibleUntil: number;
  receiveCount: number;
  firstReceivedAt: number;
}

/** An open queue: its messages in memory and the log they are kept in. */
export interface QueueState {
  readonly name: string;
  readonly filePath: string;
  /** Replaced by compaction. */
  file: GroupCommitFile;
  /** Records in the current log file. */
  records: number;
  readonly messages: Map<string, Entry>;
  readonly waiters: Set<() => void>;
  /** Operations between `enter` and `leave`: they append to `file` and change `messages`. */
  busy: number;
  /** Set while the log is rewritten; operations wait for it before they start. */
  compacting: Promise<void> | undefined;
  /** Called when `busy` drops to 0 while a compaction waits. */
  idle: (() => void) | undefined;
  closed: boolean;
}

/** One line of a queue log: send, delete, receive count, purge. */
export type LogRecord =
  | { t: 's'; m: LocalQueueMessage & { attributes?: unknown } }
  | { t: 'd'; id: string }
  | { t: 'r'; id: string; n: number; f: number }
  | { t: 'p' };

export async function openQueue(name: string, filePath: string): Promise<QueueState> {
  const messages: QueueState['messages'] = new Map();
  let records = 0;
  try {
    for (const line of (await readFile(filePath, 'utf8')).split('\n')) {
      if (!line) continue;
      records += 1;
      let record: LogRecord;
      try {
        record = JSON.parse(line) as LogRecord;
      } catch {
        continue; // torn last line: never acknowledged
      }
      if (record.t === 's') {
        const { attributes: _legacy, ...stored } = record.m;
        const message: LocalQueueMessage = {
          ...stored,
          messageAttributes: stored.messageAttributes ?? {},
          visibleAt: stored.visibleAt ?? stored.sentAt,
          senderId: stored.senderId ?? LOCAL_ACCOUNT_ID,
        };
        const counted = record.m as { receiveCount?: number; firstReceivedAt?: number };
        messages.set(message.messageId, {
          message,
          invisibleUntil: 0,
          receiveCount: counted.receiveCount ?? 0,
          firstReceivedAt: counted.firstReceivedAt ?? 0,
        });
      } else if (record.t === 'd') messages.delete(record.id);
      else if (record.t === 'p') messages.clear();
      else if (record.t === 'r') {
        const entry = messages.get(record.id);
        if (entry) {
          entry.receiveCount = record.n;
          entry.firstReceivedAt = record.f;
        }
      }
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  // Compaction: a log mostly made of deleted messages is rewritten with the live ones.
  if (records > compactionThreshold(messages.size)) {
    await writeFileAtomic(filePath, liveRecords(messages));
    records = messages.size;
  }
  return {
    name,
    filePath,
    file: await GroupCommitFile.open(filePath),
    records,
    messages,
    waiters: new Set(),
    busy: 0,
    compacting: undefined,
    idle: undefined,
    closed: false,
  };
}

/** A log with more records than this (for so many live messages) is rewritten. */
export function compactionThreshold(liveMessages: number): number {
  return 2 * liveMessages + 100;
}

/** The log of a queue holding just `messages`: one send record each, receive counts included. */
export function liveRecords(messages: ReadonlyMap<string, Entry>): string {
  let text = '';
  for (const entry of messages.values()) {
    text += `${JSON.stringify({
      t: 's',
      m: { ...entry.message, receiveCount: entry.receiveCount, firstReceivedAt: entry.firstReceivedAt },
    })}\n`;
  }
  return text;
}

/**
 * Rewrites a running queue's log with its live messages and continues in a new file. Runs with the queue
 * locked: operations that started finish first (their records are in the old log and their changes in
 * `messages`), later ones wait until the new log is open.
 */
export async function compact(queue: QueueState): Promise<void> {
  if (queue.busy > 0) {
    await new Promise<void>((resolve) => {
      queue.idle = resolve;
    });
    queue.idle = undefined;
  }
  if (queue.closed) return;
  const previous = queue.file;
  try {
    await previous.sync();
    await writeFileAtomic(queue.filePath, liveRecords(queue.messages));
  } catch (error) {
    runtimeLogger.warn('Compaction failed; the queue log is kept as it is', {
      filePath: queue.filePath,
      error: String(error),
    });
    return;
  }
  queue.file = await GroupCommitFile.open(queue.filePath);
  queue.records = queue.messages.size;
  await previous.close();
}

export function log(queue: QueueState, record: LogRecord): Promise<void> {
  queue.records += 1;
  return queue.file.append(`${JSON.stringify(record)}\n`);
}

export function logLazy(queue: QueueState, record: LogRecord): void {
  queue.records += 1;
  queue.file.appendLazy(`${JSON.stringify(record)}\n`);
}

export function wake(queue: QueueState): void {
  for (const waiter of [...queue.waiters]) waiter();
}
