import type { Logger } from '@bridgeport/edge';
import { createCatalogHandler } from '../../src/handlers/catalog';
import { createEventsHandler } from '../../src/handlers/events';
import type { PortalHandler } from '../../src/handlers/runtime';
import { createSubscriptionsHandler } from '../../src/handlers/subscriptions';
import { createPortalServices, type PortalServices } from '../../src/services/portal-services';
import type { Harness } from './harness';

/** Body of `POST /events` for an `order_created` type owned by `orders`. */
export function orderCreated(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    application: 'orders',
    event_type: 'order_created',
    description: 'An order was placed',
    connection_type: 'HTTPS',
    data: {
      type: 'object',
      required: ['order_id'],
      properties: {
        order_id: { type: 'string' },
        amount: { type: 'number' },
        customer: { type: 'object', properties: { tier: { type: 'string' } } },
      },
    },
    ...overrides,
  };
}

/** Body of `POST /subscriptions` to `order_created` version 1 with a Lambda consumer. */
export function shipOrders(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    event_type: 'order_created',
    version: 1,
    connection_type: 'LAMBDA',
    connection_string: 'arn:aws:lambda:us-east-1:123456789012:function:ship-orders',
    filter: { amount: [{ numeric: ['>', 100] }] },
    ...overrides,
  };
}

export interface Portal {
  readonly services: PortalServices;
  readonly events: PortalHandler;
  readonly subscriptions: PortalHandler;
  readonly catalog: PortalHandler;
  /** What the handlers logged as errors: message and fields. */
  readonly errors: { message: string; fields: Record<string, unknown> }[];
}

/** The route group handlers wired to the harness's clients. */
export function portalOn(harness: Harness): Portal {
  const services = createPortalServices({ config: harness.config, clients: harness.clients });
  const errors: Portal['errors'] = [];
  const logger: Logger = {
    error: (input, ...extra) => {
      const { message, ...keys } = typeof input === 'string' ? { message: input } : input;
      errors.push({
        message: String(message),
        fields: { ...keys, ...(extra[0] as Record<string, unknown>) },
      });
    },
    info: () => undefined,
    warn: () => undefined,
  };
  return {
    services,
    events: createEventsHandler(services, { logger }),
    subscriptions: createSubscriptionsHandler(services, { logger }),
    catalog: createCatalogHandler(services, { logger }),
    errors,
  };
}
