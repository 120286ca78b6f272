/**
 * Read-only views over the catalog: "who receives this?" (an event tried against a draft filter and against the
 * existing subscriptions, with the very pattern each rule has) and the AsyncAPI documents.
 */
import { randomUUID } from 'node:crypto';
import {
  compareSchemas,
  createPayloadValidator,
  detailType,
  type JsonObject,
  type SchemaComparison,
  subscriptionEventPattern,
  TARGET_UNIT_MAX_LENGTH,
  ValidationError,
  type ValidationProblem,
} from '@bridgeport/core';
import { testEventPattern } from '@bridgeport/event-patterns';
import type { PortalConfig } from '../config';
import { buildAsyncApiDocument, type CatalogEntry } from './asyncapi';
import type { Caller } from './caller';
import { CATALOG_READ_CONCURRENCY, mapInOrder } from './concurrency';
import type { EventVersionView } from './event-type-views';
import type { EventTypeService } from './event-types';
import { checkSubscriptionFilter } from './filter';
import { allEventTypeNames, allSubscriptions, skipWhen } from './pagination';
import type { SubscriptionService } from './subscriptions';

/** The catalog shows what any team may see: no team's endpoints or secrets. */
const CATALOG_VIEWER: Caller = { user: 'catalog', teams: [], admin: false };

export interface CatalogServiceOptions {
  readonly eventTypes: EventTypeService;
  readonly subscriptions: SubscriptionService;
  readonly config: PortalConfig;
  /** Clock. @default () => new Date() */
  readonly now?: () => Date;
}

/** One existing subscription, as a match report shows it: never its endpoint. */
export interface SubscriptionMatch {
  readonly id: string;
  readonly connection_type: string;
  readonly target_unit?: string;
  readonly filter?: JsonObject;
  readonly status: string;
  readonly matches: boolean;
}

export interface MatchReport {
  /** Whether the event is valid for the version's schema (a producer would be refused otherwise). */
  readonly valid: boolean;
  /** Why it is not, with JSON paths into the event. */
  readonly errors: ValidationProblem[];
  /** The event as the bus carries it, which patterns are tested against. */
  readonly bus_event: JsonObject;
  /** The draft subscription's result, when a filter or a target unit was given. */
  readonly draft?: { readonly pattern: JsonObject; readonly matches: boolean };
  /** Every subscription to this version, and whether it would receive the event. */
  readonly subscriptions: SubscriptionMatch[];
  /** How many of them would receive it. */
  readonly receivers: number;
}

interface MatchRequest {
  readonly event: JsonObject;
  readonly filter?: JsonObject;
  readonly target_unit?: string;
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function readMatchRequest(input: unknown): MatchRequest {
  const problems: ValidationProblem[] = [];
  if (!isObject(input)) {
    throw new ValidationError('The match request is not valid', [
      { path: '$', message: 'must be an object' },
    ]);
  }
  for (const key of Object.keys(input)) {
    if (!['event', 'filter', 'target_unit'].includes(key)) {
      problems.push({
        path: `$.${key}`,
        message: 'is not a field of a match request (event, filter, target_unit)',
      });
    }
  }
  const { event, filter, target_unit: targetUnit } = input;
  if (!isObject(event))
    problems.push({ path: '$.event', message: 'must be an object (the event as a producer sends it)' });
  if (filter !== undefined && !isObject(filter))
    problems.push({ path: '$.filter', message: 'must be an object' });
  if (
    targetUnit !== undefined &&
    (typeof targetUnit !== 'string' || targetUnit.length === 0 || targetUnit.length > TARGET_UNIT_MAX_LENGTH)
  ) {
    problems.push({
      path: '$.target_unit',
      message: `must be a string of 1 to ${TARGET_UNIT_MAX_LENGTH} characters`,
    });
  }
  if (problems.length > 0) throw new ValidationError('The match request is not valid', problems);
  return {
    event: event as JsonObject,
    ...(filter === undefined ? {} : { filter: filter as JsonObject }),
    ...(targetUnit === undefined ? {} : { target_unit: targetUnit as string }),
  };
}

export class CatalogService {
  private readonly eventTypes: EventTypeService;
  private readonly subscriptions: SubscriptionService;
  private readonly config: PortalConfig;
  private readonly now: () => Date;

  constructor(options: CatalogServiceOptions) {
    this.eventTypes = options.eventTypes;
    this.subscriptions = options.subscriptions;
    this.config = options.config;
    this.now = options.now ?? (() => new Date());
  }

  /** `POST /events/{event_type}/versions/{version}/match`. */
  async match(eventType: string, version: number, input: unknown): Promise<MatchReport> {
    const request = readMatchRequest(input);
    const found = await this.eventTypes.getVersion(eventType, version);
    if (request.filter !== undefined) {
      const problems = checkSubscriptionFilter(request.filter, found.data as JsonObject, {
        eventType,
        version,
      });
      if (problems.length > 0) throw new ValidationError('The filter is not valid', problems);
    }
    const errors = createPayloadValidator(found.schema)(request.event);
    const busEvent = this.busEvent(found, request.event);
    const draft =
      request.filter === undefined && request.target_unit === undefined
        ? undefined
        : subscriptionEventPattern({ ...found, ...request });
    const subscriptions = (
      await allSubscriptions(this.subscriptions, CATALOG_VIEWER, eventType, version)
    ).map((subscription) => ({
      id: subscription.id,
      connection_type: subscription.connection_type,
      ...(subscription.target_unit === undefined ? {} : { target_unit: subscription.target_unit }),
      ...(subscription.filter === undefined ? {} : { filter: subscription.filter }),
      status: subscription.status,
      matches: testEventPattern(busEvent, subscriptionEventPattern(subscription)),
    }));
    return {
      valid: errors.length === 0,
      errors,
      bus_event: busEvent,
      ...(draft === undefined
        ? {}
        : { draft: { pattern: draft, matches: testEventPattern(busEvent, draft) } }),
      subscriptions,
      receivers: subscriptions.filter((subscription) => subscription.matches).length,
    };
  }

  /**
   * `GET /events/{event_type}/compatibility?from=&to=`: the compatibility report between any two versions, as
   * `PUT /events/{event_type}` reports it between consecutive ones (`from` older or newer than `to`).
   */
  async compatibility(
    eventType: string,
    from: number,
    to: number,
  ): Promise<SchemaComparison & { readonly from: number; readonly to: number }> {
    const [older, newer] = await Promise.all([
      this.eventTypes.getVersion(eventType, from),
      this.eventTypes.getVersion(eventType, to),
    ]);
    return { from, to, ...compareSchemas(older.data, newer.data, { root: '$.data' }) };
  }

  /** `GET /asyncapi` (every event type) or `GET /events/{event_type}/asyncapi` (one). */
  async asyncApi(eventType?: string): Promise<JsonObject> {
    const names = eventType === undefined ? await allEventTypeNames(this.eventTypes) : [eventType];
    const read = await mapInOrder(
      names,
      CATALOG_READ_CONCURRENCY,
      async (name): Promise<CatalogEntry | undefined> => {
        // A type deleted since it was listed is not part of the catalog; asked for by name, it is a 404.
        const type = await this.eventTypes.get(name).then(
          (found) => found.value,
          (error: unknown) => skipWhen(eventType === undefined, error),
        );
        if (type === undefined) return undefined;
        const [versions, subscriptions] = await Promise.all([
          Promise.all(
            type.versions.map((summary) =>
              // A version still being created is not part of the catalog yet.
              this.eventTypes
                .getVersion(name, summary.version)
                .catch((error: unknown) => skipWhen(true, error)),
            ),
          ),
          allSubscriptions(this.subscriptions, CATALOG_VIEWER, name),
        ]);
        return {
          type,
          versions: versions.filter((version): version is EventVersionView => version !== undefined),
          subscriptions,
        };
      },
    );
    const entries = read.filter((entry): entry is CatalogEntry => entry !== undefined);
    return buildAsyncApiDocument(entries, {
      environment: this.config.environment,
      region: this.config.region,
      ...(this.config.producerEndpointUrl === undefined
        ? {}
        : { producerEndpointUrl: this.config.producerEndpointUrl }),
      ...(eventType === undefined ? {} : { subject: eventType }),
    });
  }

  private busEvent(version: EventVersionView, detail: JsonObject): JsonObject {
    return {
      version: '0',
      id: randomUUID(),
      'detail-type': detailType(version.event_type, version.version),
      source: version.application,
      account: this.config.account,
      time: this.now()
        .toISOString()
        .replace(/\.\d{3}Z$/, 'Z'),
      region: this.config.region,
      resources: [],
      detail,
    };
  }
}
