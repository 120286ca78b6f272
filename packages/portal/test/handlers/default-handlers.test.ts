import { eventsHandler } from '../../src/handlers/events';
import { subscriptionsHandler } from '../../src/handlers/subscriptions';
import { call } from '../support/api';
import { orderCreated } from '../support/fixtures';
import { type Harness, startHarness } from '../support/harness';
import { fakeSchemas, type SchemasFake } from '../support/schemas-fake';

let harness: Harness | undefined;
let registry: SchemasFake;

beforeAll(() => {
  registry = fakeSchemas();
  delete process.env.BRIDGEPORT_ENVIRONMENT;
});

afterAll(async () => {
  registry.mock.restore();
  await harness?.stop();
});

describe('the exported Lambda handlers', () => {
  it('answer a generic 500 and log the cause when the configuration is missing', async () => {
    const logged = jest.spyOn(console, 'error').mockImplementation(() => undefined);

    const response = await call(eventsHandler, { method: 'GET', resource: '/events' });

    expect(response.statusCode).toBe(500);
    expect(response.body).toEqual({ message: 'Internal server error' });
    expect(logged).toHaveBeenCalledTimes(1);
    expect(String(logged.mock.calls[0]?.[0])).toContain(
      'Environment variable BRIDGEPORT_ENVIRONMENT is not set',
    );
    logged.mockRestore();
  });

  it('read their configuration and endpoints from the environment', async () => {
    harness = await startHarness();

    const created = await call(eventsHandler, { method: 'POST', resource: '/events', body: orderCreated() });
    const listed = await call(subscriptionsHandler, {
      method: 'GET',
      resource: '/subscriptions',
      query: { event_type: 'order_created' },
    });

    expect(created.statusCode).toBe(201);
    expect(await harness.keys(harness.config.publisherBucket)).toEqual(['order_created/1/deploy.json']);
    expect(listed.statusCode).toBe(200);
    expect(listed.body).toEqual({ items: [] });
  });

  it('answer 404 for a resource they do not serve', async () => {
    const response = await call(subscriptionsHandler, { method: 'GET', resource: '/events' });

    expect(response.statusCode).toBe(404);
    expect(response.body).toEqual({ message: 'No route for GET /events' });
  });
});
