import { createLogger } from '@bridgeport/edge';

/**
 * The local runtime's own log (Powertools Logger, one JSON line per call): what goes wrong inside the runtime
 * without a caller to answer — a failed TTL sweep, a torn log line dropped at start, a compaction that failed, an
 * unexpected error behind a generic 500. The CLI's progress lines and banner are for people and stay plain text.
 */
export const runtimeLogger = createLogger('bridgeport-local');
