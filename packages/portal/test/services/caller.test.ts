import {
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { call, ORDERS, PARCELS, TEST_ADMIN, type TestCaller } from '../support/api';
import { orderCreated, shipOrders } from '../support/fixtures';
import { usePortal } from '../support/portal-suite';
import { eventRequests, subscriptionRequests } from '../support/requests';

const suite = usePortal();

const BOTH: TestCaller = { user: 'bo', teams: ['orders', 'parcels'], admin: false };

const events = eventRequests(suite);
const createType = (as: TestCaller | null, body: Record<string, unknown>) => events.create(body, { as });
const changeType = (as: TestCaller | null, eventType: string, body: unknown) =>
  events.put(eventType, body, { as });
const deleteType = (as: TestCaller | null, eventType: string) => events.remove(eventType, { as });
const subscribe = (as: TestCaller | null, body: Record<string, unknown>) =>
  subscriptionRequests(suite).subscribe(body, { as });
const onSubscription = (as: TestCaller | null, method: string, resource: string, id: string) =>
  call(suite.portal.subscriptions, { method, resource, pathParameters: { id }, as });

describe('event types belong to the team named by their application', () => {
  it('lets only the application’s members (or admins) create a type for it', async () => {
    const anonymous = await createType(null, orderCreated({ event_type: 'owned_a' }));
    const stranger = await createType(PARCELS, orderCreated({ event_type: 'owned_a' }));
    const owner = await createType(ORDERS, orderCreated({ event_type: 'owned_a' }));
    const admin = await createType(
      TEST_ADMIN,
      orderCreated({ event_type: 'owned_b', application: 'billing' }),
    );

    expect(anonymous.statusCode).toBe(401);
    expect(stranger.statusCode).toBe(403);
    expect(stranger.body).toEqual({
      message:
        'Only members of team orders (or platform admins) may create event types of application orders',
      owner: 'orders',
    });
    expect(owner.statusCode).toBe(201);
    expect(admin.statusCode).toBe(201);
  });

  it('lets every authenticated team read the catalog', async () => {
    const listed = await call(suite.portal.events, { method: 'GET', resource: '/events', as: PARCELS });
    const one = await call(suite.portal.events, {
      method: 'GET',
      resource: '/events/{event_type}',
      pathParameters: { event_type: 'owned_a' },
      as: PARCELS,
    });

    expect(listed.statusCode).toBe(200);
    expect(listed.body.items?.map((item) => item.event_type)).toEqual(expect.arrayContaining(['owned_a']));
    expect(one.statusCode).toBe(200);
  });

  it('lets only the owning team (or admins) change or delete a type; a stranger changes nothing', async () => {
    await createType(ORDERS, orderCreated({ event_type: 'owned_c' }));

    const strangerChange = await changeType(PARCELS, 'owned_c', { description: 'taken over' });
    const strangerDelete = await deleteType(PARCELS, 'owned_c');
    const anonymousDelete = await deleteType(null, 'owned_c');
    const after = await call(suite.portal.events, {
      method: 'GET',
      resource: '/events/{event_type}',
      pathParameters: { event_type: 'owned_c' },
    });

    expect([strangerChange.statusCode, strangerDelete.statusCode, anonymousDelete.statusCode]).toEqual([
      403, 403, 401,
    ]);
    expect(strangerChange.body).toEqual({
      message: 'Only members of team orders (or platform admins) may change event type owned_c',
      owner: 'orders',
    });
    expect(strangerDelete.body.owner).toBe('orders');
    expect(after.body.description).toBe('An order was placed');

    expect((await changeType(ORDERS, 'owned_c', { description: 'Placed orders' })).statusCode).toBe(200);
    expect((await changeType(TEST_ADMIN, 'owned_c', { description: 'Orders placed' })).statusCode).toBe(200);
    expect((await deleteType(ORDERS, 'owned_c')).statusCode).toBe(204);
    await createType(ORDERS, orderCreated({ event_type: 'owned_d' }));
    expect((await deleteType(TEST_ADMIN, 'owned_d')).statusCode).toBe(204);
  });

  it('answers 404 before 403 for a type that does not exist', async () => {
    expect((await deleteType(PARCELS, 'no_such_type')).statusCode).toBe(404);
    expect((await changeType(PARCELS, 'no_such_type', { description: 'x' })).statusCode).toBe(404);
  });
});

describe('subscriptions belong to the team that made them', () => {
  let parcelsSubscription: string;

  let parcelsSecret: string;

  beforeAll(async () => {
    const request = (secretName: string) =>
      shipOrders({
        event_type: 'owned_a',
        connection_type: 'HTTPS',
        connection_string: 'https://hooks.parcels.example.com/orders',
        secret_name: secretName,
        filter: undefined,
      });
    // Only the subscription's own secret is accepted: the refusal names it.
    const refused = await subscribe(PARCELS, request('parcels/orders-hook'));
    expect(refused.statusCode).toBe(400);
    const [problem] = refused.body.errors as { path: string; message: string }[];
    expect(problem?.path).toBe('$.secret_name');
    parcelsSecret = String(problem?.message.split(', ').pop());
    expect(parcelsSecret).toMatch(/^bridgeport\/test\/consumers\/[a-z0-9]{12}$/);
    const created = await subscribe(PARCELS, request(parcelsSecret));
    expect(created.statusCode).toBe(201);
    expect(created.body).toMatchObject({
      team: 'parcels',
      application: 'orders',
      connection_string: 'https://hooks.parcels.example.com/orders',
    });
    parcelsSubscription = String(created.body.id);
  });

  it('lets any authenticated team subscribe, for one of its own teams only', async () => {
    const anonymous = await subscribe(null, shipOrders({ event_type: 'owned_a' }));
    const forAnother = await subscribe(PARCELS, shipOrders({ event_type: 'owned_a', team: 'orders' }));
    const unsaid = await subscribe(BOTH, shipOrders({ event_type: 'owned_a' }));
    const said = await subscribe(BOTH, shipOrders({ event_type: 'owned_a', team: 'orders' }));
    const byAdmin = await subscribe(TEST_ADMIN, shipOrders({ event_type: 'owned_a', team: 'billing' }));

    expect(anonymous.statusCode).toBe(401);
    expect(forAnother.statusCode).toBe(403);
    expect(forAnother.body.owner).toBe('orders');
    expect(unsaid.statusCode).toBe(400);
    expect(JSON.stringify(unsaid.body.errors)).toContain('$.team');
    expect(said.statusCode).toBe(201);
    expect(said.body.team).toBe('orders');
    expect(byAdmin.statusCode).toBe(201);
    expect(byAdmin.body.team).toBe('billing');
  });

  it('shows other teams’ subscriptions without their endpoints or secrets', async () => {
    const asOrders = await call(suite.portal.subscriptions, {
      method: 'GET',
      resource: '/subscriptions',
      query: { event_type: 'owned_a' },
      as: ORDERS,
    });
    const asParcels = await call(suite.portal.subscriptions, {
      method: 'GET',
      resource: '/subscriptions',
      query: { event_type: 'owned_a' },
      as: PARCELS,
    });
    const oneAsOrders = await onSubscription(ORDERS, 'GET', '/subscriptions/{id}', parcelsSubscription);

    const seenByOrders = asOrders.body.items?.find((item) => item.id === parcelsSubscription);
    const seenByParcels = asParcels.body.items?.find((item) => item.id === parcelsSubscription);
    expect(seenByOrders).toMatchObject({ team: 'parcels', connection_type: 'HTTPS' });
    expect(seenByOrders).not.toHaveProperty('connection_string');
    expect(seenByOrders).not.toHaveProperty('secret_name');
    expect(JSON.stringify(asOrders.body)).not.toContain('hooks.parcels.example.com');
    expect(oneAsOrders.body).not.toHaveProperty('connection_string');
    expect(seenByParcels).toMatchObject({
      connection_string: 'https://hooks.parcels.example.com/orders',
      secret_name: parcelsSecret,
    });
  });

  it('lets only the owning team (or admins) read its dead letters or delete it', async () => {
    const deadLetters = '/subscriptions/{id}/dead-letters';
    const strangerLetters = await onSubscription(ORDERS, 'GET', deadLetters, parcelsSubscription);
    const strangerDelete = await onSubscription(ORDERS, 'DELETE', '/subscriptions/{id}', parcelsSubscription);
    const anonymousDelete = await onSubscription(null, 'DELETE', '/subscriptions/{id}', parcelsSubscription);

    expect(strangerLetters.statusCode).toBe(403);
    expect(strangerLetters.body).toEqual({
      message: `Only members of team parcels (or platform admins) may read the dead letters of subscription ${parcelsSubscription}`,
      owner: 'parcels',
    });
    expect(strangerDelete.statusCode).toBe(403);
    expect(strangerDelete.body.owner).toBe('parcels');
    const strangerRedrive = await call(suite.portal.subscriptions, {
      method: 'POST',
      resource: '/subscriptions/{id}/dead-letters/redrive',
      pathParameters: { id: parcelsSubscription },
      as: ORDERS,
    });
    const strangerDiscard = await call(suite.portal.subscriptions, {
      method: 'DELETE',
      resource: '/subscriptions/{id}/dead-letters/{dl_id}',
      pathParameters: { id: parcelsSubscription, dl_id: 'any' },
      as: ORDERS,
    });
    expect([strangerRedrive.statusCode, strangerDiscard.statusCode]).toEqual([403, 403]);
    expect(strangerRedrive.body.owner).toBe('parcels');
    expect(anonymousDelete.statusCode).toBe(401);
    // The dead-letter queue itself is AWS's (SQS): an empty one.
    const sqs = mockClient(SQSClient);
    sqs.on(GetQueueUrlCommand).resolves({ QueueUrl: 'https://queue/dlq' });
    sqs.on(ReceiveMessageCommand).resolves({ Messages: [] });
    sqs.on(GetQueueAttributesCommand).resolves({ Attributes: { ApproximateNumberOfMessages: '0' } });
    try {
      expect((await onSubscription(PARCELS, 'GET', deadLetters, parcelsSubscription)).statusCode).toBe(200);
      expect((await onSubscription(TEST_ADMIN, 'GET', deadLetters, parcelsSubscription)).statusCode).toBe(
        200,
      );
    } finally {
      sqs.restore();
    }
    expect(
      (await onSubscription(PARCELS, 'GET', '/subscriptions/{id}', parcelsSubscription)).statusCode,
    ).toBe(200);

    expect(
      (await onSubscription(PARCELS, 'DELETE', '/subscriptions/{id}', parcelsSubscription)).statusCode,
    ).toBe(204);
    const other = await subscribe(PARCELS, shipOrders({ event_type: 'owned_a', target_unit: 'depot-2' }));
    expect(
      (await onSubscription(TEST_ADMIN, 'DELETE', '/subscriptions/{id}', String(other.body.id))).statusCode,
    ).toBe(204);
  });
});
