import { ValidationError } from '@bridgeport/core';
import type { Logger } from '../http/logger';
import { pathParameter, readJsonBody } from '../http/request';
import { json } from '../http/response';
import type { CatalogService } from '../services/catalog';
import {
  defaultPortalServices,
  type PortalHandler,
  type RouteAction,
  routeGroupHandler,
  type ServicesSource,
} from './runtime';

export interface CatalogHandlerServices {
  readonly catalog: CatalogService;
}

function versionParameter(event: Parameters<RouteAction<unknown>>[1]): number {
  const text = pathParameter(event, 'version');
  if (!/^[1-9]\d{0,9}$/.test(text)) {
    throw new ValidationError('The version is not valid', [
      { path: 'path.version', message: 'must be an integer of at least 1' },
    ]);
  }
  return Number(text);
}

/** Actions of the catalog route group (read-only), keyed by `METHOD resource`. */
export const catalogActions: Readonly<Record<string, RouteAction<CatalogHandlerServices>>> = {
  'GET /asyncapi': async ({ catalog }) => json(200, await catalog.asyncApi()),
  'GET /events/{event_type}/asyncapi': async ({ catalog }, event) =>
    json(200, await catalog.asyncApi(pathParameter(event, 'event_type'))),
  'POST /events/{event_type}/versions/{version}/match': async ({ catalog }, event) =>
    json(
      200,
      await catalog.match(pathParameter(event, 'event_type'), versionParameter(event), readJsonBody(event)),
    ),
};

/** The catalog route group's handler with the given services. */
export function createCatalogHandler(
  services: ServicesSource<CatalogHandlerServices>,
  options: { readonly logger?: Logger } = {},
): PortalHandler {
  return routeGroupHandler(catalogActions, services, options);
}

/** `GET /asyncapi`, `GET /events/{event_type}/asyncapi`, `POST /events/{event_type}/versions/{version}/match`. */
export const catalogHandler: PortalHandler = createCatalogHandler(defaultPortalServices);
