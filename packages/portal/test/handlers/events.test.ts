import { producerManifestKey, schemaBackupKey } from '@bridgeport/core';
import type { Context } from 'aws-lambda';
import { apiEvent, call } from '../support/api';
import { orderCreated } from '../support/fixtures';
import { usePortal } from '../support/portal-suite';
import { eventRequests } from '../support/requests';

const suite = usePortal();

const { create, get, put, remove, getVersion } = eventRequests(suite);

describe('POST /events', () => {
  it('creates the type with version 1, registers, backs up and writes the producer manifest', async () => {
    const response = await create(orderCreated({ event_type: 'parcel_shipped' }));

    expect(response.statusCode).toBe(201);
    expect(response.headers.ETag).toBe('"1"');
    expect(response.headers.Location).toBe('/events/parcel_shipped');

    expect(response.body).toMatchObject({
      event_type: 'parcel_shipped',
      application: 'orders',
      version: 1,
      latest_version: 1,
      subscription_count: 0,
      versions: [{ version: 1, status: 'PENDING' }],
    });

    const [registered] = suite.registry.versions('test-bridgeport-events', 'parcel_shipped') as Record<
      string,
      unknown
    >[];
    expect(registered).toMatchObject({
      $schema: 'http://json-schema.org/draft-04/schema#',
      required: ['metadata', 'data'],
      properties: { data: { required: ['order_id'] } },
    });

    const backup = await suite.harness.readJson(
      suite.harness.config.schemasBackupBucket,
      schemaBackupKey('parcel_shipped', 1),
    );
    expect(backup).toMatchObject({ event_type: 'parcel_shipped', version: 1, application: 'orders' });
    expect((backup as { schema: unknown }).schema).toMatchObject({ required: ['metadata', 'data'] });

    const manifest = await suite.harness.readJson(
      suite.harness.config.publisherBucket,
      producerManifestKey('parcel_shipped', 1),
    );
    expect(manifest).toMatchObject({
      format: 1,
      kind: 'producer',
      environment: 'test',
      account: '000000000000',
      region: 'us-east-1',
      application: 'orders',
      event_type: 'parcel_shipped',
      version: 1,
      connection_type: 'HTTPS',
    });
  });

  it('points Location below the stage API Gateway saw', async () => {
    const event = apiEvent({
      method: 'POST',
      resource: '/events',
      body: orderCreated({ event_type: 'parcel_lost' }),
    });
    const staged = { ...event, requestContext: { ...event.requestContext, path: '/test/events' } };

    const result = await suite.portal.events(staged, {} as Context);

    expect(result.statusCode).toBe(201);
    expect(result.headers?.Location).toBe('/test/events/parcel_lost');
  });

  it('answers 409 when the type exists', async () => {
    await create(orderCreated({ event_type: 'order_paid' }));

    const response = await create(orderCreated({ event_type: 'order_paid' }));

    expect(response.statusCode).toBe(409);
    expect(response.body).toEqual({
      message: 'Event type order_paid already exists',
      event_type: 'order_paid',
    });
  });

  it('answers 400 with every problem and its path', async () => {
    const response = await create({
      ...orderCreated(),
      event_type: 'Order-Created',
      application: 'aws.orders',
    });

    expect(response.statusCode).toBe(400);
    expect(response.body.message).toBe('The event type is not valid');
    const paths = (response.body.errors as { path: string }[]).map((problem) => problem.path);
    expect(paths).toEqual(expect.arrayContaining(['$.event_type', '$.application']));
  });

  it('answers 400 at path $ for malformed JSON', async () => {
    const response = await create('{"application": "orders",');

    expect(response.statusCode).toBe(400);
    expect(response.body.message).toBe('The request body is not valid JSON');
    expect(response.body.errors).toEqual([
      { path: '$', message: expect.stringMatching(/^is not valid JSON: /) },
    ]);
  });

  it('answers 400 at path $ for an empty body', async () => {
    const response = await create('');

    expect(response.statusCode).toBe(400);
    expect(response.body.errors).toEqual([{ path: '$', message: 'is required' }]);
  });

  it('answers 415 for a body that is not JSON', async () => {
    const response = await create('application=orders', {
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    });

    expect(response.statusCode).toBe(415);
    expect(response.body.message).toBe(
      'Content-Type application/x-www-form-urlencoded is not supported; send application/json',
    );
  });

  it('accepts a JSON media type with parameters', async () => {
    const response = await create(orderCreated({ event_type: 'order_charset' }), {
      headers: { 'content-type': 'application/json; charset=utf-8' },
    });

    expect(response.statusCode).toBe(201);
  });

  it('answers 413 for a body over 1 MB', async () => {
    const body = JSON.stringify({ ...orderCreated(), description: 'x'.repeat(1024 * 1024) });

    const response = await create(body);

    expect(response.statusCode).toBe(413);
    expect(response.body.message).toBe(
      `The request body is ${Buffer.byteLength(body)} bytes; the limit is 1048576 bytes (1 MB)`,
    );
  });
});

describe('GET /events', () => {
  beforeAll(async () => {
    await create(orderCreated({ event_type: 'invoice_issued', application: 'billing' }));
    await create(orderCreated({ event_type: 'invoice_paid', application: 'billing' }));
  });

  it('filters by application', async () => {
    const response = await call(suite.portal.events, {
      method: 'GET',
      resource: '/events',
      query: { application: 'billing' },
    });

    expect(response.statusCode).toBe(200);
    expect(response.body.items?.map((item) => item.event_type)).toEqual(['invoice_issued', 'invoice_paid']);
  });

  it('paginates with limit and next_token', async () => {
    const first = await call(suite.portal.events, {
      method: 'GET',
      resource: '/events',
      query: { application: 'billing', limit: '1' },
    });
    const second = await call(suite.portal.events, {
      method: 'GET',
      resource: '/events',
      query: { application: 'billing', limit: '1', next_token: String(first.body.next_token) },
    });

    expect(first.body.items?.map((item) => item.event_type)).toEqual(['invoice_issued']);
    expect(typeof first.body.next_token).toBe('string');
    expect(second.body.items?.map((item) => item.event_type)).toEqual(['invoice_paid']);
    expect(second.body.next_token).toBeUndefined();
  });

  it('gives no next_token when the page holds the last items', async () => {
    const response = await call(suite.portal.events, {
      method: 'GET',
      resource: '/events',
      query: { application: 'billing', limit: '2' },
    });

    expect(response.body.items?.map((item) => item.event_type)).toEqual(['invoice_issued', 'invoice_paid']);
    expect(response.body.next_token).toBeUndefined();
  });

  it('answers 400 for an application that cannot exist', async () => {
    const response = await call(suite.portal.events, {
      method: 'GET',
      resource: '/events',
      query: { application: 'Billing Team' },
    });

    expect(response.statusCode).toBe(400);
    expect(response.body.errors).toEqual([
      { path: 'query.application', message: 'must match ^[a-z][a-z0-9._-]{0,63}$' },
    ]);
  });

  it('answers 400 for a limit over 100 and for a token it did not issue', async () => {
    const response = await call(suite.portal.events, {
      method: 'GET',
      resource: '/events',
      query: { limit: '101', next_token: 'bm90LWEtdG9rZW4' },
    });

    expect(response.statusCode).toBe(400);
    expect(response.body.errors).toEqual([
      { path: 'query.limit', message: 'must be an integer from 1 to 100' },
      { path: 'query.next_token', message: 'is not a token returned by this API' },
    ]);
  });
});

describe('GET /events/{event_type}', () => {
  it('returns the type with its versions and an ETag', async () => {
    await create(orderCreated({ event_type: 'cart_abandoned' }));

    const response = await get('cart_abandoned');

    expect(response.statusCode).toBe(200);
    expect(response.headers.ETag).toBe('"1"');
    expect(response.body).toMatchObject({
      event_type: 'cart_abandoned',
      latest_version: 1,
      status: 'PENDING',
      subscription_count: 0,
      versions: [{ version: 1, status: 'PENDING', created_at: expect.any(String) }],
    });
  });

  it("carries its latest version's deployment status", async () => {
    await create(orderCreated({ event_type: 'cart_recovered' }));
    await suite.portal.services.store.setProducerStatus(
      'cart_recovered',
      1,
      'FAILED',
      'CREATE_FAILED: route',
    );

    const failed = await get('cart_recovered');
    await suite.portal.services.store.setProducerStatus('cart_recovered', 1, 'ACTIVE');
    const active = await get('cart_recovered');

    expect(failed.body).toMatchObject({
      status: 'FAILED',
      versions: [{ version: 1, status: 'FAILED', status_reason: 'CREATE_FAILED: route' }],
    });
    expect(active.body.status).toBe('ACTIVE');
  });

  it('answers 404 for an unknown type', async () => {
    const response = await get('no_such_event');

    expect(response.statusCode).toBe(404);
    expect(response.body).toEqual({ message: 'Event type no_such_event does not exist' });
  });
});

describe('PUT /events/{event_type}', () => {
  it('changes only the description without a new version', async () => {
    await create(orderCreated({ event_type: 'refund_issued' }));

    const response = await put('refund_issued', { description: 'A refund was issued' });

    expect(response.statusCode).toBe(200);
    expect(response.headers.ETag).toBe('"2"');
    expect(response.body).toMatchObject({ description: 'A refund was issued', latest_version: 1 });
    expect(response.body.compatibility).toBeUndefined();
  });

  it('creates version 2 with a backward compatible report for an added optional field', async () => {
    await create(orderCreated({ event_type: 'order_packed' }));
    const data = orderCreated().data as { properties: Record<string, unknown> };

    const response = await put('order_packed', {
      data: { ...data, properties: { ...data.properties, warehouse: { type: 'string' } } },
    });

    expect(response.statusCode).toBe(200);
    expect(response.body).toMatchObject({
      latest_version: 2,
      versions: [{ version: 1 }, { version: 2, status: 'PENDING' }],
      compatibility: { backward_compatible: true },
    });
    expect(suite.registry.versions('test-bridgeport-events', 'order_packed')).toHaveLength(2);
    expect(await suite.harness.keys(suite.harness.config.schemasBackupBucket)).toEqual(
      expect.arrayContaining(['order_packed/v1.json', 'order_packed/v2.json']),
    );
    expect(await suite.harness.keys(suite.harness.config.publisherBucket)).toEqual(
      expect.arrayContaining(['order_packed/1/deploy.json', 'order_packed/2/deploy.json']),
    );
  });

  it('reports a removed field as not backward compatible, with its path', async () => {
    await create(orderCreated({ event_type: 'order_weighed' }));

    const response = await put('order_weighed', {
      data: { type: 'object', required: ['order_id'], properties: { order_id: { type: 'string' } } },
    });

    expect(response.statusCode).toBe(200);
    expect(response.body.compatibility).toMatchObject({
      backward_compatible: false,
      changes: expect.arrayContaining([{ path: '$.data.amount', change: 'removed', compatible: false }]),
    });
  });

  it('honours If-Match: 412 on a stale ETag, 200 on the current one', async () => {
    await create(orderCreated({ event_type: 'order_split' }));
    await put('order_split', { description: 'First change' });

    const stale = await put(
      'order_split',
      { description: 'Second change' },
      { headers: { 'If-Match': '"1"' } },
    );
    const current = await put(
      'order_split',
      { description: 'Second change' },
      { headers: { 'If-Match': '"2"' } },
    );

    expect(stale.statusCode).toBe(412);
    expect(stale.body).toEqual({
      message: 'If-Match "1" does not match the current ETag "2"; read the event type again',
    });
    expect(current.statusCode).toBe(200);
    expect(current.headers.ETag).toBe('"3"');
  });

  it('answers 404 for an unknown type and 400 for an empty update', async () => {
    const missing = await put('no_such_event', { description: 'x' });
    await create(orderCreated({ event_type: 'order_merged' }));
    const empty = await put('order_merged', {});

    expect(missing.statusCode).toBe(404);
    expect(empty.statusCode).toBe(400);
    expect(empty.body.message).toBe('The event type update is not valid');
  });
});

describe('GET /events/{event_type}/versions/{version}', () => {
  it('returns the envelope schema and metadata of the version', async () => {
    await create(orderCreated({ event_type: 'order_rated' }));

    const response = await getVersion('order_rated', '1');

    expect(response.statusCode).toBe(200);
    expect(response.body).toMatchObject({
      event_type: 'order_rated',
      version: 1,
      application: 'orders',
      detail_type: 'order_rated.1',
      status: 'PENDING',
      data: orderCreated().data as object,
      schema: { required: ['metadata', 'data'], properties: { data: { required: ['order_id'] } } },
    });
  });

  it('answers 404 for a version that does not exist and 400 for one that is not a number', async () => {
    await create(orderCreated({ event_type: 'order_lost' }));

    const missing = await getVersion('order_lost', '7');
    const malformed = await getVersion('order_lost', 'latest');

    expect(missing.statusCode).toBe(404);
    expect(missing.body).toEqual({ message: 'Version 7 of event type order_lost does not exist' });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.body.errors).toEqual([
      { path: 'path.version', message: 'must be an integer of at least 1' },
    ]);
  });
});

describe('DELETE /events/{event_type}', () => {
  it('removes the producer manifests and the registry schema but keeps the backups', async () => {
    await create(orderCreated({ event_type: 'order_deleted' }));
    await put('order_deleted', { data: { type: 'object', properties: { order_id: { type: 'string' } } } });

    const response = await remove('order_deleted');

    expect(response.statusCode).toBe(204);
    expect((await get('order_deleted')).statusCode).toBe(404);
    const manifests = await suite.harness.keys(suite.harness.config.publisherBucket);
    expect(manifests.filter((key) => key.startsWith('order_deleted/'))).toEqual([]);
    expect(suite.registry.schemas.has('test-bridgeport-events/order_deleted')).toBe(false);
    const backups = await suite.harness.keys(suite.harness.config.schemasBackupBucket);
    expect(backups.filter((key) => key.startsWith('order_deleted/'))).toEqual([
      'order_deleted/v1.json',
      'order_deleted/v2.json',
    ]);
  });

  it('answers 404 for an unknown type', async () => {
    const response = await remove('no_such_event');

    expect(response.statusCode).toBe(404);
  });
});

describe('the producer key of an event type', () => {
  const keyRoute = (eventType: string) =>
    call(suite.portal.events, {
      method: 'GET',
      resource: '/events/{event_type}/producer-key',
      pathParameters: { event_type: eventType },
    });

  it('answers 409 for a type whose producer is an SQS queue: it has no API key', async () => {
    const created = await create(
      orderCreated({
        event_type: 'parcel_queued',
        connection_type: 'SQS',
        allowed_principals: ['arn:aws:iam::123456789012:role/warehouse'],
      }),
    );
    expect(created.statusCode).toBe(201);

    const response = await keyRoute('parcel_queued');

    expect(response.statusCode).toBe(409);
    expect(response.body.message).toBe(
      'Event type parcel_queued has an SQS producer: it has no API key (its allowed principals send to the ingress queue)',
    );
  });

  it('answers 404 for a type that does not exist', async () => {
    expect((await keyRoute('parcel_nowhere')).statusCode).toBe(404);
  });
});
