import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { LOCAL_ACCOUNT_ID, LOCAL_REGION } from '@bridgeport/core';
import { DEFAULT_MAX_EVENT_SIZE_BYTES, type LocalBus, type LocalBusOptions } from '../bus/local-bus';
import { createLimitedServer, type ServerLimits } from '../http/server';
import { logError, runtimeLogger } from '../runtime/logger';
import type { ApiGatewayStore } from './apigateway/store';
import type { MetricStore } from './cloudwatch/metric-store';
import type { RunningCloudWatch } from './cloudwatch/service';
import { sendJson } from './protocol';
import type { S3Lifecycle, S3Notifications } from './s3/server';
import type { SchemaRegistryStore } from './schemas/registry';
import type { RunningService, ServiceContext } from './service';
import { type AwsService, localAwsServices, type RunningServices, serviceOf } from './services';
import type { LocalQueueStore } from './sqs/queue-store';

export interface AwsEndpointOptions {
  /** Default `127.0.0.1`. */
  readonly host?: string;
  /** Default 4566; 0 picks a free port. */
  readonly port?: number;
  /** State lives under `dataDir/{service}` (`dynamodb`, `s3`, `cloudwatch`, `eventbridge`, `schemas`, `queues`…). */
  readonly dataDir: string;
  /** Default `LOCAL_ACCOUNT_ID`. */
  readonly account?: string;
  /** Default `LOCAL_REGION`. */
  readonly region?: string;
  /**
   * Options of the local EventBridge bus (dispatchers, dead-letter sink, backoff, size limit…).
   * `dataDir`, `account` and `region` come from the endpoint.
   */
  readonly bus?: Omit<LocalBusOptions, 'dataDir' | 'account' | 'region'>;
  /**
   * The SQS queues the endpoint serves (share it with the bus's SQS target dispatcher).
   * @default a store of its own under `dataDir/queues`, closed with the endpoint
   */
  readonly queues?: LocalQueueStore;
  /** Largest EventBridge / Schemas request body. Default 2 MiB, or 4× the PutEvents size limit if larger. */
  readonly maxBodyBytes?: number;
  /** Called with unexpected errors (answered as a generic 500). @default the runtime logger (`runtimeLogger.error`) */
  readonly onInternalError?: (error: unknown) => void;
  /** Connection and time limits. @default ServerLimit, with 60 s keep-alive and 300 s to send a request */
  readonly limits?: ServerLimits;
  /** Days the local CloudWatch keeps data points (0: forever). @default DEFAULT_METRIC_RETENTION_DAYS */
  readonly metricRetentionDays?: number;
  /**
   * SigV4 access key ids mapped to IAM principal ARNs: who a request comes from when SQS checks a queue's policy
   * (any other key is the account's own root). @default none
   */
  readonly principals?: Readonly<Record<string, string>>;
}

/** The running AWS-compatible endpoint and the building blocks behind it. */
export interface AwsEndpoint {
  /** `http://host:port` — the value for `AWS_ENDPOINT_URL`. */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  readonly account: string;
  readonly region: string;
  /** The local EventBridge (rules, targets, PutEvents, delivery). */
  readonly bus: LocalBus;
  /** The local Schemas registry. */
  readonly schemas: SchemaRegistryStore;
  /** The local SQS queues. */
  readonly queues: LocalQueueStore;
  /** The local CloudWatch's data points. */
  readonly metrics: MetricStore;
  /** The local API Gateway's API keys and usage plans (the producer endpoint's key check reads them). */
  readonly apiGateway: ApiGatewayStore;
  /** Object created/removed notifications of the local S3. */
  readonly s3Notifications: S3Notifications;
  /** What lifecycle rules do in AWS, done on request (expiring a noncurrent version). */
  readonly s3Lifecycle: S3Lifecycle;
  /** Every service of the endpoint, by name. */
  readonly services: RunningServices;
  /** Stops the edge, then the services; state stays on disk. */
  close(): Promise<void>;
}

/**
 * Starts one HTTP server that answers like a single AWS edge: every service listed in `services.ts`
 * (DynamoDB and S3 proxied to loopback backends; EventBridge, SQS, Schemas, CloudWatch and API Gateway served in process).
 * Requests are routed by `X-Amz-Target`, else by the service in the SigV4 credential scope.
 */
export async function startAwsEndpoint(options: AwsEndpointOptions): Promise<AwsEndpoint> {
  const host = options.host ?? '127.0.0.1';
  const account = options.account ?? LOCAL_ACCOUNT_ID;
  const region = options.region ?? LOCAL_REGION;
  // JSON escaping of Detail can double its size: leave room above the PutEvents size limit.
  const maxBodyBytes =
    options.maxBodyBytes ??
    Math.max(2 * 1024 * 1024, 4 * (options.bus?.maxEventSizeBytes ?? DEFAULT_MAX_EVENT_SIZE_BYTES));
  const onInternalError =
    options.onInternalError ?? ((error: unknown) => logError(runtimeLogger, 'AWS endpoint error', error));
  const endpointClosing = new AbortController();
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  let baseUrl = '';
  const started: RunningService[] = [];
  const running: Partial<Record<AwsService, RunningService>> = {};
  try {
    for (const [name, service] of Object.entries(localAwsServices) as [
      AwsService,
      (typeof localAwsServices)[AwsService],
    ][]) {
      const context: ServiceContext = {
        directory: path.join(options.dataDir, service.directory),
        dataDir: options.dataDir,
        account,
        region,
        partition: options.bus?.partition,
        maxBodyBytes,
        onInternalError,
        closing: endpointClosing.signal,
        baseUrl: () => baseUrl,
        agent,
        bus: options.bus,
        queues: options.queues,
        metricRetentionDays: options.metricRetentionDays,
        metrics: (running.monitoring as RunningCloudWatch | undefined)?.metrics,
        principals: options.principals,
      };
      const instance: RunningService = await service.start(context);
      started.push(instance);
      running[name] = instance;
    }
    const services = running as RunningServices;

    const limits: ServerLimits = { keepAliveTimeoutMs: 60_000, requestTimeoutMs: 300_000, ...options.limits };
    const server = createLimitedServer(limits, (request, response) => {
      const service = serviceOf(request);
      if (service !== undefined) {
        services[service].handle(request, response);
        return;
      }
      sendJson(
        response,
        400,
        {
          __type: 'UnknownServiceException',
          message:
            'This endpoint serves DynamoDB, S3, EventBridge, SQS, Schemas, CloudWatch and API Gateway.',
        },
        'application/json',
      );
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 4566, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const port = (server.address() as AddressInfo).port;
    const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
    // Queue URLs name an address clients can reach (a wildcard listen address is not one).
    baseUrl = ['0.0.0.0', '::', '', 'localhost'].includes(host) ? `http://127.0.0.1:${port}` : url;
    let closing: Promise<void> | undefined;
    return {
      url,
      host,
      port,
      account,
      region,
      services,
      bus: services.events.bus,
      schemas: services.schemas.store,
      queues: services.sqs.queues,
      metrics: services.monitoring.metrics,
      apiGateway: services.apigateway.store,
      s3Notifications: services.s3.notifications,
      s3Lifecycle: services.s3.lifecycle,
      close() {
        closing ??= (async () => {
          endpointClosing.abort();
          await new Promise<void>((resolve) => {
            server.close(() => resolve());
            server.closeAllConnections();
          });
          agent.destroy();
          for (const service of started.reverse()) await service.close();
        })();
        return closing;
      },
    };
  } catch (error) {
    agent.destroy();
    for (const service of started.reverse()) await service.close().catch(() => undefined);
    throw error;
  }
}
