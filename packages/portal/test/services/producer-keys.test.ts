import {
  CreateApiKeyCommand,
  CreateUsagePlanKeyCommand,
  DeleteApiKeyCommand,
} from '@aws-sdk/client-api-gateway';
import { isProducerKeyOf, PRODUCER_THROTTLE } from '@bridgeport/core';
import { call, ORDERS, PARCELS, TEST_ADMIN, type TestCaller } from '../support/api';
import { orderCreated } from '../support/fixtures';
import { usePortal } from '../support/portal-suite';
import { eventRequests } from '../support/requests';

const suite = usePortal();

const createType = (as: TestCaller, body: Record<string, unknown>) =>
  eventRequests(suite).create(body, { as });
const readKey = (as: TestCaller | null, eventType: string) =>
  call(suite.portal.events, {
    method: 'GET',
    resource: '/events/{event_type}/producer-key',
    pathParameters: { event_type: eventType },
    as,
  });
const rotateKey = (as: TestCaller | null, eventType: string) =>
  call(suite.portal.events, {
    method: 'POST',
    resource: '/events/{event_type}/producer-key/rotate',
    pathParameters: { event_type: eventType },
    as,
  });

/** The keys API Gateway holds for an event type, and the key ids in its usage plan. */
function gatewayState(eventType: string) {
  const keys = [...suite.harness.apiGateway.keys.values()].filter(
    (key) => key.name === `test-${eventType}-producer-key`,
  );
  const plans = [...suite.harness.apiGateway.plans.values()].filter(
    (plan) => plan.name === `test-${eventType}-producers`,
  );
  return { keys, plans, planKeys: plans.flatMap((plan) => [...plan.keyIds]) };
}

describe('the producer key of an HTTP event type', () => {
  it('is issued at creation, in a usage plan of the broker stage with the producers’ throttle', async () => {
    expect((await createType(ORDERS, orderCreated({ event_type: 'keyed_a' }))).statusCode).toBe(201);

    const { keys, plans, planKeys } = gatewayState('keyed_a');
    expect(keys).toHaveLength(1);
    expect(plans).toHaveLength(1);
    expect(plans[0]?.apiStages).toEqual([{ apiId: 'brokerapi1', stage: 'test' }]);
    expect(plans[0]?.throttle).toEqual({
      rateLimit: PRODUCER_THROTTLE.rateLimit,
      burstLimit: PRODUCER_THROTTLE.burstLimit,
    });
    expect(planKeys).toEqual([keys[0]?.id]);
    expect(isProducerKeyOf(keys[0]?.value, 'test', 'keyed_a')).toBe(true);
    expect(isProducerKeyOf(keys[0]?.value, 'test', 'keyed_b')).toBe(false);
  });

  it('is throttled to the event type’s rate limit, shown on the event type', async () => {
    const created = await createType(
      ORDERS,
      orderCreated({ event_type: 'keyed_r', rate_limit_per_second: 25 }),
    );

    expect(created.statusCode).toBe(201);
    expect(created.body.rate_limit_per_second).toBe(25);
    expect(gatewayState('keyed_r').plans[0]?.throttle).toEqual({ rateLimit: 25, burstLimit: 50 });
    const defaulted = await call(suite.portal.events, {
      method: 'GET',
      resource: '/events/{event_type}',
      pathParameters: { event_type: 'keyed_a' },
      as: PARCELS,
    });
    expect(defaulted.body.rate_limit_per_second).toBe(PRODUCER_THROTTLE.rateLimit);
  });

  it('is readable by the owning team and by admins, with the header to send it in', async () => {
    const owner = await readKey(ORDERS, 'keyed_a');
    const admin = await readKey(TEST_ADMIN, 'keyed_a');

    expect(owner.statusCode).toBe(200);
    expect(owner.headers['Cache-Control']).toBe('no-store');
    expect(owner.body).toEqual({
      event_type: 'keyed_a',
      header: 'x-api-key',
      api_key: gatewayState('keyed_a').keys[0]?.value,
      created_at: expect.any(String),
    });
    expect(admin.body).toEqual(owner.body);
  });

  it('is refused to another team with a 403 naming the owner, and to anonymous callers with a 401', async () => {
    const stranger = await readKey(PARCELS, 'keyed_a');
    const rotation = await rotateKey(PARCELS, 'keyed_a');
    const anonymous = await readKey(null, 'keyed_a');

    expect(stranger.statusCode).toBe(403);
    expect(stranger.body).toEqual({
      message:
        'Only members of team orders (or platform admins) may read the producer key of event type keyed_a',
      owner: 'orders',
    });
    expect(rotation.statusCode).toBe(403);
    expect(rotation.body.owner).toBe('orders');
    expect(anonymous.statusCode).toBe(401);
    expect(gatewayState('keyed_a').keys).toHaveLength(1);
  });

  it('answers 404 for an unknown event type and 409 for an SQS one', async () => {
    await createType(ORDERS, orderCreated({ event_type: 'queued_a', connection_type: 'SQS' }));

    const missing = await readKey(TEST_ADMIN, 'no_such_type');
    const sqs = await readKey(ORDERS, 'queued_a');

    expect(missing.statusCode).toBe(404);
    expect(sqs.statusCode).toBe(409);
    expect(sqs.body.message).toMatch(/queued_a has an SQS producer: it has no API key/);
    expect(gatewayState('queued_a').keys).toHaveLength(0);
  });

  it('rotates to a new key in the plan and deletes the old one at once', async () => {
    const before = (await readKey(ORDERS, 'keyed_a')).body.api_key as string;

    const rotated = await rotateKey(ORDERS, 'keyed_a');

    expect(rotated.statusCode).toBe(200);
    const after = rotated.body.api_key as string;
    expect(after).not.toBe(before);
    expect(isProducerKeyOf(after, 'test', 'keyed_a')).toBe(true);
    const { keys, planKeys } = gatewayState('keyed_a');
    expect(keys.map((key) => key.value)).toEqual([after]);
    expect(planKeys).toEqual([keys[0]?.id]);
    expect((await readKey(ORDERS, 'keyed_a')).body.api_key).toBe(after);
  });

  it('deletes the old key even when the key listing does not show the new one yet', async () => {
    const before = (await readKey(ORDERS, 'keyed_a')).body.api_key as string;
    suite.harness.apiGateway.lagListingOnce();

    const rotated = await rotateKey(ORDERS, 'keyed_a');

    expect(rotated.statusCode).toBe(200);
    const { keys } = gatewayState('keyed_a');
    expect(keys.map((key) => key.value)).toEqual([rotated.body.api_key]);
    expect(keys.map((key) => key.value)).not.toContain(before);
  });

  it('keeps the old key working when a rotation fails before the new key is in the plan, and completes on retry', async () => {
    const before = (await readKey(ORDERS, 'keyed_a')).body.api_key as string;
    suite.harness.apiGateway.failOnce(CreateUsagePlanKeyCommand);

    const failed = await rotateKey(ORDERS, 'keyed_a');

    expect(failed.statusCode).toBe(503);
    expect(failed.body).toEqual({ message: 'Rotating the producer key failed' });
    // The new key exists but is in no plan: the old one is still the one served, and still in the plan.
    const halfway = gatewayState('keyed_a');
    expect(halfway.keys).toHaveLength(2);
    expect(halfway.planKeys).toEqual([halfway.keys[0]?.id]);
    expect((await readKey(ORDERS, 'keyed_a')).body.api_key).toBe(before);

    const retried = await rotateKey(ORDERS, 'keyed_a');

    expect(retried.statusCode).toBe(200);
    const done = gatewayState('keyed_a');
    expect(done.keys.map((key) => key.value)).toEqual([retried.body.api_key]);
    expect(done.planKeys).toEqual([done.keys[0]?.id]);
  });

  it('leaves both keys working when a rotation fails while deleting the old one, and the retry deletes both', async () => {
    const before = (await readKey(ORDERS, 'keyed_a')).body.api_key as string;
    suite.harness.apiGateway.failOnce(DeleteApiKeyCommand);

    const failed = await rotateKey(ORDERS, 'keyed_a');

    expect(failed.statusCode).toBe(503);
    expect(gatewayState('keyed_a').planKeys).toHaveLength(2);
    expect((await readKey(ORDERS, 'keyed_a')).body.api_key).toBe(before);

    const retried = await rotateKey(ORDERS, 'keyed_a');

    const done = gatewayState('keyed_a');
    expect(done.keys.map((key) => key.value)).toEqual([retried.body.api_key]);
    expect(done.planKeys).toEqual([done.keys[0]?.id]);
  });

  it('is issued by a retried creation after a failure, once, and put in the plan', async () => {
    suite.harness.apiGateway.failOnce(CreateUsagePlanKeyCommand);

    const failed = await createType(ORDERS, orderCreated({ event_type: 'keyed_c' }));

    expect(failed.statusCode).toBe(503);
    expect(failed.body).toEqual({ message: 'Issuing the producer key failed' });
    expect(gatewayState('keyed_c').planKeys).toEqual([]);

    const retried = await createType(ORDERS, orderCreated({ event_type: 'keyed_c' }));

    expect(retried.statusCode).toBe(201);
    const { keys, plans, planKeys } = gatewayState('keyed_c');
    expect(keys).toHaveLength(1);
    expect(plans).toHaveLength(1);
    expect(planKeys).toEqual([keys[0]?.id]);
  });

  it('writes no manifest while the key cannot be issued', async () => {
    suite.harness.apiGateway.failOnce(CreateApiKeyCommand);

    const failed = await createType(ORDERS, orderCreated({ event_type: 'keyed_d' }));

    expect(failed.statusCode).toBe(503);
    expect(await suite.harness.keys(suite.harness.config.publisherBucket)).not.toContain(
      'keyed_d/1/deploy.json',
    );
  });

  it('is deleted with its usage plan when the event type is deleted', async () => {
    await createType(ORDERS, orderCreated({ event_type: 'keyed_e' }));
    expect(gatewayState('keyed_e').keys).toHaveLength(1);

    const deleted = await call(suite.portal.events, {
      method: 'DELETE',
      resource: '/events/{event_type}',
      pathParameters: { event_type: 'keyed_e' },
      as: ORDERS,
    });

    expect(deleted.statusCode).toBe(204);
    expect(gatewayState('keyed_e')).toEqual({ keys: [], plans: [], planKeys: [] });
  });
});
