import { ValidationError } from '@bridgeport/core';
import { jsonBody, type Logger } from '@bridgeport/edge';
import { pathParameter, queryParameter } from '../http/request';
import { json } from '../http/response';
import type { CatalogService } from '../services/catalog';
import type { InsightsQuery, InsightsService } from '../services/insights';
import {
  defaultPortalServices,
  type PortalHandler,
  type RouteAction,
  routeGroupHandler,
  type ServicesSource,
} from './runtime';

export interface CatalogHandlerServices {
  readonly catalog: CatalogService;
  readonly insights: InsightsService;
}

type ApiEvent = Parameters<RouteAction<unknown>>[1];

function versionNumber(text: string | undefined, path: string): number {
  if (text === undefined || !/^[1-9]\d{0,9}$/.test(text)) {
    throw new ValidationError('The version is not valid', [
      { path, message: 'must be an integer of at least 1' },
    ]);
  }
  return Number(text);
}

function versionParameter(event: ApiEvent): number {
  return versionNumber(pathParameter(event, 'version'), 'path.version');
}

function insightsQuery(event: ApiEvent): InsightsQuery {
  const from = queryParameter(event, 'from');
  const to = queryParameter(event, 'to');
  const period = queryParameter(event, 'period');
  return {
    ...(from === undefined ? {} : { from }),
    ...(to === undefined ? {} : { to }),
    ...(period === undefined ? {} : { period }),
  };
}

/** Actions of the catalog route group (read-only), keyed by `METHOD resource`. */
export const catalogActions: Readonly<Record<string, RouteAction<CatalogHandlerServices>>> = {
  'GET /asyncapi': async ({ catalog }) => json(200, await catalog.asyncApi()),
  'GET /events/{event_type}/asyncapi': async ({ catalog }, event) =>
    json(200, await catalog.asyncApi(pathParameter(event, 'event_type'))),
  'GET /events/{event_type}/compatibility': async ({ catalog }, event) =>
    json(
      200,
      await catalog.compatibility(
        pathParameter(event, 'event_type'),
        versionNumber(queryParameter(event, 'from'), 'query.from'),
        versionNumber(queryParameter(event, 'to'), 'query.to'),
      ),
    ),
  'GET /events/{event_type}/insights': async ({ insights }, event, caller) =>
    json(200, await insights.eventType(pathParameter(event, 'event_type'), insightsQuery(event), caller)),
  'GET /insights': async ({ insights }, event) => json(200, await insights.catalog(insightsQuery(event))),
  'POST /events/{event_type}/versions/{version}/match': async ({ catalog }, event) =>
    json(
      200,
      await catalog.match(pathParameter(event, 'event_type'), versionParameter(event), jsonBody(event)),
    ),
};

/** The catalog route group's handler with the given services. */
export function createCatalogHandler(
  services: ServicesSource<CatalogHandlerServices>,
  options: { readonly logger?: Logger } = {},
): PortalHandler {
  return routeGroupHandler(catalogActions, services, options);
}

/**
 * `GET /asyncapi`, `GET /events/{event_type}/asyncapi`, `GET /events/{event_type}/compatibility`,
 * `GET /events/{event_type}/insights`, `GET /insights`, `POST /events/{event_type}/versions/{version}/match`.
 */
export const catalogHandler: PortalHandler = createCatalogHandler(defaultPortalServices);
