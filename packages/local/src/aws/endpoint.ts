import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { LOCAL_ACCOUNT_ID, LOCAL_REGION } from '@bridgeport/core';
import { DEFAULT_MAX_EVENT_SIZE_BYTES, LocalBus, type LocalBusOptions } from '../bus/local-bus';
import { createLimitedServer, type ServerLimits } from '../http/server';
import { LocalQueueStore } from '../sqs/queue-store';
import { AwsChunkedDecoder, decodedHeaders, isAwsChunked } from './aws-chunked';
import { type LocalDynamoDb, startLocalDynamoDb } from './dynamodb';
import { handleEventBridgeRequest } from './eventbridge/handler';
import { AwsService, accessKeyOf, readBody, sendJson, serviceOf } from './protocol';
import { type LocalS3, type S3Lifecycle, type S3Notifications, startLocalS3 } from './s3';
import { handleSchemasRequest } from './schemas/handler';
import { SchemaRegistryStore } from './schemas/registry';
import { handleSqsRequest } from './sqs/handler';

export interface AwsEndpointOptions {
  /** Default `127.0.0.1`. */
  readonly host?: string;
  /** Default 4566; 0 picks a free port. */
  readonly port?: number;
  /** State lives under `dataDir/{dynamodb,s3,eventbridge,schemas,queues}`. */
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
  /** Called with unexpected errors (answered as a generic 500). Default: console.error. */
  readonly onInternalError?: (error: unknown) => void;
  /** Connection and time limits. @default ServerLimit, with 60 s keep-alive and 300 s to send a request */
  readonly limits?: ServerLimits;
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
  /** Object created/removed notifications of the local S3. */
  readonly s3Notifications: S3Notifications;
  /** What lifecycle rules do in AWS, done on request (expiring a noncurrent version). */
  readonly s3Lifecycle: S3Lifecycle;
  /** Stops the edge, then the services; state stays on disk. */
  close(): Promise<void>;
}

/**
 * Starts one HTTP server that answers like a single AWS edge: DynamoDB (dynalite) and S3 (s3rver) are
 * proxied to loopback ports, EventBridge (AWS JSON 1.1), SQS (AWS JSON 1.0) and Schemas (REST JSON) are
 * served in process.
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
    options.onInternalError ?? ((error: unknown) => console.error('AWS endpoint error:', error));
  const started: { close(): Promise<void> }[] = [];
  try {
    const dynamodb: LocalDynamoDb = await startLocalDynamoDb(path.join(options.dataDir, 'dynamodb'));
    started.push(dynamodb);
    const s3: LocalS3 = await startLocalS3(path.join(options.dataDir, 's3'));
    started.push(s3);
    const bus = await LocalBus.open({
      ...options.bus,
      dataDir: path.join(options.dataDir, 'eventbridge'),
      account,
      region,
    });
    started.push(bus);
    const schemas = await SchemaRegistryStore.open(path.join(options.dataDir, 'schemas', 'registries.json'), {
      account,
      region,
      partition: options.bus?.partition,
    });
    let queues = options.queues;
    if (queues === undefined) {
      const own = new LocalQueueStore(path.join(options.dataDir, 'queues'), {
        account,
        region,
        partition: options.bus?.partition,
      });
      started.push(own);
      queues = own;
    }
    const queueStore = queues;
    const endpointClosing = new AbortController();
    let baseUrl = '';
    const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

    const limits: ServerLimits = { keepAliveTimeoutMs: 60_000, requestTimeoutMs: 300_000, ...options.limits };
    const server = createLimitedServer(limits, (request, response) => {
      const service = serviceOf(request);
      switch (service) {
        case AwsService.EVENTS:
          void handleEventBridgeRequest(bus, request, response, { maxBodyBytes, onInternalError });
          return;
        case AwsService.SQS:
          void handleSqsRequest(queueStore, request, response, {
            baseUrl,
            account,
            maxBodyBytes,
            signal: endpointClosing.signal,
            onInternalError,
          });
          return;
        case AwsService.SCHEMAS:
          void handleSchemasRequest(schemas, request, response, { maxBodyBytes, onInternalError });
          return;
        case AwsService.DYNAMODB:
          if (request.headers['x-amz-target'] === 'DynamoDB_20120810.CreateTable') {
            void createTableWhenActive(request, response, dynamodb.port, agent, maxBodyBytes);
          } else {
            proxy(request, response, dynamodb.port, agent);
          }
          return;
        case AwsService.S3: {
          const accessKey = accessKeyOf(request);
          if (accessKey) s3.allowAccessKey(accessKey);
          proxy(request, response, s3.port, agent);
          return;
        }
        default:
          sendJson(
            response,
            400,
            {
              __type: 'UnknownServiceException',
              message: 'This endpoint serves DynamoDB, S3, EventBridge, SQS and Schemas.',
            },
            'application/json',
          );
      }
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
      bus,
      schemas,
      queues: queueStore,
      s3Notifications: s3.notifications,
      s3Lifecycle: { expireNoncurrentVersion: (...args) => s3.expireNoncurrentVersion(...args) },
      close() {
        closing ??= (async () => {
          endpointClosing.abort();
          await new Promise<void>((resolve) => {
            server.close(() => resolve());
            server.closeAllConnections();
          });
          agent.destroy();
          await schemas.flush();
          for (const service of started.reverse()) await service.close();
        })();
        return closing;
      },
    };
  } catch (error) {
    for (const service of started.reverse()) await service.close().catch(() => undefined);
    throw error;
  }
}

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'upgrade', 'te', 'trailer']);

interface Buffered {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: Buffer;
}

function send(
  port: number,
  agent: http.Agent,
  request: http.RequestOptions,
  body: Buffer,
): Promise<Buffered> {
  return new Promise((resolve, reject) => {
    const upstream = http.request({ ...request, host: '127.0.0.1', port, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 502, headers: res.headers, body: Buffer.concat(chunks) }),
      );
      res.on('error', reject);
    });
    upstream.on('error', reject);
    upstream.end(body);
  });
}

/**
 * CreateTable, answered once dynalite has made the table ACTIVE (it flips the status on a timer after
 * answering), so a caller that writes right after creating a table does not race it.
 */
async function createTableWhenActive(
  request: IncomingMessage,
  response: ServerResponse,
  port: number,
  agent: http.Agent,
  maxBodyBytes: number,
): Promise<void> {
  try {
    const body = await readBody(request, maxBodyBytes);
    const headers = { ...request.headers };
    for (const name of HOP_BY_HOP) delete headers[name];
    const created = await send(port, agent, { method: 'POST', path: request.url, headers }, body);
    if (created.status === 200) {
      const tableName = (JSON.parse(body.toString('utf8')) as { TableName?: string }).TableName;
      const describe = Buffer.from(JSON.stringify({ TableName: tableName }));
      const describeHeaders = {
        ...headers,
        'x-amz-target': 'DynamoDB_20120810.DescribeTable',
        'content-length': String(describe.length),
      };
      for (let attempt = 0; attempt < 200; attempt += 1) {
        const described = await send(
          port,
          agent,
          { method: 'POST', path: '/', headers: describeHeaders },
          describe,
        );
        const status = (JSON.parse(described.body.toString('utf8')) as { Table?: { TableStatus?: string } })
          .Table?.TableStatus;
        if (described.status !== 200 || status === 'ACTIVE') break;
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    }
    const {
      connection: _connection,
      'keep-alive': _keepAlive,
      'transfer-encoding': _te,
      ...responseHeaders
    } = created.headers;
    response.writeHead(created.status, { ...responseHeaders, 'content-length': created.body.length });
    response.end(created.body);
  } catch {
    if (!response.headersSent) {
      response.writeHead(502, { 'content-type': 'text/plain' });
      response.end('The local DynamoDB is not available.');
    } else {
      response.destroy();
    }
  }
}

/** Forwards a request to a loopback backend; bodies stream through (aws-chunked uploads are decoded). */
function proxy(request: IncomingMessage, response: ServerResponse, port: number, agent: http.Agent): void {
  let headers = { ...request.headers };
  for (const name of HOP_BY_HOP) delete headers[name];
  let body: Readable = request;
  if (isAwsChunked(request.headers)) {
    headers = decodedHeaders(headers);
    body = request.pipe(new AwsChunkedDecoder());
    body.on('error', () => request.destroy());
  }
  const upstream = http.request(
    { host: '127.0.0.1', port, method: request.method, path: request.url, headers, agent },
    (upstreamResponse) => {
      const raw: string[] = [];
      for (let i = 0; i < upstreamResponse.rawHeaders.length; i += 2) {
        if (!HOP_BY_HOP.has(upstreamResponse.rawHeaders[i].toLowerCase())) {
          raw.push(upstreamResponse.rawHeaders[i], upstreamResponse.rawHeaders[i + 1]);
        }
      }
      response.writeHead(upstreamResponse.statusCode ?? 502, upstreamResponse.statusMessage, raw);
      upstreamResponse.pipe(response);
    },
  );
  upstream.on('error', () => {
    if (!response.headersSent) {
      response.writeHead(502, { 'content-type': 'text/plain' });
      response.end('The local service is not available.');
    } else {
      response.destroy();
    }
  });
  response.on('close', () => {
    if (!response.writableFinished) upstream.destroy();
  });
  body.pipe(upstream);
}
