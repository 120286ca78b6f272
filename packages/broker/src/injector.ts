import {
  type EventBridgeClient,
  PutEventsCommand,
  type PutEventsCommandOutput,
} from '@aws-sdk/client-eventbridge';
import {
  assertJsonContentType,
  ConflictError,
  EVENT_TYPE_PATTERN,
  headerValue,
  InputLimit,
  isTransientAwsError,
  jsonTextTooDeep,
  NotFoundError,
  PayloadTooLargeError,
  type ProducerPlan,
  parseJsonBody,
  requestBodyText,
  sqsQueueUrl,
  ValidationError,
} from '@bridgeport/core';
import { isRetryablePutEventsError, PublishFailedError } from './errors';
import { buildEventEntry, DEFAULT_MAX_EVENT_SIZE_BYTES, eventEntrySize } from './events';
import { errorResponse, type HttpResponse, jsonResponse } from './http';
import { jsonLogger, type Logger } from './logger';
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
  /** @default jsonLogger */
  readonly logger?: Logger;
  /**
   * The URL of an SQS producer's ingress queue, named when such a producer is posted to over HTTP.
   * @default AWS's queue URL in the plan's account and region
   */
  readonly ingressQueueUrl?: (plan: ProducerPlan) => string;
}

/** One HTTP request to a producer route, as API Gateway (or the local runtime) hands it over. */
export interface InjectorRequest {
  /** The route, `/{event_type}/{version}` (API Gateway's `resource`, or the request path). */
  readonly path: string;
  readonly body?: string | null;
  readonly isBase64Encoded?: boolean;
  readonly headers?: Readonly<Record<string, string | undefined>> | null;
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
  /** The HTTP face of `publish`: `200 {"event_id"}`, `400 {message, errors}`, `404`, `413`, `415`, `502`/`503`. */
  handle(request: InjectorRequest): Promise<HttpResponse>;
}

const VERSION_PATTERN = /^[1-9]\d{0,14}$/;

/** `{ eventType, version }` from the last two segments of a route such as `/order_created/1`; else `undefined`. */
export function parseProducerRoute(path: string): { eventType: string; version: number } | undefined {
  const segments = path.split('/').filter((segment) => segment !== '');
  if (segments.length < 2) return undefined;
  const eventType = segments[segments.length - 2] as string;
  const versionText = segments[segments.length - 1] as string;
  if (!EVENT_TYPE_PATTERN.test(eventType) || !VERSION_PATTERN.test(versionText)) return undefined;
  const version = Number(versionText);
  return Number.isSafeInteger(version) ? { eventType, version } : undefined;
}

/** Reads the body under the rule every Bridgeport endpoint follows (core's `json-request`): 415, 400. */
function parseBody(request: InjectorRequest): unknown {
  assertJsonContentType(headerValue(request.headers, 'content-type'));
  const text = requestBodyText(request.body, request.isBase64Encoded);
  // Checked on the text before parsing, so that no validation recurses into a deeper event.
  if (jsonTextTooDeep(text, InputLimit.MAX_JSON_DEPTH)) {
    throw new ValidationError('The event nests too deep', [
      { path: '$', message: `nests objects and arrays deeper than ${InputLimit.MAX_JSON_DEPTH} levels` },
    ]);
  }
  return parseJsonBody(text);
}

function errorName(error: unknown): string {
  return error instanceof Error ? error.name : 'UnknownError';
}

/** The HTTP injector behind every HTTP producer route. */
export function createInjector(options: InjectorOptions): Injector {
  const maxEventSizeBytes = options.maxEventSizeBytes ?? DEFAULT_MAX_EVENT_SIZE_BYTES;
  const logger = options.logger ?? jsonLogger;

  async function publish(eventType: string, version: number, envelope: unknown): Promise<InjectedEvent> {
    const producer = await options.producers.resolve(eventType, version);
    if (producer === undefined) {
      throw new NotFoundError(`No producer is deployed for ${eventType} version ${version}`, {
        context: { eventType, version },
      });
    }
    if (producer.plan.sqs !== undefined) {
      const { plan } = producer;
      const queueName = producer.plan.sqs.ingressQueueName;
      const url =
        options.ingressQueueUrl?.(plan) ??
        sqsQueueUrl({ partition: 'aws', account: plan.account, region: plan.region }, queueName);
      throw new ConflictError(
        `${eventType} version ${version} has an SQS producer, not an HTTP one: send its events to the ingress queue ${url}`,
        { context: { eventType, version, queueUrl: url } },
      );
    }
    const problems = producer.validate(envelope);
    if (problems.length > 0) {
      throw new ValidationError(
        `The event does not match the schema of ${eventType} version ${version}`,
        problems,
      );
    }
    const entry = buildEventEntry(producer.route, envelope);
    const size = eventEntrySize(entry);
    if (size > maxEventSizeBytes) {
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
    return { event_id: result.EventId };
  }

  async function handle(request: InjectorRequest): Promise<HttpResponse> {
    try {
      const route = parseProducerRoute(request.path);
      if (route === undefined) throw new NotFoundError(`No producer route matches ${request.path}`);
      const envelope = parseBody(request);
      return jsonResponse(200, await publish(route.eventType, route.version, envelope));
    } catch (error) {
      return errorResponse(error, logger);
    }
  }

  return { publish, handle };
}
