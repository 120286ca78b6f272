import { parseArgs } from 'node:util';
import { DEFAULT_MAX_EVENT_SIZE_BYTES, MAX_EVENT_SIZE_LIMIT_BYTES } from '@bridgeport/broker';
import { ENVIRONMENT_PATTERN, LOCAL_REGION, REGION_PATTERN } from '@bridgeport/core';

/** Everything `bridgeport start` can be told, from flags or environment variables. */
export interface RuntimeOptions {
  readonly dataDir: string;
  readonly host: string;
  readonly portalPort: number;
  readonly brokerPort: number;
  readonly awsPort: number;
  readonly functionsDir: string | undefined;
  readonly environment: string;
  /** AWS region every ARN, event and queue URL names. */
  readonly region: string;
  readonly demo: boolean;
  readonly maxEventSizeBytes: number;
  /** First retry delay of a failed delivery, before jitter (doubles up to 60 s). */
  readonly retryBaseMs: number;
  /** Call HTTPS consumers on loopback hosts over TLS instead of plain http. */
  readonly loopbackTls: boolean;
  /** How long the bus archive keeps events for replay, in days (0: forever). */
  readonly archiveRetentionDays: number;
  /** How long the local CloudWatch keeps data points, in days (0: forever). */
  readonly metricRetentionDays: number;
  /** HTTPS consumers may be on this machine (loopback), though never on the runtime's own ports. */
  readonly allowLoopbackTargets: boolean;
  /** Open connections each server (portal, producer endpoint, AWS endpoint) accepts at most. */
  readonly maxConnections: number;
}

/** One option: its flag, the environment variable that sets it too, and its default. */
interface OptionSpec {
  readonly flag: string;
  readonly env: string;
  readonly description: string;
  readonly kind: 'string' | 'port' | 'size' | 'milliseconds' | 'days' | 'boolean' | 'count';
  readonly default?: string;
}

export const OPTION_SPECS = {
  dataDir: {
    flag: 'data-dir',
    env: 'BRIDGEPORT_DATA_DIR',
    kind: 'string',
    default: '.bridgeport',
    description: 'where state is kept',
  },
  host: {
    flag: 'host',
    env: 'BRIDGEPORT_HOST',
    kind: 'string',
    default: '127.0.0.1',
    description: 'address to listen on',
  },
  portalPort: {
    flag: 'portal-port',
    env: 'BRIDGEPORT_PORTAL_PORT',
    kind: 'port',
    default: '3000',
    description: 'portal API port',
  },
  brokerPort: {
    flag: 'broker-port',
    env: 'BRIDGEPORT_BROKER_PORT',
    kind: 'port',
    default: '3001',
    description: 'producer endpoint port',
  },
  awsPort: {
    flag: 'aws-port',
    env: 'BRIDGEPORT_AWS_PORT',
    kind: 'port',
    default: '4566',
    description: 'AWS-compatible endpoint port',
  },
  functionsDir: {
    flag: 'functions',
    env: 'BRIDGEPORT_FUNCTIONS_DIR',
    kind: 'string',
    description: 'folder of local Lambda consumer modules',
  },
  environment: {
    flag: 'env',
    env: 'BRIDGEPORT_ENV',
    kind: 'string',
    default: 'local',
    description: 'environment name',
  },
  region: {
    flag: 'region',
    env: 'BRIDGEPORT_REGION',
    kind: 'string',
    default: LOCAL_REGION,
    description: 'AWS region named by every ARN, event and queue URL',
  },
  demo: {
    flag: 'demo',
    env: 'BRIDGEPORT_DEMO',
    kind: 'boolean',
    description: 'create the scanned_parcel example event type',
  },
  maxEventSizeBytes: {
    flag: 'max-event-size',
    env: 'BRIDGEPORT_MAX_EVENT_SIZE',
    kind: 'size',
    default: String(DEFAULT_MAX_EVENT_SIZE_BYTES),
    description: 'largest accepted event, bytes (at most 1048576)',
  },
  retryBaseMs: {
    flag: 'retry-base-ms',
    env: 'BRIDGEPORT_RETRY_BASE_MS',
    kind: 'milliseconds',
    default: '1000',
    description: 'first delivery retry delay, doubling up to 60 s',
  },
  loopbackTls: {
    flag: 'loopback-tls',
    env: 'BRIDGEPORT_LOOPBACK_TLS',
    kind: 'boolean',
    description: 'call HTTPS consumers on localhost over TLS too (default plain http)',
  },
  archiveRetentionDays: {
    flag: 'archive-retention-days',
    env: 'BRIDGEPORT_ARCHIVE_RETENTION_DAYS',
    kind: 'days',
    default: '30',
    description: 'how long the bus archive keeps events for replay, days (0 keeps them forever)',
  },
  metricRetentionDays: {
    flag: 'metric-retention-days',
    env: 'BRIDGEPORT_METRIC_RETENTION_DAYS',
    kind: 'days',
    default: '15',
    description: 'how long the local CloudWatch keeps data points for insights, days (0 keeps them forever)',
  },
  allowLoopbackTargets: {
    flag: 'allow-loopback-targets',
    env: 'BRIDGEPORT_ALLOW_LOOPBACK_TARGETS',
    kind: 'boolean',
    default: 'true',
    description: 'HTTPS consumers may be on this machine (--no-allow-loopback-targets refuses them)',
  },
  maxConnections: {
    flag: 'max-connections',
    env: 'BRIDGEPORT_MAX_CONNECTIONS',
    kind: 'count',
    default: '1000',
    description: 'open connections each server accepts at most',
  },
} as const satisfies Record<keyof RuntimeOptions, OptionSpec>;

export class OptionError extends Error {
  override readonly name = 'OptionError';
}

/** Parses flags over environment variables over defaults; throws OptionError naming the bad option. */
export function parseRuntimeOptions(
  argv: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
): RuntimeOptions {
  const specs = Object.entries(OPTION_SPECS) as [keyof RuntimeOptions, OptionSpec][];
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: [...argv],
      options: Object.fromEntries(
        specs.map(([, spec]) => [spec.flag, { type: spec.kind === 'boolean' ? 'boolean' : 'string' }]),
      ),
      allowPositionals: false,
      allowNegative: true,
      strict: true,
    });
  } catch (error) {
    throw new OptionError(error instanceof Error ? error.message : String(error));
  }
  const values: Record<string, unknown> = {};
  for (const [key, spec] of specs) {
    const fromFlag = parsed.values[spec.flag];
    const fromEnv = env[spec.env];
    const source = fromFlag !== undefined ? `--${spec.flag}` : `${spec.env}`;
    if (spec.kind === 'boolean') {
      if (typeof fromFlag === 'boolean') values[key] = fromFlag;
      else if (fromEnv !== undefined && fromEnv.trim() !== '')
        values[key] = /^(1|true|yes)$/i.test(fromEnv.trim());
      else values[key] = spec.default === 'true';
      continue;
    }
    const raw = typeof fromFlag === 'string' ? fromFlag : (fromEnv ?? spec.default);
    if (raw === undefined || raw === '') {
      values[key] = undefined;
      continue;
    }
    if (spec.kind === 'port') {
      const port = Number(raw);
      if (!Number.isInteger(port) || port < 0 || port > 65535) {
        throw new OptionError(`${source} must be a port number from 0 to 65535, got "${raw}"`);
      }
      values[key] = port;
    } else if (spec.kind === 'size') {
      const size = Number(raw);
      if (!Number.isInteger(size) || size < 1)
        throw new OptionError(`${source} must be a positive number of bytes, got "${raw}"`);
      if (size > MAX_EVENT_SIZE_LIMIT_BYTES)
        throw new OptionError(`${source} must be at most ${MAX_EVENT_SIZE_LIMIT_BYTES} bytes, got "${raw}"`);
      values[key] = size;
    } else if (spec.kind === 'days') {
      const days = Number(raw);
      if (!Number.isInteger(days) || days < 0 || days > 3650)
        throw new OptionError(`${source} must be a number of days from 0 to 3650, got "${raw}"`);
      values[key] = days;
    } else if (spec.kind === 'count') {
      const count = Number(raw);
      if (!Number.isInteger(count) || count < 1 || count > 1_000_000)
        throw new OptionError(`${source} must be a whole number from 1 to 1000000, got "${raw}"`);
      values[key] = count;
    } else if (spec.kind === 'milliseconds') {
      const milliseconds = Number(raw);
      if (!Number.isInteger(milliseconds) || milliseconds < 1 || milliseconds > 3_600_000)
        throw new OptionError(`${source} must be a number of milliseconds from 1 to 3600000, got "${raw}"`);
      values[key] = milliseconds;
    } else {
      values[key] = raw;
    }
  }
  const options = values as unknown as RuntimeOptions;
  if (!ENVIRONMENT_PATTERN.test(options.environment)) {
    throw new OptionError(`--env must match ${ENVIRONMENT_PATTERN.source}, got "${options.environment}"`);
  }
  if (!REGION_PATTERN.test(options.region)) {
    throw new OptionError(
      `--region must be an AWS region code such as us-east-1 or eu-west-1, got "${options.region}"`,
    );
  }
  return options;
}

/** The options table for `bridgeport --help`. */
export function optionsHelp(): string {
  return (Object.values(OPTION_SPECS) as OptionSpec[])
    .map((spec) => {
      const flag = `--${spec.flag}${spec.kind === 'boolean' ? '' : ' <value>'}`.padEnd(26);
      const fallback = spec.default !== undefined ? ` (default ${spec.default})` : '';
      return `  ${flag}${spec.description}${fallback}; env ${spec.env}`;
    })
    .join('\n');
}
