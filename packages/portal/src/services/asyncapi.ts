/**
 * The catalog as an AsyncAPI 3.0 document: the format EventCatalog and the AsyncAPI tools import. Built from the
 * portal's own views only, so it never disagrees with the API.
 *
 * - servers: the producer endpoint (HTTP) and the EventBridge bus;
 * - one channel and one message per event type version (channel address `{event_type}/{version}`, the producer
 *   route), the payload being the full envelope schema with the data schema inside;
 * - per version, one `send` operation (the producer) and one `receive` operation per subscription, its rule
 *   pattern and filter under `x-bridgeport-*` fields (AsyncAPI has no EventBridge binding);
 * - Bridgeport's statuses as `x-bridgeport-status`.
 */
import {
  busName,
  detailType,
  type JsonObject,
  type JsonSchema,
  subscriptionEventPattern,
} from '@bridgeport/core';
import type { EventTypeView, EventVersionView } from './event-type-views';
import type { SubscriptionView } from './subscription-views';

export const ASYNCAPI_VERSION = '3.0.0';

/** One event type with every readable version and the subscriptions to them. */
export interface CatalogEntry {
  readonly type: EventTypeView;
  readonly versions: readonly EventVersionView[];
  readonly subscriptions: readonly SubscriptionView[];
}

export interface AsyncApiContext {
  readonly environment: string;
  readonly region: string;
  /** Base URL of the producer endpoint; without it the server's host is a variable. */
  readonly producerEndpointUrl?: string;
  /** Title suffix, e.g. the event type of a one-type document. */
  readonly subject?: string;
}

const SERVER = { PRODUCER: 'producer-endpoint', BUS: 'event-bus' } as const;

/** AsyncAPI component and channel ids allow `[A-Za-z0-9_.-]`; event type names are already within that set. */
export function versionId(eventType: string, version: number): string {
  return `${eventType}.v${version}`;
}

/** Multi-format payload: the envelope schema in its own JSON Schema dialect (draft-07 unless it names another). */
function payloadOf(schema: JsonSchema): JsonObject {
  const { $schema, ...rest } = schema as JsonObject;
  const draft = typeof $schema === 'string' && /draft-04/.test($schema) ? 'draft-04' : 'draft-07';
  return { schemaFormat: `application/schema+json;version=${draft}`, schema: rest };
}

function producerServer(context: AsyncApiContext): JsonObject {
  const description = 'The producer endpoint: POST the event (the envelope) to /{event_type}/{version}.';
  if (context.producerEndpointUrl !== undefined) {
    const url = new URL(context.producerEndpointUrl);
    return {
      host: url.host,
      protocol: url.protocol.replace(/:$/, ''),
      ...(url.pathname === '/' ? {} : { pathname: url.pathname.replace(/\/+$/, '') }),
      description,
    };
  }
  return {
    host: `{apiId}.execute-api.${context.region}.amazonaws.com`,
    protocol: 'https',
    pathname: `/${context.environment}`,
    description,
    variables: { apiId: { description: 'The id of the broker API (the broker stack output).' } },
  };
}

/** Builds the document for the given entries (the whole catalog, or one event type). */
export function buildAsyncApiDocument(
  entries: readonly CatalogEntry[],
  context: AsyncApiContext,
): JsonObject {
  const channels: JsonObject = {};
  const messages: JsonObject = {};
  const operations: JsonObject = {};
  const bus = busName(context.environment);
  for (const { type, versions, subscriptions } of entries) {
    for (const version of versions) {
      const id = versionId(type.event_type, version.version);
      const messageRef = { $ref: `#/channels/${id}/messages/${id}` };
      messages[id] = {
        name: id,
        title: `${type.event_type} version ${version.version}`,
        summary: version.description,
        contentType: 'application/json',
        payload: payloadOf(version.schema),
        'x-bridgeport-detail-type': detailType(type.event_type, version.version),
        'x-bridgeport-source': type.application,
        'x-bridgeport-status': version.status,
        ...(version.status_reason === undefined
          ? {}
          : { 'x-bridgeport-status-reason': version.status_reason }),
      };
      channels[id] = {
        address: `${type.event_type}/${version.version}`,
        title: `${type.event_type} v${version.version}`,
        description: `${version.description} (on the bus ${bus} as detail-type ${detailType(type.event_type, version.version)}, source ${type.application})`,
        servers: [{ $ref: `#/servers/${SERVER.PRODUCER}` }, { $ref: `#/servers/${SERVER.BUS}` }],
        messages: { [id]: { $ref: `#/components/messages/${id}` } },
        'x-bridgeport-producer': version.connection_type,
      };
      operations[`publish.${id}`] = {
        action: 'send',
        title: `Publish ${type.event_type} v${version.version}`,
        summary: `${type.application} publishes through its ${version.connection_type} producer.`,
        channel: { $ref: `#/channels/${id}` },
        messages: [messageRef],
        'x-bridgeport-application': type.application,
        'x-bridgeport-status': version.status,
      };
      for (const subscription of subscriptions) {
        if (subscription.version !== version.version) continue;
        operations[`receive.${subscription.id}`] = {
          action: 'receive',
          title: `Subscription ${subscription.id}`,
          summary: `A ${subscription.connection_type} consumer${
            subscription.target_unit === undefined ? '' : ` for target unit ${subscription.target_unit}`
          }.`,
          channel: { $ref: `#/channels/${id}` },
          messages: [messageRef],
          'x-bridgeport-consumer': subscription.connection_type,
          ...(subscription.target_unit === undefined
            ? {}
            : { 'x-bridgeport-target-unit': subscription.target_unit }),
          ...(subscription.filter === undefined ? {} : { 'x-bridgeport-filter': subscription.filter }),
          'x-bridgeport-event-pattern': subscriptionEventPattern(subscription),
          'x-bridgeport-status': subscription.status,
        };
      }
    }
  }
  return {
    asyncapi: ASYNCAPI_VERSION,
    info: {
      title: `Bridgeport event catalog (${context.environment})${context.subject === undefined ? '' : `: ${context.subject}`}`,
      version: latestChange(entries),
      description:
        'Event types registered in Bridgeport: one channel per event type version, its producer (send) and its subscriptions (receive).',
    },
    defaultContentType: 'application/json',
    servers: {
      [SERVER.PRODUCER]: producerServer(context),
      [SERVER.BUS]: {
        host: `events.${context.region}.amazonaws.com`,
        protocol: 'https',
        description: `The EventBridge bus ${bus}: each subscription is a rule on it.`,
        'x-bridgeport-event-bus': bus,
      },
    },
    channels,
    operations,
    components: { messages },
  };
}

/** The document's version: the newest change in it, so a changed catalog gets a new version. */
function latestChange(entries: readonly CatalogEntry[]): string {
  let latest = '1970-01-01T00:00:00.000Z';
  for (const { type } of entries) if (type.updated_at > latest) latest = type.updated_at;
  return latest;
}
