import { Parser } from '@asyncapi/parser';
import { call } from '../support/api';
import { orderCreated, shipOrders } from '../support/fixtures';
import { usePortal } from '../support/portal-suite';
import { eventRequests, subscriptionRequests } from '../support/requests';

const suite = usePortal();
let bigOrders: string;
let warehouseOrders: string;

beforeAll(async () => {
  const created = await eventRequests(suite).create(orderCreated());
  expect(created.statusCode).toBe(201);
  const { subscribe } = subscriptionRequests(suite);
  const big = await subscribe(shipOrders());
  const warehouse = await subscribe(shipOrders({ filter: undefined, target_unit: 'warehouse-7' }));
  expect([big.statusCode, warehouse.statusCode]).toEqual([201, 201]);
  bigOrders = String(big.body.id);
  warehouseOrders = String(warehouse.body.id);
});

const envelope = (data: Record<string, unknown>, target = 'warehouse-7') => ({
  metadata: { event_attributes: { source: 'shop-1', target } },
  data,
});
const match = (body: unknown, eventType = 'order_created', version = '1') =>
  call(suite.portal.catalog, {
    method: 'POST',
    resource: '/events/{event_type}/versions/{version}/match',
    pathParameters: { event_type: eventType, version },
    body,
  });

describe('POST /events/{event_type}/versions/{version}/match', () => {
  it('tells whether a draft filter matches an event, and which subscriptions would receive it', async () => {
    const response = await match({
      event: envelope({ order_id: 'o-1', amount: 250 }),
      filter: { amount: [{ numeric: ['>=', 200] }] },
    });

    expect(response.statusCode).toBe(200);
    expect(response.body).toMatchObject({
      valid: true,
      errors: [],
      draft: { matches: true },
      receivers: 2,
      bus_event: { source: 'orders', 'detail-type': 'order_created.1', region: 'us-east-1' },
    });
    const subscriptions = response.body.subscriptions as Record<string, unknown>[];
    expect(subscriptions.map((s) => [s.id, s.matches]).sort()).toEqual(
      [
        [bigOrders, true],
        [warehouseOrders, true],
      ].sort(),
    );
    // Another team's endpoint never shows here.
    expect(JSON.stringify(response.body)).not.toContain('arn:aws:lambda');
  });

  it('reports a non-matching event: the filter, the target unit and each subscription say no', async () => {
    const response = await match({
      event: envelope({ order_id: 'o-2', amount: 50 }, 'warehouse-9'),
      filter: { amount: [{ numeric: ['>=', 200] }] },
      target_unit: 'warehouse-7',
    });

    expect(response.statusCode).toBe(200);
    expect(response.body).toMatchObject({ draft: { matches: false }, receivers: 0 });
    expect((response.body.subscriptions as { matches: boolean }[]).every((s) => !s.matches)).toBe(true);
  });

  it('shows why an event would be refused by the producer endpoint', async () => {
    const response = await match({ event: envelope({ amount: 'a lot' }) });

    expect(response.statusCode).toBe(200);
    expect(response.body.valid).toBe(false);
    expect(response.body.errors).toEqual(
      expect.arrayContaining([expect.objectContaining({ path: '$.data.order_id' })]),
    );
    expect(response.body.draft).toBeUndefined();
  });

  it('refuses a filter with the same errors as a subscription, at the field it names', async () => {
    const unknownField = await match({ event: envelope({ order_id: 'o' }), filter: { colour: ['red'] } });
    const badPattern = await match({
      event: envelope({ order_id: 'o' }),
      filter: { amount: [{ numeric: ['>'] }] },
    });
    const subscribed = await call(suite.portal.subscriptions, {
      method: 'POST',
      resource: '/subscriptions',
      body: shipOrders({ filter: { colour: ['red'] } }),
    });

    expect(unknownField.statusCode).toBe(400);
    expect(unknownField.body.errors).toEqual((subscribed.body as { errors: unknown }).errors);
    expect(unknownField.body.errors).toEqual([expect.objectContaining({ path: '$.filter.colour' })]);
    expect(badPattern.statusCode).toBe(400);
    expect(badPattern.body.errors).toEqual([expect.objectContaining({ path: '$.filter' })]);
  });

  it('answers 400 naming the field for a malformed request, and 404 for an unknown version', async () => {
    const noEvent = await match({ filter: {} });
    const extra = await match({ event: {}, colour: 'red' });
    const badUnit = await match({ event: {}, target_unit: '' });
    const badVersion = await match({ event: {} }, 'order_created', 'one');
    const missing = await match({ event: {} }, 'order_created', '9');

    expect(noEvent.statusCode).toBe(400);
    expect(noEvent.body.errors).toEqual([expect.objectContaining({ path: '$.event' })]);
    expect(extra.statusCode).toBe(400);
    expect(extra.body.errors).toEqual([expect.objectContaining({ path: '$.colour' })]);
    expect(badUnit.body.errors).toEqual([expect.objectContaining({ path: '$.target_unit' })]);
    expect(badVersion.statusCode).toBe(400);
    expect(missing.statusCode).toBe(404);
  });
});

async function parse(document: unknown) {
  const parser = new Parser();
  const { document: parsed, diagnostics } = await parser.parse(JSON.stringify(document));
  // Severity 0 is an error, 1 a warning; 2 (information) and 3 (hint) are advice.
  return { parsed, problems: diagnostics.filter((d) => d.severity <= 1) };
}

describe('AsyncAPI documents', () => {
  it('GET /events/{event_type}/asyncapi is a valid AsyncAPI 3.0 document of the type, its producer and subscribers', async () => {
    const response = await call(suite.portal.catalog, {
      method: 'GET',
      resource: '/events/{event_type}/asyncapi',
      pathParameters: { event_type: 'order_created' },
    });

    expect(response.statusCode).toBe(200);
    const { parsed, problems } = await parse(response.body);
    expect(problems).toEqual([]);
    expect(parsed).toBeDefined();
    expect(response.body.asyncapi).toBe('3.0.0');
    const channels = response.body.channels as Record<string, Record<string, unknown>>;
    expect(Object.keys(channels)).toEqual(['order_created.v1']);
    expect(channels['order_created.v1']?.address).toBe('order_created/1');
    const operations = response.body.operations as Record<string, Record<string, unknown>>;
    expect(operations['publish.order_created.v1']).toMatchObject({ action: 'send' });
    expect(operations[`receive.${bigOrders}`]).toMatchObject({
      action: 'receive',
      'x-bridgeport-filter': { amount: [{ numeric: ['>', 100] }] },
      'x-bridgeport-event-pattern': {
        source: ['orders'],
        'detail-type': ['order_created.1'],
        detail: { data: { amount: [{ numeric: ['>', 100] }] } },
      },
    });
    expect(operations[`receive.${warehouseOrders}`]).toMatchObject({
      'x-bridgeport-target-unit': 'warehouse-7',
    });
    const message = (response.body.components as { messages: Record<string, Record<string, unknown>> })
      .messages['order_created.v1'];
    expect(message?.payload).toMatchObject({
      schemaFormat: 'application/schema+json;version=draft-07',
      schema: { required: ['metadata', 'data'], properties: { data: { required: ['order_id'] } } },
    });
    expect(message?.['x-bridgeport-status']).toEqual(expect.any(String));
    expect(JSON.stringify(response.body)).not.toContain('arn:aws:lambda');
    // The parsed model reads the same: one send and two receives on the channel.
    const ops = parsed?.operations().all() ?? [];
    expect(ops.filter((op) => op.action() === 'send')).toHaveLength(1);
    expect(ops.filter((op) => op.action() === 'receive')).toHaveLength(2);
  });

  it('GET /asyncapi holds every event type and version, and validates', async () => {
    const second = await call(suite.portal.events, {
      method: 'POST',
      resource: '/events',
      body: orderCreated({ event_type: 'order_shipped', description: 'An order left the warehouse' }),
    });
    expect(second.statusCode).toBe(201);
    const update = await call(suite.portal.events, {
      method: 'PUT',
      resource: '/events/{event_type}',
      pathParameters: { event_type: 'order_shipped' },
      body: { data: { ...(orderCreated().data as object), required: ['order_id', 'amount'] } },
    });
    expect(update.statusCode).toBe(200);

    const response = await call(suite.portal.catalog, { method: 'GET', resource: '/asyncapi' });

    expect(response.statusCode).toBe(200);
    const { problems } = await parse(response.body);
    expect(problems).toEqual([]);
    expect(Object.keys(response.body.channels as object).sort()).toEqual([
      'order_created.v1',
      'order_shipped.v1',
      'order_shipped.v2',
    ]);
  });

  it('answers 404 for an unknown event type', async () => {
    const response = await call(suite.portal.catalog, {
      method: 'GET',
      resource: '/events/{event_type}/asyncapi',
      pathParameters: { event_type: 'no_such_type' },
    });

    expect(response.statusCode).toBe(404);
  });
});

describe('GET /events/{event_type}/compatibility', () => {
  const compare = (query: Record<string, string>) =>
    call(suite.portal.catalog, {
      method: 'GET',
      resource: '/events/{event_type}/compatibility',
      pathParameters: { event_type: 'order_shipped' },
      query,
    });

  it('reports the changes between any two versions, in either direction', async () => {
    const forward = await compare({ from: '1', to: '2' });
    const backward = await compare({ from: '2', to: '1' });

    expect(forward.statusCode).toBe(200);
    expect(forward.body).toMatchObject({ from: 1, to: 2, backward_compatible: false });
    expect(forward.body.changes).toEqual(
      expect.arrayContaining([expect.objectContaining({ path: '$.data.amount' })]),
    );
    expect(backward.statusCode).toBe(200);
    expect(backward.body).toMatchObject({ from: 2, to: 1, backward_compatible: true });
  });

  it('answers 400 naming a missing or malformed version, and 404 for an unknown one', async () => {
    const missing = await compare({ from: '1' });
    const malformed = await compare({ from: 'x', to: '1' });
    const unknown = await compare({ from: '1', to: '7' });

    expect(missing.statusCode).toBe(400);
    expect(missing.body.errors).toEqual([expect.objectContaining({ path: 'query.to' })]);
    expect(malformed.body.errors).toEqual([expect.objectContaining({ path: 'query.from' })]);
    expect(unknown.statusCode).toBe(404);
  });
});
