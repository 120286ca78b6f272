import { ValidationError } from '@bridgeport/core';
import { jsonBody, type Logger } from '@bridgeport/edge';
import { entityTag, ifMatch } from '../http/etag';
import { pathParameter, queryParameter } from '../http/request';
import { json, location, noContent } from '../http/response';
import type { EventTypeService } from '../services/event-types';
import { readListQuery } from '../services/pagination';
import type { ProducerKeyService } from '../services/producer-keys';
import {
  defaultPortalServices,
  type PortalHandler,
  type RouteAction,
  routeGroupHandler,
  type ServicesSource,
} from './runtime';

export interface EventsHandlerServices {
  readonly eventTypes: EventTypeService;
  readonly producerKeys: ProducerKeyService;
}

/** Actions of the events route group, keyed by `METHOD resource`. */
export const eventsActions: Readonly<Record<string, RouteAction<EventsHandlerServices>>> = {
  'POST /events': async ({ eventTypes }, event, caller) => {
    const created = await eventTypes.create(jsonBody(event), caller);
    return json(
      201,
      { ...created.value, version: 1 },
      { ETag: entityTag(created.revision), Location: location(event, `/events/${created.value.event_type}`) },
    );
  },
  'GET /events': async ({ eventTypes }, event) => {
    const query = readListQuery({
      limit: queryParameter(event, 'limit'),
      next_token: queryParameter(event, 'next_token'),
    });
    return json(200, await eventTypes.list({ ...query, application: queryParameter(event, 'application') }));
  },
  'GET /events/{event_type}': async ({ eventTypes }, event) => {
    const found = await eventTypes.get(pathParameter(event, 'event_type'));
    return json(200, found.value, { ETag: entityTag(found.revision) });
  },
  'PUT /events/{event_type}': async ({ eventTypes }, event, caller) => {
    const body = jsonBody(event);
    const updated = await eventTypes.update(pathParameter(event, 'event_type'), body, ifMatch(event), caller);
    const { compatibility } = updated.value;
    return json(
      200,
      { ...updated.value.event_type, ...(compatibility === undefined ? {} : { compatibility }) },
      { ETag: entityTag(updated.revision) },
    );
  },
  'DELETE /events/{event_type}': async ({ eventTypes }, event, caller) => {
    await eventTypes.delete(pathParameter(event, 'event_type'), ifMatch(event), caller);
    return noContent();
  },
  'GET /events/{event_type}/producer-key': async ({ eventTypes, producerKeys }, event, caller) => {
    const eventType = pathParameter(event, 'event_type');
    const type = await eventTypes.requireKeyedType(eventType, caller, 'read the producer key');
    return json(200, await producerKeys.read(eventType, type.rate_limit_per_second), {
      'Cache-Control': 'no-store',
    });
  },
  'POST /events/{event_type}/producer-key/rotate': async ({ eventTypes, producerKeys }, event, caller) => {
    const eventType = pathParameter(event, 'event_type');
    const type = await eventTypes.requireKeyedType(eventType, caller, 'rotate the producer key');
    return json(200, await producerKeys.rotate(eventType, type.rate_limit_per_second), {
      'Cache-Control': 'no-store',
    });
  },
  'GET /events/{event_type}/versions/{version}': async ({ eventTypes }, event) => {
    const text = pathParameter(event, 'version');
    if (!/^[1-9]\d{0,9}$/.test(text)) {
      throw new ValidationError('The version is not valid', [
        { path: 'path.version', message: 'must be an integer of at least 1' },
      ]);
    }
    return json(200, await eventTypes.getVersion(pathParameter(event, 'event_type'), Number(text)));
  },
};

/** The events route group's handler with the given services. */
export function createEventsHandler(
  services: ServicesSource<EventsHandlerServices>,
  options: { readonly logger?: Logger } = {},
): PortalHandler {
  return routeGroupHandler(eventsActions, services, options);
}

/**
 * `POST/GET /events`, `GET/PUT/DELETE /events/{event_type}`, `GET /events/{event_type}/versions/{version}`,
 * `GET /events/{event_type}/producer-key`, `POST /events/{event_type}/producer-key/rotate`.
 */
export const eventsHandler: PortalHandler = createEventsHandler(defaultPortalServices);
