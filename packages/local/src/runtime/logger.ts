import { createLogger, type Logger } from '@bridgeport/edge';

/**
 * The local runtime's own log (Powertools Logger, one JSON line per call): what goes wrong inside the runtime
 * without a caller to answer — a failed TTL sweep, a torn log line dropped at start, a compaction that failed, an
 * unexpected error behind a generic 500. The CLI's progress lines and banner are for people and stay plain text.
 */
export const runtimeLogger = createLogger('bridgeport-local');

/** Logs `error` under `message`: an `Error` with its name, message and stack; anything else as its text. */
export function logError(logger: Logger, message: string, error: unknown): void {
  if (error instanceof Error) logger.error(message, error);
  else logger.error(message, { error: String(error) });
}
