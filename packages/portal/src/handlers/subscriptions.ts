import { jsonBody, type Logger, optionalJsonBody } from '@bridgeport/edge';
import { pathParameter, queryParameter } from '../http/request';
import { json, location, noContent } from '../http/response';
import { readLimit, readListQuery } from '../services/pagination';
import type { SubscriptionService } from '../services/subscriptions';
import {
  defaultPortalServices,
  type PortalHandler,
  type RouteAction,
  routeGroupHandler,
  type ServicesSource,
} from './runtime';

export interface SubscriptionsHandlerServices {
  readonly subscriptions: SubscriptionService;
}

function listQuery(event: Parameters<RouteAction<unknown>>[1]) {
  return readListQuery({
    limit: queryParameter(event, 'limit'),
    next_token: queryParameter(event, 'next_token'),
  });
}

/** Actions of the subscriptions route group, keyed by `METHOD resource`. */
export const subscriptionsActions: Readonly<Record<string, RouteAction<SubscriptionsHandlerServices>>> = {
  'POST /subscriptions': async ({ subscriptions }, event, caller) => {
    const created = await subscriptions.create(jsonBody(event), caller);
    return json(201, created, { Location: location(event, `/subscriptions/${created.id}`) });
  },
  'GET /subscriptions': async ({ subscriptions }, event, caller) =>
    json(
      200,
      await subscriptions.list(
        {
          ...listQuery(event),
          event_type: queryParameter(event, 'event_type'),
          version: queryParameter(event, 'version'),
        },
        caller,
      ),
    ),
  'GET /subscriptions/{id}': async ({ subscriptions }, event, caller) =>
    json(200, await subscriptions.get(pathParameter(event, 'id'), caller)),
  'DELETE /subscriptions/{id}': async ({ subscriptions }, event, caller) => {
    await subscriptions.delete(pathParameter(event, 'id'), caller);
    return noContent();
  },
  'GET /subscriptions/{id}/dead-letters': async ({ subscriptions }, event, caller) =>
    json(
      200,
      await subscriptions.deadLetters(
        pathParameter(event, 'id'),
        readLimit(queryParameter(event, 'limit')),
        caller,
      ),
    ),
  'POST /subscriptions/{id}/dead-letters/redrive': async ({ subscriptions }, event, caller) =>
    json(200, await subscriptions.redrive(pathParameter(event, 'id'), optionalJsonBody(event), caller)),
  'DELETE /subscriptions/{id}/dead-letters/{dl_id}': async ({ subscriptions }, event, caller) => {
    await subscriptions.discardDeadLetter(pathParameter(event, 'id'), pathParameter(event, 'dl_id'), caller);
    return noContent();
  },
  'POST /subscriptions/{id}/replay': async ({ subscriptions }, event, caller) => {
    const id = pathParameter(event, 'id');
    const replay = await subscriptions.startReplay(id, jsonBody(event), caller);
    return json(202, replay, { Location: location(event, `/subscriptions/${id}/replays/${replay.name}`) });
  },
  'GET /subscriptions/{id}/replays/{name}': async ({ subscriptions }, event) =>
    json(200, await subscriptions.describeReplay(pathParameter(event, 'id'), pathParameter(event, 'name'))),
};

/** The subscriptions route group's handler with the given services. */
export function createSubscriptionsHandler(
  services: ServicesSource<SubscriptionsHandlerServices>,
  options: { readonly logger?: Logger } = {},
): PortalHandler {
  return routeGroupHandler(subscriptionsActions, services, options);
}

/** `POST/GET /subscriptions`, `GET/DELETE /subscriptions/{id}`, the dead-letter and replay routes. */
export const subscriptionsHandler: PortalHandler = createSubscriptionsHandler(defaultPortalServices);
