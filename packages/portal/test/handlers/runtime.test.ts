import { eventsHandler } from '../../src/handlers/events';
import { subscriptionsHandler } from '../../src/handlers/subscriptions';
import { call, TEST_REQUEST_ID } from '../support/api';
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
  it('answer a generic 500 and log the cause as one JSON line with the request id and the stack', async () => {
    const written: string[] = [];
    const stderr = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });

    const response = await call(eventsHandler, { method: 'GET', resource: '/events' });

    stderr.mockRestore();
    expect(response.statusCode).toBe(500);
    expect(response.body).toEqual({ message: 'Internal server error' });
    const lines = written
      .join('')
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines).toEqual([
      expect.objectContaining({
        level: 'ERROR',
        message: 'Unexpected error',
        service: 'bridgeport-portal',
        function_request_id: TEST_REQUEST_ID,
        error: expect.objectContaining({
          name: 'ConfigurationError',
          message: expect.stringContaining('Environment variable BRIDGEPORT_ENVIRONMENT is not set'),
          stack: expect.stringContaining('ConfigurationError'),
        }),
      }),
    ]);
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
