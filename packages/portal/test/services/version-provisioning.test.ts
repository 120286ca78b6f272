import { call, ORDERS } from '../support/api';
import { orderCreated } from '../support/fixtures';
import { usePortal } from '../support/portal-suite';

const suite = usePortal();

const PRINCIPALS = ['123456789012', 'arn:aws:iam::210987654321:role/warehouse-sync'];

const manifestOf = (eventType: string, version: number) =>
  suite.harness.readJson(
    suite.harness.config.publisherBucket,
    `${eventType}/${version}/deploy.json`,
  ) as Promise<Record<string, unknown>>;

describe('the allowed principals of an SQS event type', () => {
  it('are written into the producer manifest of every version', async () => {
    const created = await call(suite.portal.events, {
      method: 'POST',
      resource: '/events',
      body: orderCreated({
        event_type: 'queued_order',
        connection_type: 'SQS',
        allowed_principals: PRINCIPALS,
      }),
      as: ORDERS,
    });
    const changed = await call(suite.portal.events, {
      method: 'PUT',
      resource: '/events/{event_type}',
      pathParameters: { event_type: 'queued_order' },
      body: { data: { type: 'object', properties: { order_id: { type: 'string' } } } },
      as: ORDERS,
    });

    expect(created.statusCode).toBe(201);
    expect(changed.statusCode).toBe(200);
    expect((await manifestOf('queued_order', 1)).allowed_principals).toEqual(PRINCIPALS);
    expect((await manifestOf('queued_order', 2)).allowed_principals).toEqual(PRINCIPALS);
  });

  it('are left to the plan’s default (the deploying account) when not given', async () => {
    await call(suite.portal.events, {
      method: 'POST',
      resource: '/events',
      body: orderCreated({ event_type: 'queued_default', connection_type: 'SQS' }),
      as: ORDERS,
    });

    expect((await manifestOf('queued_default', 1)).allowed_principals).toBeUndefined();
  });

  it('are refused with a 400 naming the item when one is not an IAM principal, and on an HTTPS type', async () => {
    const wrong = await call(suite.portal.events, {
      method: 'POST',
      resource: '/events',
      body: orderCreated({
        event_type: 'queued_wrong',
        connection_type: 'SQS',
        allowed_principals: ['arn:aws:iam::210987654321:role/ok', 'arn:aws:s3:::bucket'],
      }),
      as: ORDERS,
    });
    const https = await call(suite.portal.events, {
      method: 'POST',
      resource: '/events',
      body: orderCreated({ event_type: 'http_wrong', allowed_principals: PRINCIPALS }),
      as: ORDERS,
    });

    expect(wrong.statusCode).toBe(400);
    expect(wrong.body.errors).toEqual([
      { path: '$.allowed_principals[1]', message: expect.stringMatching(/^must be a 12-digit account id/) },
    ]);
    expect(https.statusCode).toBe(400);
    expect(https.body.errors).toEqual([
      { path: '$.allowed_principals', message: 'is only for SQS event types' },
    ]);
    expect(await suite.harness.keys(suite.harness.config.publisherBucket)).not.toEqual(
      expect.arrayContaining(['queued_wrong/1/deploy.json']),
    );
  });
});
