import {
  type EventBridgeClient,
  PutEventsCommand,
  type PutEventsCommandOutput,
} from '@aws-sdk/client-eventbridge';
import {
  ConflictError,
  EVENT_TYPE_PATTERN,
  ForbiddenError,
  isProducerKeyOf,
  isTransientAwsError,
  NotFoundError,
  PayloadTooLargeError,
  ProducerType,
  RejectionReason,
  type SqsProducerPlan,
  sqsQueueUrl,
  ValidationError,
} from '@bridgeport/core';
import { isRetryablePutEventsError, PublishFailedError } from './errors';
import { buildEventEntry, DEFAULT_MAX_EVENT_SIZE_BYTES, eventEntrySize } from './events';
import { noProducerMetrics, type ProducerMetrics } from './metrics';
import type { ResolvedProducer } from './producers';

/** Finds a producer by event type and version (a `ProducerCatalog`, or any stand-in such as the local runtime's). */
export interface ProducerResolver {
  resolve(eventType: string, version: number): Promise<ResolvedProducer | undefined>;
}

export interface InjectorOptions {
  readonly producers: ProducerResolver;
  readonly eventBridge: EventBridgeClient;
  /** Largest event accepted (EventBridge's entry size). @default DEFAULT_MAX_EVENT_SIZE_BYTES */
  readonly maxEventSizeBytes?: number;
  /**
   * The URL of an SQS producer's ingress queue, named when such a producer is posted to over HTTP.
   * @default AWS's queue URL in the plan's account and region
   */
  readonly ingressQueueUrl?: (plan: SqsProducerPlan) => string;
  /**
   * Counts published and refused events per event type and version (`powertoolsProducerMetrics()` in Lambda).
   * @default noProducerMetrics
   */
  readonly metrics?: ProducerMetrics;
}

/** Body of a `200` answer. */
export interface InjectedEvent {
  readonly event_id: string;
}

export interface Injector {
  /**
   * Validates an envelope against the producer's schema and puts it on the bus. Throws `NotFoundError`,
   * `ValidationError` (with every problem), `PayloadTooLargeError` or `PublishFailedError`.
   */
  publish(eventType: string, version: number, envelope: unknown): Promise<InjectedEvent>;
  /**
   * Throws `ForbiddenError` ("Forbidden", as API Gateway answers) unless `apiKey` — the key API Gateway admitted
   * the request with (`requestContext.identity.apiKey`) — was issued for the producers of `eventType`: API
   * Gateway admits any key of the stage's usage plans on every key-requiring route. Routes that require no key
   * (no HTTP producer deployed) pass, and are answered by `publish`.
   */
  authorize(eventType: string, version: number, apiKey: string | null | undefined): Promise<void>;
  /**
   * Counts a request whose body could not be read as a JSON event (not JSON, not sent as JSON, nested too deep) as
   * an event refused for its schema, as the SQS forwarder counts such a message; nothing is counted for a route
   * without an HTTP producer.
   */
  refuseUnreadable(eventType: string, version: number): Promise<void>;
}

const VERSION_PATTERN = /^[1-9]\d{0,14}$/;

/** The event type and version a producer route names. */
type ProducerRoute = Readonly<{ eventType: string; version: number }>;

/** Routes read lately, by path (`null`: not a producer route): every request reads its route several times. */
const routesRead = new Map<string, ProducerRoute | null>();
/** Paths remembered at most; past it the memory starts again (a client can send any path). */
const ROUTES_REMEMBERED = 1024;

/** `{ eventType, version }` from the last two segments of a route such as `/order_created/1`; else `undefined`. */
export function parseProducerRoute(path: string): ProducerRoute | undefined {
  const known = routesRead.get(path);
  if (known !== undefined) return known ?? undefined;
  const route = readProducerRoute(path);
  if (routesRead.size >= ROUTES_REMEMBERED) routesRead.clear();
  routesRead.set(path, route ?? null);
  return route;
}

function readProducerRoute(path: string): ProducerRoute | undefined {
  const segments = path.split('/').filter((segment) => segment !== '');
  if (segments.length < 2) return undefined;
  const eventType = segments[segments.length - 2] as string;
  const versionText = segments[segments.length - 1] as string;
  if (!EVENT_TYPE_PATTERN.test(eventType) || !VERSION_PATTERN.test(versionText)) return undefined;
  const version = Number(versionText);
  return Number.isSafeInteger(version) ? Object.freeze({ eventType, version }) : undefined;
}

function errorName(error: unknown): string {
  return error instanceof Error ? error.name : 'UnknownError';
}

/** The HTTP injector behind every HTTP producer route. */
export function createInjector(options: InjectorOptions): Injector {
  const maxEventSizeBytes = options.maxEventSizeBytes ?? DEFAULT_MAX_EVENT_SIZE_BYTES;
  const metrics = options.metrics ?? noProducerMetrics;

  async function publish(eventType: string, version: number, envelope: unknown): Promise<InjectedEvent> {
    const producer = await options.producers.resolve(eventType, version);
    if (producer === undefined) {
      throw new NotFoundError(`No producer is deployed for ${eventType} version ${version}`, {
        context: { eventType, version },
      });
    }
    const { plan } = producer;
    if (plan.type === ProducerType.SQS) {
      const queueName = plan.sqs.ingressQueueName;
      const url =
        options.ingressQueueUrl?.(plan) ??
        sqsQueueUrl({ partition: 'aws', account: plan.account, region: plan.region }, queueName);
      throw new ConflictError(
        `${eventType} version ${version} has an SQS producer, not an HTTP one: send its events to the ingress queue ${url}`,
        { context: { eventType, version, queueUrl: url } },
      );
    }
    const subject = { busName: producer.route.busName, eventType, version };
    const problems = producer.validate(envelope);
    if (problems.length > 0) {
      metrics.rejected(subject, RejectionReason.SCHEMA);
      throw new ValidationError(
        `The event does not match the schema of ${eventType} version ${version}`,
        problems,
      );
    }
    const entry = buildEventEntry(producer.route, envelope);
    const size = eventEntrySize(entry);
    if (size > maxEventSizeBytes) {
      metrics.rejected(subject, RejectionReason.SIZE);
      throw new PayloadTooLargeError(`The event is ${size} bytes; the limit is ${maxEventSizeBytes} bytes`);
    }
    let output: PutEventsCommandOutput;
    try {
      output = await options.eventBridge.send(new PutEventsCommand({ Entries: [entry] }));
    } catch (error) {
      const code = errorName(error);
      throw new PublishFailedError(code, isTransientAwsError(error), error);
    }
    const [result] = output.Entries ?? [];
    if ((output.FailedEntryCount ?? 0) > 0 || result?.EventId === undefined) {
      const code = result?.ErrorCode ?? 'MissingEventId';
      throw new PublishFailedError(code, isRetryablePutEventsError(result?.ErrorCode));
    }
    metrics.published(subject, size);
    return { event_id: result.EventId };
  }

  async function authorize(eventType: string, version: number, apiKey: string | null | undefined) {
    const producer = await options.producers.resolve(eventType, version);
    const plan = producer?.plan;
    if (
      producer !== undefined &&
      plan?.type === ProducerType.HTTPS &&
      plan.http.apiKeyRequired &&
      !isProducerKeyOf(apiKey, plan.environment, plan.eventType)
    ) {
      metrics.rejected({ busName: producer.route.busName, eventType, version }, RejectionReason.AUTH);
      throw new ForbiddenError('Forbidden', { context: { eventType, version } });
    }
  }

  async function refuseUnreadable(eventType: string, version: number): Promise<void> {
    const producer = await options.producers.resolve(eventType, version);
    if (producer?.plan.type !== ProducerType.HTTPS) return;
    metrics.rejected({ busName: producer.route.busName, eventType, version }, RejectionReason.SCHEMA);
  }

  return { publish, authorize, refuseUnreadable };
}
