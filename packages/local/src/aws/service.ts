import type http from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { LocalBusOptions } from '../bus/local-bus';
import type { MetricStore } from './cloudwatch/metric-store';
import type { LocalQueueStore } from './sqs/queue-store';

/** What every service of the AWS endpoint is started with. */
export interface ServiceContext {
  /** The service's own state directory: `{dataDir}/{service's directory}`. */
  readonly directory: string;
  /** The endpoint's data directory (for services whose state predates the per-service layout). */
  readonly dataDir: string;
  readonly account: string;
  readonly region: string;
  readonly partition?: string;
  /** Largest request body a service reads. */
  readonly maxBodyBytes: number;
  /** Called with the cause of every 5xx answer. */
  readonly onInternalError: (error: unknown) => void;
  /** Aborted when the endpoint starts closing (ends long polls). */
  readonly closing: AbortSignal;
  /** `http://host:port` of the endpoint, as clients reach it; known once it listens. */
  baseUrl(): string;
  /** Keep-alive agent for services proxied to a loopback backend. */
  readonly agent: http.Agent;
  /** Options of the local EventBridge bus, as given to the endpoint. */
  readonly bus?: Omit<LocalBusOptions, 'dataDir' | 'account' | 'region'>;
  /** A queue store shared with the caller, if any. */
  readonly queues?: LocalQueueStore;
  /** Days the local CloudWatch keeps data points (0: forever). @default DEFAULT_METRIC_RETENTION_DAYS */
  readonly metricRetentionDays?: number;
  /** The local CloudWatch's store, once started (the bus records EventBridge's metrics into it). */
  readonly metrics?: MetricStore;
  /** SigV4 access key ids mapped to IAM principal ARNs (who sends to a queue with a policy). @default none */
  readonly principals?: Readonly<Record<string, string>>;
}

/** A started service: answers its requests, and closes (its state stays on disk). */
export interface RunningService {
  /** Answers one request; never rejects (errors are answered in the service's own envelope). */
  handle(request: IncomingMessage, response: ServerResponse): void;
  close(): Promise<void>;
}

/**
 * One AWS service of the local endpoint: how its requests are recognised, and how it starts.
 * Adding a service is one module exporting this, listed once in `services.ts`.
 */
export interface LocalAwsService<Running extends RunningService = RunningService> {
  /** The service name in a SigV4 credential scope (`events`, `sqs`, `monitoring`…). */
  readonly scope: string;
  /** The `X-Amz-Target` prefix of its operations, for JSON-protocol services (`AWSEvents.`). */
  readonly targetPrefix?: string;
  /** Claims a request that carries no SigV4 credential scope. */
  readonly claimsUnsigned?: (request: IncomingMessage) => boolean;
  /** Answers the unsigned requests no service claims (one service: S3). */
  readonly unsignedDefault?: boolean;
  /** The directory under the data directory holding its state. */
  readonly directory: string;
  start(context: ServiceContext): Promise<Running>;
}
