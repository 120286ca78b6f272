import type { PortalHandler } from '../../src/handlers/runtime';
import { type ApiResponse, call, type TestCaller } from './api';
import type { Portal } from './fixtures';

/** Who sends a request (`null`: anonymous) and its extra headers. */
export interface RequestOptions {
  readonly as?: TestCaller | null;
  readonly headers?: Record<string, string>;
}

interface Target {
  readonly resource: string;
  readonly pathParameters?: Record<string, string>;
  readonly query?: Record<string, string>;
}

function send(
  handler: PortalHandler,
  method: string,
  target: Target,
  body: unknown,
  options: RequestOptions,
): Promise<ApiResponse> {
  return call(handler, {
    method,
    ...target,
    ...(body === undefined ? {} : { body }),
    ...(options.headers === undefined ? {} : { headers: options.headers }),
    ...(options.as === undefined ? {} : { as: options.as }),
  });
}

/** Requests to the `/events` route group of a portal that may start later (read at each call). */
export function eventRequests(suite: { readonly portal: Portal }) {
  const type = (eventType: string) => ({
    resource: '/events/{event_type}',
    pathParameters: { event_type: eventType },
  });
  return {
    /** `POST /events`. */
    create: (body: unknown, options: RequestOptions = {}) =>
      send(suite.portal.events, 'POST', { resource: '/events' }, body, options),
    /** `GET /events/{event_type}`. */
    get: (eventType: string, options: RequestOptions = {}) =>
      send(suite.portal.events, 'GET', type(eventType), undefined, options),
    /** `PUT /events/{event_type}`. */
    put: (eventType: string, body: unknown, options: RequestOptions = {}) =>
      send(suite.portal.events, 'PUT', type(eventType), body, options),
    /** `DELETE /events/{event_type}`. */
    remove: (eventType: string, options: RequestOptions = {}) =>
      send(suite.portal.events, 'DELETE', type(eventType), undefined, options),
    /** `GET /events/{event_type}/versions/{version}`. */
    getVersion: (eventType: string, version: string | number, options: RequestOptions = {}) =>
      send(
        suite.portal.events,
        'GET',
        {
          resource: '/events/{event_type}/versions/{version}',
          pathParameters: { event_type: eventType, version: String(version) },
        },
        undefined,
        options,
      ),
  };
}

/** Requests to the `/subscriptions` route group of a portal that may start later (read at each call). */
export function subscriptionRequests(suite: { readonly portal: Portal }) {
  const one = (id: string) => ({ resource: '/subscriptions/{id}', pathParameters: { id } });
  return {
    /** `POST /subscriptions`. */
    subscribe: (body: unknown, options: RequestOptions = {}) =>
      send(suite.portal.subscriptions, 'POST', { resource: '/subscriptions' }, body, options),
    /** `GET /subscriptions/{id}`. */
    get: (id: string, options: RequestOptions = {}) =>
      send(suite.portal.subscriptions, 'GET', one(id), undefined, options),
    /** `DELETE /subscriptions/{id}`. */
    remove: (id: string, options: RequestOptions = {}) =>
      send(suite.portal.subscriptions, 'DELETE', one(id), undefined, options),
    /** `GET /subscriptions`. */
    list: (query?: Record<string, string>, options: RequestOptions = {}) =>
      send(
        suite.portal.subscriptions,
        'GET',
        { resource: '/subscriptions', ...(query === undefined ? {} : { query }) },
        undefined,
        options,
      ),
  };
}
