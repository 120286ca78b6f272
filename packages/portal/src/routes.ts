import { catalogActions, catalogHandler } from './handlers/catalog';
import { eventsActions, eventsHandler } from './handlers/events';
import type { PortalHandler } from './handlers/runtime';
import { subscriptionsActions, subscriptionsHandler } from './handlers/subscriptions';

/** The portal's Lambda functions: one per route group, by their logical id in template.yaml. */
export const PortalFunction = {
  EVENTS: 'EventsFunction',
  SUBSCRIPTIONS: 'SubscriptionsFunction',
  CATALOG: 'CatalogFunction',
} as const;
export type PortalFunction = (typeof PortalFunction)[keyof typeof PortalFunction];

export interface PortalFunctionBuild {
  /** Entry module, relative to the portal package. */
  readonly entry: string;
  /** File the build writes into the function's artifact directory. */
  readonly outfile: string;
  /** The template's `Handler` (`<file without .js>.<export>`). */
  readonly handler: string;
}

/** How each function is bundled (`bin/build.ts`, the root Makefile) and named in template.yaml. */
export const portalFunctions: Readonly<Record<PortalFunction, PortalFunctionBuild>> = {
  [PortalFunction.EVENTS]: { entry: 'src/lambda/events.ts', outfile: 'events.js', handler: 'events.handler' },
  [PortalFunction.SUBSCRIPTIONS]: {
    entry: 'src/lambda/subscriptions.ts',
    outfile: 'subscriptions.js',
    handler: 'subscriptions.handler',
  },
  [PortalFunction.CATALOG]: {
    entry: 'src/lambda/catalog.ts',
    outfile: 'catalog.js',
    handler: 'catalog.handler',
  },
};

export interface PortalRoute {
  /** HTTP method as API Gateway sends it in `httpMethod`. */
  readonly method: string;
  /** API Gateway resource path, e.g. `/events/{event_type}`. */
  readonly resource: string;
  /** The function serving it in template.yaml. */
  readonly function: PortalFunction;
  readonly handler: PortalHandler;
}

function routesOf(
  actions: Readonly<Record<string, unknown>>,
  fn: PortalFunction,
  handler: PortalHandler,
): PortalRoute[] {
  return Object.keys(actions).map((key) => {
    const [method = '', resource = ''] = key.split(' ');
    return { method, resource, function: fn, handler };
  });
}

/** Every route of the portal API with its handler; template.yaml declares exactly these. */
export const portalRoutes: readonly PortalRoute[] = [
  ...routesOf(eventsActions, PortalFunction.EVENTS, eventsHandler),
  ...routesOf(subscriptionsActions, PortalFunction.SUBSCRIPTIONS, subscriptionsHandler),
  ...routesOf(catalogActions, PortalFunction.CATALOG, catalogHandler),
];
