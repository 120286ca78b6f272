import {
  BadRequestException,
  CreateSchemaCommand,
  TooManyRequestsException,
  UpdateSchemaCommand,
} from '@aws-sdk/client-schemas';
import { BucketKind, bucketName } from '@bridgeport/core';
import { call } from '../support/api';
import { orderCreated, shipOrders } from '../support/fixtures';
import { usePortal } from '../support/portal-suite';
import { eventRequests, subscriptionRequests } from '../support/requests';

const scope = { environment: 'test', account: '000000000000', region: 'us-east-1' };
const publisherBucket = bucketName(BucketKind.PUBLISHER, scope);
const subscriberBucket = bucketName(BucketKind.SUBSCRIBER, scope);

// The component buckets start missing: writing a manifest fails until a test creates them.
const suite = usePortal({ withoutBuckets: [publisherBucket, subscriberBucket] });

const { create, get } = eventRequests(suite);
const subscriptions = subscriptionRequests(suite);
const keysUnder = async (bucket: string, prefix: string) =>
  (await suite.harness.keys(bucket)).filter((key) => key.startsWith(prefix));

describe('a request that fails half-way', () => {
  it('answers 502 naming the failed step; repeating it completes the event type with nothing duplicated', async () => {
    const failed = await create(orderCreated());

    expect(failed.statusCode).toBe(502);
    expect(failed.body).toEqual({ message: 'Writing the producer manifest failed' });
    const logged = suite.portal.errors.at(-1);
    expect(logged?.fields.step).toBe('Writing the producer manifest');
    expect(logged?.fields.error).toMatchObject({ cause: { name: 'NoSuchBucket' } });
    expect((await get('order_created')).statusCode).toBe(404);

    await suite.harness.createBucket(publisherBucket);
    const repeated = await create(orderCreated());

    expect(repeated.statusCode).toBe(201);
    expect(repeated.body).toMatchObject({ event_type: 'order_created', version: 1, latest_version: 1 });
    expect(await keysUnder(suite.harness.config.publisherBucket, 'order_created/')).toEqual([
      'order_created/1/deploy.json',
    ]);
    expect(await keysUnder(suite.harness.config.schemasBackupBucket, 'order_created/')).toEqual([
      'order_created/v1.json',
    ]);
    expect(suite.registry.versions('test-bridgeport-events', 'order_created')).toHaveLength(1);
    expect((await get('order_created')).body.versions).toEqual([
      { version: 1, status: 'PENDING', created_at: expect.any(String) },
    ]);
  });

  it('lets a different request take over an event type whose creation never completed', async () => {
    suite.registry.failOnce(CreateSchemaCommand, new Error('socket hang up'));
    const failed = await create(orderCreated({ event_type: 'order_taken' }));

    const corrected = await create(orderCreated({ event_type: 'order_taken', description: 'Corrected' }));

    expect(failed.statusCode).toBe(502);
    expect(failed.body).toEqual({ message: 'Registering the schema in the schema registry failed' });
    expect(corrected.statusCode).toBe(201);
    expect(corrected.body).toMatchObject({ description: 'Corrected', latest_version: 1 });
    expect(suite.registry.versions('test-bridgeport-events', 'order_taken')).toHaveLength(1);
    expect(await keysUnder(suite.harness.config.schemasBackupBucket, 'order_taken/')).toEqual([
      'order_taken/v1.json',
    ]);
    expect(
      await suite.harness.readJson(suite.harness.config.schemasBackupBucket, 'order_taken/v1.json'),
    ).toMatchObject({
      description: 'Corrected',
    });
  });

  it('answers 400 when the registry refuses the schema, and a corrected request then succeeds', async () => {
    suite.registry.failOnce(
      CreateSchemaCommand,
      new BadRequestException({
        message: 'Invalid schema content',
        Code: 'BadRequestException',
        Message: 'Invalid schema content',
        $metadata: {},
      }),
    );

    const refused = await create(orderCreated({ event_type: 'order_refused' }));
    const corrected = await create(orderCreated({ event_type: 'order_refused', description: 'Corrected' }));

    expect(refused.statusCode).toBe(400);
    expect(refused.body).toEqual({
      message: 'The schema registry rejected the schema',
      errors: [{ path: '$.data', message: 'is not accepted by the schema registry: Invalid schema content' }],
    });
    expect(corrected.statusCode).toBe(201);
  });

  it('answers 503 when a dependency throttles, and the repeated request succeeds', async () => {
    await create(orderCreated({ event_type: 'order_throttled' }));
    suite.registry.failOnce(
      UpdateSchemaCommand,
      new TooManyRequestsException({
        message: 'Rate exceeded',
        Code: 'TooManyRequestsException',
        Message: 'Rate exceeded',
        $metadata: {},
      }),
    );
    const data = orderCreated().data as { properties: Record<string, unknown> };
    const update = { data: { ...data, properties: { ...data.properties, note: { type: 'string' } } } };
    const send = () =>
      call(suite.portal.events, {
        method: 'PUT',
        resource: '/events/{event_type}',
        pathParameters: { event_type: 'order_throttled' },
        headers: { 'If-Match': '"1"' },
        body: update,
      });

    const throttled = await send();
    const repeated = await send();

    expect(throttled.statusCode).toBe(503);
    expect(throttled.headers['Retry-After']).toBe('1');
    expect(throttled.body).toEqual({ message: 'Registering the schema in the schema registry failed' });
    expect(repeated.statusCode).toBe(200);
    expect(repeated.body).toMatchObject({ latest_version: 2, compatibility: { backward_compatible: true } });
    expect(suite.registry.versions('test-bridgeport-events', 'order_throttled')).toHaveLength(2);
    expect(await keysUnder(suite.harness.config.publisherBucket, 'order_throttled/')).toEqual([
      'order_throttled/1/deploy.json',
      'order_throttled/2/deploy.json',
    ]);
  });

  it('resumes the same subscription when a failed subscribe is repeated', async () => {
    // order_created exists since the first test; the subscriber bucket is still missing.
    const failed = await subscriptions.subscribe(shipOrders());
    expect(failed.statusCode).toBe(502);
    expect(failed.body).toEqual({ message: 'Writing the consumer manifest failed' });

    await suite.harness.createBucket(subscriberBucket);
    const repeated = await subscriptions.subscribe(shipOrders());

    expect(repeated.statusCode).toBe(201);
    const listed = await subscriptions.list({ event_type: 'order_created' });
    expect(listed.body.items?.map((item) => item.id)).toEqual([repeated.body.id]);
    expect(await keysUnder(suite.harness.config.subscriberBucket, 'order_created/')).toEqual([
      `order_created/1/${String(repeated.body.id)}/deploy.json`,
    ]);
    expect((await get('order_created')).body.subscription_count).toBe(1);
  });
});
