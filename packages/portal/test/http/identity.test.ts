import { silentLogger } from '@bridgeport/edge';
import { createEventsHandler, type EventsHandlerServices } from '../../src/handlers/events';
import { parseGroups } from '../../src/http/identity';
import { portalRoutes } from '../../src/routes';
import type { EventTypeService } from '../../src/services/event-types';
import type { ProducerKeyService } from '../../src/services/producer-keys';
import { apiEvent, call, claimsOf, member } from '../support/api';

/** Services that record the caller they were asked for, to see what the middleware handed over. */
function recordingEvents(): { services: EventsHandlerServices; seen: unknown[] } {
  const seen: unknown[] = [];
  const eventTypes = {
    get: async (name: string) => {
      seen.push(name);
      return { value: { event_type: name }, revision: 1 };
    },
  } as unknown as EventTypeService;
  return { services: { eventTypes, producerKeys: {} as ProducerKeyService }, seen };
}

const silent = { logger: silentLogger };

describe('identity at the portal edge', () => {
  it('answers 401 with WWW-Authenticate on every route when the authorizer supplied no claims', async () => {
    for (const route of portalRoutes) {
      const pathParameters = Object.fromEntries(
        [...route.resource.matchAll(/\{([^}]+)\}/g)].map(([, name]) => [name as string, '1']),
      );
      // The deployed handlers: their services would need AWS configuration, so reaching them would fail.
      const response = await call(route.handler, {
        method: route.method,
        resource: route.resource,
        pathParameters,
        as: null,
      });
      expect({ route: `${route.method} ${route.resource}`, status: response.statusCode }).toEqual({
        route: `${route.method} ${route.resource}`,
        status: 401,
      });
      expect(response.headers['WWW-Authenticate']).toBe('Bearer');
      expect(response.body.message).toMatch(/bearer token is required/i);
    }
  });

  it('answers 401 when the claims name no user', async () => {
    const { services, seen } = recordingEvents();
    const handler = createEventsHandler(services, silent);
    const event = apiEvent({
      method: 'GET',
      resource: '/events/{event_type}',
      pathParameters: { event_type: 'a' },
    });
    (event.requestContext as unknown as { authorizer: unknown }).authorizer = {
      claims: { 'cognito:groups': 'parcels' },
    };
    const result = await handler(event, {} as never);
    expect(result.statusCode).toBe(401);
    expect(seen).toEqual([]);
  });

  it('serves a caller whose claims API Gateway supplied', async () => {
    const { services, seen } = recordingEvents();
    const handler = createEventsHandler(services, silent);
    const response = await call(handler, {
      method: 'GET',
      resource: '/events/{event_type}',
      pathParameters: { event_type: 'parcel_scanned' },
      as: member('parcels'),
    });
    expect(response.statusCode).toBe(200);
    expect(seen).toEqual(['parcel_scanned']);
  });

  it('reads cognito:groups in the forms API Gateway hands over', () => {
    expect(parseGroups('parcels,platform-admins')).toEqual(['parcels', 'platform-admins']);
    expect(parseGroups('[parcels platform-admins]')).toEqual(['parcels', 'platform-admins']);
    expect(parseGroups(['parcels'])).toEqual(['parcels']);
    expect(parseGroups('parcels')).toEqual(['parcels']);
    expect(parseGroups(undefined)).toEqual([]);
    expect(claimsOf({ user: 'alice', teams: ['parcels'], admin: true })['cognito:groups']).toBe(
      'parcels,platform-admins',
    );
  });
});
