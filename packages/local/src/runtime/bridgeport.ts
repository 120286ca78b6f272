/**
 * The composition root of the local runtime. Kept as one file past ~400 lines on purpose: `startBridgeport` is
 * the start protocol itself, each part started in the order the next one needs it and its cleanup registered
 * right after, so that a failure anywhere undoes exactly what was started; read top to bottom, it is that order.
 * The parts live beside it: the data directory lock (`data-dir-lock.ts`), provisioning (`provision.ts`), the
 * environment (`environment.ts`), listening (`listen.ts`) and the banner (`banner.ts`).
 */
import { mkdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import { brokerLogger, createInjector, createInjectorHandler } from '@bridgeport/broker';
import { busName, localScope } from '@bridgeport/core';
import { type Logger, silentLogger } from '@bridgeport/edge';
import {
  CatalogService,
  createCatalogHandler,
  createEventsHandler,
  createPortalClients,
  createPortalServices,
  createSubscriptionsHandler,
  PortalFunction,
  type PortalHandler,
  type PortalServices,
  portalRoutes,
  readPortalConfig,
} from '@bridgeport/portal';
import { storeProducerMetrics } from '../aws/cloudwatch/producer-metrics';
import { startAwsEndpoint } from '../aws/endpoint';
import { localQueueUrl } from '../aws/sqs/handler';
import { LocalQueueStore } from '../aws/sqs/queue-store';
import { FileDeadLetterStore } from '../bus/dead-letters';
import type { LocalBus } from '../bus/local-bus';
import { HttpTargetDispatcher } from '../bus/targets/http';
import { LambdaTargetDispatcher, moduleFunctionLoader } from '../bus/targets/lambda';
import { SqsTargetDispatcher } from '../bus/targets/sqs';
import type { DeliveryReport } from '../bus/types';
import { ApiDestinations } from '../deployer/api-destinations';
import { LocalDeployer } from '../deployer/deployer';
import { ProducerRoutes } from '../deployer/producers';
import { SqsProducerPollers } from '../deployer/sqs-producers';
import { close, createProxyServer, type LocalRoute, sendJson } from '../http/server';
import { issueToken, loadSigningKey, type TokenSubject, verifyBearer } from '../identity/tokens';
import type { RuntimeOptions } from '../options';
import { createProducerEndpoint } from '../producer-endpoint/server';
import { lockDataDir } from './data-dir-lock';
import { deadLetterQueueSink } from './dead-letters';
import { applyEnvironment, clientUrl, LOCAL_BROKER_API_ID, localEnvironment } from './environment';
import { inProcessEventBridgeClient } from './in-process-eventbridge';
import { listenOrExplain, startOrExplain } from './listen';
import { loadPrincipals } from './principals';
import { ensureBusArchive, ensureDemoEventType, provisionSharedResources } from './provision';
import { startTtlSweeper } from './ttl-sweeper';
import { webPortalRoute } from './web-portal';

/** What `startBridgeport` needs: the CLI's options, plus hooks for embedding and tests. */
export interface BridgeportOptions extends RuntimeOptions {
  /** Where progress lines go. @default console.log */
  readonly log?: (line: string) => void;
  /** Largest retry delay of a failed delivery. @default 60 000 ms */
  readonly retryCapMs?: number;
  /** Timeout of one HTTPS delivery. @default 5000 ms (an API destination's limit) */
  readonly httpTimeoutMs?: number;
  /** Observer of every delivery outcome. */
  readonly onDelivery?: (report: DeliveryReport) => void;
  /**
   * Logger of the broker's injector (failures only: rejections are answered to the producer) and of the SQS
   * producers' forwarders. @default the broker's logger for the injector, silent for the forwarders
   */
  readonly brokerLogger?: Logger;
  /** Time between sweeps of expired events-table items (DynamoDB's TTL, locally). @default 600 000 ms */
  readonly ttlSweepIntervalMs?: number;
}

/** A running local Bridgeport. */
export interface Bridgeport {
  readonly environment: string;
  /** Absolute data directory. */
  readonly dataDir: string;
  /** Whether this start created the portal's table: a first start in this data directory, nothing created yet. */
  readonly firstStart: boolean;
  readonly portalUrl: string;
  readonly brokerUrl: string;
  /** The AWS-compatible endpoint (`AWS_ENDPOINT_URL`). */
  readonly awsUrl: string;
  readonly bus: LocalBus;
  readonly deployer: LocalDeployer;
  readonly producers: ProducerRoutes;
  /** SQS producers' forwarders, by ingress queue. */
  readonly sqsProducers: SqsProducerPollers;
  /** The local SQS queues (also served on the AWS endpoint). */
  readonly queues: LocalQueueStore;
  /** Dead letters of targets without a dead-letter queue (or whose queue is gone). */
  readonly unroutedDeadLetters: FileDeadLetterStore;
  /** A bearer token for the portal API, signed with this data directory's key (as `bridgeport token` prints). */
  issueToken(subject: TokenSubject, ttlSeconds?: number): Promise<string>;
  /** With `--demo`: a platform admin's token for the README walk-through. */
  readonly demoToken: string | undefined;
  /** Resolves once the deployer has applied every manifest change received so far. */
  whenDeployed(): Promise<void>;
  /** Stops accepting requests, lets in-flight work finish, flushes state and closes every server. */
  close(): Promise<void>;
}

/**
 * Starts the whole system on this machine: the AWS-compatible edge (DynamoDB, S3, EventBridge, SQS, Schemas), the
 * portal API (the portal's Middy handlers behind an API Gateway proxy adapter), the producer endpoint (the
 * broker's injector) and the local deployer, which applies core's plans from the component buckets. State
 * lives under `options.dataDir`; a restart resumes routes, rules and owed deliveries from it.
 */
export async function startBridgeport(options: BridgeportOptions): Promise<Bridgeport> {
  const log = options.log ?? ((line: string) => console.log(line));
  const dataDir = path.resolve(options.dataDir);
  await mkdir(dataDir, { recursive: true });
  const lock = await lockDataDir(dataDir);
  const cleanups: (() => Promise<void> | void)[] = [() => lock.release()];
  /** Undoes what was started, last first; every step runs even if an earlier one fails. */
  const cleanup = async (): Promise<void> => {
    const steps = cleanups.splice(0).reverse();
    const failures: unknown[] = [];
    for (const step of steps) {
      try {
        await step();
      } catch (error) {
        failures.push(error);
      }
    }
    if (failures.length > 0) throw failures[0];
  };

  try {
    if (options.functionsDir !== undefined && !(await isDirectory(options.functionsDir))) {
      log(
        `Warning: the functions directory ${path.resolve(options.functionsDir)} does not exist (--functions).`,
      );
    }
    const signingKey = await loadSigningKey(dataDir);
    const principals = await loadPrincipals(dataDir);
    const destinations = await ApiDestinations.open(path.join(dataDir, 'deployer', 'api-destinations.json'), {
      loopbackTls: options.loopbackTls,
    });
    const scope = localScope(options.region);
    const queues = new LocalQueueStore(path.join(dataDir, 'queues'), scope);
    cleanups.push(() => queues.close());
    const unroutedDeadLetters = await FileDeadLetterStore.open(
      path.join(dataDir, 'unrouted-dead-letters.jsonl'),
    );
    cleanups.push(() => unroutedDeadLetters.close());
    const deadLetterSink = deadLetterQueueSink({ queues, fallback: unroutedDeadLetters.sink });

    // The runtime's own servers are never a consumer: filled in as each one listens.
    const ownPorts: number[] = [options.portalPort, options.brokerPort, options.awsPort].filter((p) => p > 0);
    const limits = { maxConnections: options.maxConnections };
    const aws = await startOrExplain(
      () =>
        startAwsEndpoint({
          host: options.host,
          port: options.awsPort,
          limits,
          dataDir,
          metricRetentionDays: options.metricRetentionDays,
          ...scope,
          queues,
          principals,
          bus: {
            maxEventSizeBytes: options.maxEventSizeBytes,
            apiDestinations: destinations,
            dispatchers: [
              new HttpTargetDispatcher({
                resolveEndpoint: (arn) => destinations.resolve(arn),
                allowLoopbackTargets: options.allowLoopbackTargets,
                reservedPorts: () => ownPorts,
                ...(options.httpTimeoutMs === undefined ? {} : { timeoutMs: options.httpTimeoutMs }),
              }),
              new LambdaTargetDispatcher({
                loadFunction:
                  options.functionsDir === undefined
                    ? async () => undefined
                    : moduleFunctionLoader(path.resolve(options.functionsDir)),
              }),
              new SqsTargetDispatcher(queues),
            ],
            deadLetterSink,
            backoff: { baseMs: options.retryBaseMs, capMs: options.retryCapMs ?? 60_000 },
            onDelivery: (report) => {
              if (report.outcome === 'dead-lettered') {
                log(
                  `Event ${report.eventId} could not be delivered to ${report.ruleName} after ${report.attempt} attempt(s): ${report.errorCode} ${report.errorMessage ?? ''}`.trimEnd(),
                );
              }
              options.onDelivery?.(report);
            },
          },
          onInternalError: (error) => log(`AWS endpoint: unexpected error: ${String(error)}`),
        }),
      'AWS endpoint',
      options.host,
      options.awsPort,
      'awsPort',
    );
    cleanups.push(() => aws.close());
    ownPorts.push(aws.port);
    const awsUrl = clientUrl(options.host, aws.port);

    // Rule 1: every SDK client finds the embedded services through the standard variables.
    const restoreEnvironment = applyEnvironment(
      localEnvironment({
        endpointUrl: awsUrl,
        environment: options.environment,
        scope,
        maxEventSizeBytes: options.maxEventSizeBytes,
        allowLoopbackTargets: options.allowLoopbackTargets,
        reservedPorts: ownPorts,
      }),
    );
    cleanups.push(restoreEnvironment);

    const config = readPortalConfig(process.env);
    const runtimeClients = {
      dynamodb: new DynamoDBClient({}),
      s3: new S3Client({}),
      eventBridge: new EventBridgeClient({}),
      sqs: new SQSClient({}),
    };
    const portalClients = createPortalClients();
    cleanups.push(() => {
      for (const client of [...Object.values(runtimeClients), ...Object.values(portalClients)]) {
        client.destroy();
      }
    });

    await aws.bus.topology.ensureEventBus(busName(options.environment));
    await ensureBusArchive(aws.bus, options.environment, options.archiveRetentionDays);
    const provisioned = await provisionSharedResources({
      dynamodb: runtimeClients.dynamodb,
      s3: runtimeClients.s3,
      tableName: config.tableName,
      buckets: [config.schemasBackupBucket, config.publisherBucket, config.subscriberBucket],
    });
    // A first start: the portal's table did not exist yet (nothing was ever created in this data directory).
    const firstStart = provisioned.created.includes(config.tableName);
    const ttlSweeper = startTtlSweeper({
      dynamodb: runtimeClients.dynamodb,
      tableName: config.tableName,
      intervalMs: options.ttlSweepIntervalMs,
      onError: (error) => log(`Expiring items of the events table failed: ${String(error)}`),
    });
    cleanups.push(() => ttlSweeper.close());

    const services: PortalServices = createPortalServices({ config, clients: portalClients });
    // Closed before the queues, so that in-flight deliveries can still dead-letter.
    cleanups.push(() => aws.bus.close());

    let ready = false;
    const health: LocalRoute = (request, response, url) => {
      if (url.pathname !== '/health' || request.method !== 'GET') return false;
      sendJson(response, ready ? 200 : 503, { status: ready ? 'ready' : 'starting' });
      return true;
    };

    // The catalog names the producer endpoint, whose address is known once it listens (after the portal).
    let producerEndpointUrl: string | undefined;
    const handlers: Record<PortalFunction, PortalHandler> = {
      [PortalFunction.EVENTS]: createEventsHandler(services),
      [PortalFunction.SUBSCRIPTIONS]: createSubscriptionsHandler(services),
      [PortalFunction.CATALOG]: createCatalogHandler({
        insights: services.insights,
        get catalog() {
          return new CatalogService({
            ...services,
            config: producerEndpointUrl === undefined ? config : { ...config, producerEndpointUrl },
          });
        },
      }),
    };
    const portal = createProxyServer({
      name: 'portal-api',
      routes: portalRoutes.map((route) => ({
        method: route.method,
        resource: route.resource,
        handler: handlers[route.function],
      })),
      stage: options.environment,
      scope,
      localRoutes: [health, await webPortalRoute({ producerUrl: () => producerEndpointUrl })],
      authorize: async (authorization) => {
        const verified = await verifyBearer(signingKey, authorization);
        return verified.ok ? verified.claims : undefined;
      },
      log,
      limits,
    });
    const portalPort = await listenOrExplain(
      portal,
      'portal API',
      options.host,
      options.portalPort,
      'portalPort',
    );
    cleanups.push(() => close(portal));
    ownPorts.push(portalPort);

    const producers = new ProducerRoutes();
    const injectorEventBridge = inProcessEventBridgeClient(aws.bus);
    cleanups.push(() => injectorEventBridge.destroy());
    // The data points CloudWatch Logs makes of the producer edge's EMF records in AWS, recorded directly.
    const producerMetrics = storeProducerMetrics(aws.metrics);
    const injector = createInjectorHandler(
      createInjector({
        producers,
        eventBridge: injectorEventBridge,
        maxEventSizeBytes: options.maxEventSizeBytes,
        metrics: producerMetrics,
        ingressQueueUrl: (plan) => localQueueUrl(awsUrl, plan, plan.sqs.ingressQueueName),
      }),
      { logger: options.brokerLogger ?? brokerLogger },
    );
    const sqsProducers = new SqsProducerPollers({
      sqs: runtimeClients.sqs,
      queues,
      eventBridge: injectorEventBridge,
      maxEventSizeBytes: options.maxEventSizeBytes,
      logger: options.brokerLogger ?? silentLogger,
      metrics: producerMetrics,
      log,
    });
    const deployer = new LocalDeployer({
      s3: runtimeClients.s3,
      eventBridge: runtimeClients.eventBridge,
      notifications: aws.s3Notifications,
      publisherBucket: config.publisherBucket,
      subscriberBucket: config.subscriberBucket,
      busName: busName(options.environment),
      statuses: services.store,
      producers,
      destinations,
      sqsProducers,
      sqs: runtimeClients.sqs,
      stateFile: path.join(dataDir, 'deployer', 'applied.json'),
      allowLoopbackTargets: options.allowLoopbackTargets,
      log,
    });
    cleanups.push(() => deployer.close());
    await deployer.start();

    // Producers are served only once every applied route is back: a 404 during a restart would tell a
    // producer its event type does not exist.
    const broker = createProducerEndpoint({
      injector,
      keyCheck: { producers, keys: aws.apiGateway, apiId: LOCAL_BROKER_API_ID },
      stage: options.environment,
      scope,
      localRoutes: [health],
      log,
      limits,
    });
    const brokerPort = await listenOrExplain(
      broker,
      'producer endpoint',
      options.host,
      options.brokerPort,
      'brokerPort',
    );
    cleanups.push(() => close(broker));
    ownPorts.push(brokerPort);

    if (options.demo && (await ensureDemoEventType(services))) {
      await deployer.whenIdle();
      log('Demo: created the scanned_parcel event type (application parcel-tracking).');
    }

    const demoToken = options.demo
      ? await issueToken(signingKey, { user: 'demo-admin', teams: [], admin: true })
      : undefined;
    const portalUrl = clientUrl(options.host, portalPort);
    const brokerUrl = clientUrl(options.host, brokerPort);
    producerEndpointUrl = brokerUrl;
    ready = true;
    cleanups.push(() => {
      ready = false;
    });

    let closing: Promise<void> | undefined;
    return {
      environment: options.environment,
      dataDir,
      firstStart,
      portalUrl,
      brokerUrl,
      awsUrl,
      bus: aws.bus,
      deployer,
      producers,
      sqsProducers,
      queues,
      unroutedDeadLetters,
      issueToken: (subject, ttlSeconds) => issueToken(signingKey, subject, ttlSeconds),
      demoToken,
      whenDeployed: () => deployer.whenIdle(),
      close() {
        closing ??= cleanup();
        return closing;
      },
    };
  } catch (error) {
    await cleanup().catch(() => undefined);
    throw error;
  }
}

async function isDirectory(directory: string): Promise<boolean> {
  try {
    return (await stat(directory)).isDirectory();
  } catch {
    return false;
  }
}
