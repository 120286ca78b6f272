import {
  ChangeMessageVisibilityBatchCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { consumerDeadLetterQueueName, consumerManifestKey, subscriptionKey } from '@bridgeport/core';
import { mockClient } from 'aws-sdk-client-mock';
import { statusUpdateOf } from '../../src/store/status-update';
import { call } from '../support/api';
import { orderCreated, portalOn, shipOrders } from '../support/fixtures';
import { usePortal } from '../support/portal-suite';
import { subscriptionRequests } from '../support/requests';
import { type S3Faults, s3Faults } from '../support/s3-faults';

const suite = usePortal();

/** The fields of a subscription docs/api.md lists. */
const DOCUMENTED_SUBSCRIPTION_FIELDS = [
  'id',
  'event_type',
  'version',
  'application',
  'team',
  'target_unit',
  'connection_type',
  'connection_string',
  'filter',
  'retry_policy',
  'secret_name',
  'rate_limit_per_second',
  'status',
  'status_reason',
  'created_at',
  'updated_at',
];
let faults: S3Faults;

beforeAll(async () => {
  faults = s3Faults(suite.harness.clients.s3);
  const created = await call(suite.portal.events, {
    method: 'POST',
    resource: '/events',
    body: orderCreated(),
  });
  expect(created.statusCode).toBe(201);
});

const { subscribe, get: getSubscription, remove: unsubscribe, list } = subscriptionRequests(suite);

describe('POST /subscriptions', () => {
  it('creates the subscription and writes its consumer manifest', async () => {
    const response = await subscribe(shipOrders({ target_unit: 'warehouse-7' }));

    expect(response.statusCode).toBe(201);
    const id = String(response.body.id);
    expect(id).toMatch(/^[a-z0-9]{12}$/);
    expect(response.headers.Location).toBe(`/subscriptions/${id}`);
    expect(response.body).toMatchObject({
      event_type: 'order_created',
      version: 1,
      application: 'orders',
      target_unit: 'warehouse-7',
      connection_type: 'LAMBDA',
      status: 'PENDING',
      retry_policy: { maximum_event_age_seconds: 86400, maximum_retry_attempts: 185 },
    });
    const manifest = await suite.harness.readJson(
      suite.harness.config.subscriberBucket,
      consumerManifestKey('order_created', 1, id),
    );
    expect(manifest).toMatchObject({
      format: 1,
      kind: 'consumer',
      environment: 'test',
      subscription_id: id,
      application: 'orders',
      event_type: 'order_created',
      version: 1,
      target_unit: 'warehouse-7',
      filter: { amount: [{ numeric: ['>', 100] }] },
      consumer: {
        type: 'LAMBDA',
        connection_string: 'arn:aws:lambda:us-east-1:123456789012:function:ship-orders',
      },
      retry_policy: { maximum_event_age_seconds: 86400, maximum_retry_attempts: 185 },
    });
  });

  it('answers 404 for an event type or a version that does not exist', async () => {
    const noType = await subscribe(shipOrders({ event_type: 'no_such_event' }));
    const noVersion = await subscribe(shipOrders({ version: 5 }));

    expect(noType.statusCode).toBe(404);
    expect(noType.body).toEqual({ message: 'Event type no_such_event does not exist' });
    expect(noVersion.statusCode).toBe(404);
    expect(noVersion.body).toEqual({ message: 'Version 5 of event type order_created does not exist' });
  });

  it('answers 400 with the reason when the filter is not a valid EventBridge pattern', async () => {
    const response = await subscribe(shipOrders({ filter: { amount: [{ numeric: ['>', 'ten'] }] } }));

    expect(response.statusCode).toBe(400);
    expect(response.body.message).toBe('The subscription filter is not valid');
    expect(response.body.errors).toEqual([{ path: '$.filter', message: 'Value of > must be numeric' }]);
  });

  it('rejects a subscription filter on a field the schema does not have', async () => {
    const response = await subscribe(
      shipOrders({
        filter: { customer: { tier: ['gold'], segment: ['b2b'] }, discount: [{ exists: true }] },
      }),
    );

    expect(response.statusCode).toBe(400);
    expect(response.body.errors).toEqual([
      {
        path: '$.filter.customer.segment',
        message:
          'names the field data.customer.segment, which the schema of order_created version 1 does not declare',
      },
      {
        path: '$.filter.discount',
        message:
          'names the field data.discount, which the schema of order_created version 1 does not declare',
      },
    ]);
  });

  it('answers 400 when the filter fits alone but the rule pattern made from it is too long', async () => {
    const response = await subscribe(shipOrders({ filter: { order_id: ['x'.repeat(1990)] } }));

    expect(response.statusCode).toBe(400);
    expect(response.body.errors).toEqual([
      {
        path: '$.filter',
        message:
          'makes an invalid rule pattern: Event pattern is too long: 2081 characters, the maximum is 2048',
      },
    ]);
  });

  it('answers 400 for an invalid connection string', async () => {
    const response = await subscribe(shipOrders({ connection_type: 'SQS', connection_string: 'my-queue' }));

    expect(response.statusCode).toBe(400);
    expect((response.body.errors as { path: string }[]).map((problem) => problem.path)).toContain(
      '$.connection_string',
    );
  });
});

describe('POST /subscriptions with a target AWS cannot deploy', () => {
  it.each([
    ['LAMBDA', 'arn:aws:lambda:eu-west-1:123456789012:function:ship-orders', 'a Lambda function'],
    ['SQS', 'arn:aws:sqs:eu-west-1:123456789012:ship-orders', 'an SQS queue'],
  ])('answers 400 for a %s target in another region than the portal', async (type, arn, what) => {
    const response = await subscribe(shipOrders({ connection_type: type, connection_string: arn }));

    expect(response.statusCode).toBe(400);
    expect(response.body.errors).toEqual([
      {
        path: '$.connection_string',
        message: `names region eu-west-1, but this deployment's event bus is in us-east-1: an EventBridge rule can only invoke ${what} in its own region (another region would need an event bus there to forward to); use ${what} in us-east-1`,
      },
    ]);
  });

  it('answers 400 for a FIFO queue, which would need a message group id', async () => {
    const response = await subscribe(
      shipOrders({
        connection_type: 'SQS',
        connection_string: 'arn:aws:sqs:us-east-1:123456789012:ship-orders.fifo',
      }),
    );

    expect(response.statusCode).toBe(400);
    expect(response.body.errors).toEqual([
      {
        path: '$.connection_string',
        message: expect.stringContaining(
          'names a FIFO queue: EventBridge delivers to a FIFO queue only with a message group id',
        ),
      },
    ]);
  });
});

describe('POST /subscriptions with an http:// endpoint', () => {
  it('answers 400 for a loopback http:// endpoint on a deployed portal', async () => {
    const response = await subscribe(
      shipOrders({ connection_type: 'HTTPS', connection_string: 'http://127.0.0.1:9000/sink' }),
    );

    expect(response.statusCode).toBe(400);
    expect(response.body.errors).toEqual([
      { path: '$.connection_string', message: 'must be an absolute https:// URL' },
    ]);
  });
});

describe('GET /subscriptions', () => {
  it('lists the subscriptions of an event type version, paginated', async () => {
    await subscribe(shipOrders({ connection_string: 'arn:aws:lambda:us-east-1:123456789012:function:a' }));
    await subscribe(shipOrders({ connection_string: 'arn:aws:lambda:us-east-1:123456789012:function:b' }));

    const first = await list({ event_type: 'order_created', version: '1', limit: '1' });
    const rest = await list({
      event_type: 'order_created',
      version: '1',
      next_token: String(first.body.next_token),
    });
    const all = await list();

    expect(first.statusCode).toBe(200);
    expect(first.body.items).toHaveLength(1);
    expect(rest.body.next_token).toBeUndefined();
    const listed = [...(first.body.items ?? []), ...(rest.body.items ?? [])];
    const ids = listed.map((item) => item.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toHaveLength(3);
    expect(listed.every((item) => item.event_type === 'order_created' && item.version === 1)).toBe(true);
    expect(all.body.items?.map((item) => item.id).sort()).toEqual(listed.map((item) => item.id).sort());
  });

  it('answers 400 for a version without an event type', async () => {
    const response = await list({ version: 'one' });

    expect(response.statusCode).toBe(400);
    expect(response.body.errors).toEqual([
      { path: 'query.version', message: 'must be an integer of at least 1' },
      { path: 'query.version', message: 'requires event_type' },
    ]);
  });
});

describe('GET /subscriptions/{id}', () => {
  it('returns the subscription with the status the deployment side recorded', async () => {
    const created = await subscribe(shipOrders());
    const id = String(created.body.id);
    await suite.portal.services.store.setSubscriptionStatus(id, 'FAILED', 'Stack rollback');

    const response = await getSubscription(id);

    expect(response.statusCode).toBe(200);
    expect(response.body).toMatchObject({ id, status: 'FAILED', status_reason: 'Stack rollback' });
  });

  it('shows only the documented fields once the deployment status recorder has written its own', async () => {
    const created = await subscribe(shipOrders());
    const id = String(created.body.id);
    // As the deployment status recorder writes it: the status, with the event and execution it came from.
    await suite.harness.clients.dynamo.send(
      new UpdateCommand({
        TableName: suite.harness.config.tableName,
        ...statusUpdateOf({
          key: subscriptionKey(id),
          status: 'ACTIVE',
          at: '2026-11-26T06:44:02.120Z',
          eventAt: '2026-11-26T06:44:01.000Z',
          executionId: 'arn:aws:states:us-east-1:123456789012:execution:deploy:7f1c',
        }),
      }),
    );
    const stored = await suite.harness.clients.dynamo.send(
      new GetCommand({ TableName: suite.harness.config.tableName, Key: subscriptionKey(id) }),
    );

    const one = await getSubscription(id);
    const listed = (await list({ event_type: 'order_created', limit: '100' })).body.items?.find(
      (item) => item.id === id,
    );

    expect(stored.Item).toMatchObject({
      status_event_at: expect.any(String),
      status_execution_id: expect.any(String),
    });
    expect(one.statusCode).toBe(200);
    expect(one.body).toMatchObject({ id, status: 'ACTIVE', updated_at: '2026-11-26T06:44:02.120Z' });
    for (const view of [one.body, listed]) {
      expect(view).toBeDefined();
      for (const field of Object.keys(view ?? {})) expect(DOCUMENTED_SUBSCRIPTION_FIELDS).toContain(field);
    }
    expect(Object.keys(one.body).sort()).toEqual(Object.keys(listed ?? {}).sort());
  });

  it('answers 404 for an unknown id', async () => {
    const response = await getSubscription('zzzzzzzzzzzz');

    expect(response.statusCode).toBe(404);
    expect(response.body).toEqual({ message: 'Subscription zzzzzzzzzzzz does not exist' });
  });
});

describe('GET /subscriptions/{id}/dead-letters', () => {
  it("reads the subscription's dead-letter queue, oldest first, with EventBridge's failure attributes", async () => {
    const created = await subscribe(shipOrders());
    const id = String(created.body.id);
    const sqs = mockClient(SQSClient);
    const queueName = consumerDeadLetterQueueName('test', 'order_created', 1, id);
    const event = (n: number) => ({ id: `event-${n}`, 'detail-type': 'order_created.1', detail: { n } });
    const message = (n: number, sentAt: number) => ({
      MessageId: `message-${n}`,
      ReceiptHandle: `receipt-${n}`,
      Body: JSON.stringify(event(n)),
      Attributes: { SentTimestamp: String(sentAt) },
      MessageAttributes: {
        ERROR_CODE: { DataType: 'String', StringValue: 'Lambda.TooManyRequestsException' },
        ERROR_MESSAGE: { DataType: 'String', StringValue: 'Rate exceeded' },
        EXHAUSTED_RETRY_CONDITION: { DataType: 'String', StringValue: 'MaximumRetryAttempts' },
        RETRY_ATTEMPTS: { DataType: 'String', StringValue: '185' },
      },
    });
    sqs.on(GetQueueUrlCommand, { QueueName: queueName }).resolves({ QueueUrl: 'https://queue/dlq' });
    sqs
      .on(ReceiveMessageCommand)
      .resolvesOnce({
        Messages: [
          message(2, Date.parse('2026-11-26T10:00:02Z')),
          message(1, Date.parse('2026-11-26T10:00:01Z')),
        ],
      })
      .resolves({ Messages: [] });
    sqs.on(ChangeMessageVisibilityBatchCommand).resolves({ Successful: [], Failed: [] });
    sqs.on(GetQueueAttributesCommand).resolves({ Attributes: { ApproximateNumberOfMessages: '2' } });

    try {
      const response = await call(suite.portal.subscriptions, {
        method: 'GET',
        resource: '/subscriptions/{id}/dead-letters',
        pathParameters: { id },
      });

      expect(response.statusCode).toBe(200);
      const letter = (n: number) => ({
        id: `message-${n}`,
        subscription_id: id,
        event: event(n),
        error_code: 'Lambda.TooManyRequestsException',
        error_message: 'Rate exceeded',
        exhausted_retry_condition: 'MaximumRetryAttempts',
        retry_attempts: 185,
        failed_at: `2026-11-26T10:00:0${n}.000Z`,
      });
      expect(response.body).toEqual({ items: [letter(1), letter(2)], approximate_count: 2 });
      // Read messages are handed back at once: the listing consumes nothing.
      expect(sqs.commandCalls(ChangeMessageVisibilityBatchCommand)[0]?.args[0].input.Entries).toEqual([
        { Id: '0', ReceiptHandle: 'receipt-2', VisibilityTimeout: 0 },
        { Id: '1', ReceiptHandle: 'receipt-1', VisibilityTimeout: 0 },
      ]);
    } finally {
      sqs.restore();
    }
  });

  it('answers 404 for an unknown subscription', async () => {
    const response = await call(suite.portal.subscriptions, {
      method: 'GET',
      resource: '/subscriptions/{id}/dead-letters',
      pathParameters: { id: 'zzzzzzzzzzzz' },
    });

    expect(response.statusCode).toBe(404);
  });
});

describe('deleting', () => {
  it('refuses to delete an event type with subscriptions, listing them, until they are deleted', async () => {
    await call(suite.portal.events, {
      method: 'POST',
      resource: '/events',
      body: orderCreated({ event_type: 'order_returned' }),
    });
    const created = await subscribe(shipOrders({ event_type: 'order_returned' }));
    const id = String(created.body.id);
    const deleteType = () =>
      call(suite.portal.events, {
        method: 'DELETE',
        resource: '/events/{event_type}',
        pathParameters: { event_type: 'order_returned' },
      });
    const type = await call(suite.portal.events, {
      method: 'GET',
      resource: '/events/{event_type}',
      pathParameters: { event_type: 'order_returned' },
    });

    const refused = await deleteType();
    const unsubscribed = await unsubscribe(id);
    const deleted = await deleteType();

    expect(type.body.subscription_count).toBe(1);
    expect(refused.statusCode).toBe(409);
    expect(refused.body).toEqual({
      message: 'Event type order_returned has 1 subscription(s); delete them first',
      event_type: 'order_returned',
      subscriptions: [{ id, version: 1, connection_type: 'LAMBDA', status: 'PENDING' }],
    });
    expect(unsubscribed.statusCode).toBe(204);
    expect((await getSubscription(id)).statusCode).toBe(404);
    expect(await suite.harness.keys(suite.harness.config.subscriberBucket)).not.toContain(
      consumerManifestKey('order_returned', 1, id),
    );
    expect(deleted.statusCode).toBe(204);
  });

  it('answers 404 when deleting an unknown subscription', async () => {
    const response = await unsubscribe('zzzzzzzzzzzz');

    expect(response.statusCode).toBe(404);
  });
});

describe('POST /subscriptions for an HTTPS consumer', () => {
  const https = (overrides: Record<string, unknown> = {}) =>
    shipOrders({
      connection_type: 'HTTPS',
      connection_string: 'https://hooks.example.com/orders',
      filter: undefined,
      ...overrides,
    });

  it("refuses any secret but the subscription's own, keeping its id for the request naming its own", async () => {
    const refused = await subscribe(
      https({ secret_name: 'consumers/ship-orders', rate_limit_per_second: 25 }),
    );

    expect(refused.statusCode).toBe(400);
    const [problem] = refused.body.errors as { path: string; message: string }[];
    expect(problem?.path).toBe('$.secret_name');
    const own =
      /^must be this subscription's own secret, (bridgeport\/[a-z0-9-]+\/consumers\/([a-z0-9]{12}))$/.exec(
        problem?.message ?? '',
      );
    expect(own).not.toBeNull();
    const [, secretName, id] = own as RegExpExecArray;

    const response = await subscribe(https({ secret_name: secretName, rate_limit_per_second: 25 }));

    expect(response.statusCode).toBe(201);
    expect(response.body).toMatchObject({ id, secret_name: secretName, rate_limit_per_second: 25 });
    const manifest = await suite.harness.readJson(
      suite.harness.config.subscriberBucket,
      consumerManifestKey('order_created', 1, String(id)),
    );
    expect(manifest).toMatchObject({
      consumer: {
        type: 'HTTPS',
        connection_string: 'https://hooks.example.com/orders',
        secret_name: secretName,
        rate_limit_per_second: 25,
      },
    });
  });

  it('gives an HTTPS consumer without a rate limit the default one and no secret', async () => {
    const response = await subscribe(https());

    const manifest = (await suite.harness.readJson(
      suite.harness.config.subscriberBucket,
      consumerManifestKey('order_created', 1, String(response.body.id)),
    )) as { consumer: Record<string, unknown> };
    expect(response.statusCode).toBe(201);
    expect(manifest.consumer).toEqual({
      type: 'HTTPS',
      connection_string: 'https://hooks.example.com/orders',
      rate_limit_per_second: 10,
    });
  });

  it('answers 400 with the path for an invalid secret name or rate limit', async () => {
    const response = await subscribe(https({ secret_name: 'no spaces', rate_limit_per_second: 301 }));

    expect(response.statusCode).toBe(400);
    expect(response.body.errors).toEqual([
      {
        path: '$.secret_name',
        message:
          'must be the name of a Secrets Manager secret: 1–512 characters of A–Z, a–z, 0–9 and /_+=.@-',
      },
      { path: '$.rate_limit_per_second', message: 'must be an integer from 1 to 300' },
    ]);
  });

  it('answers 400 with the path for a secret name or rate limit on a non-HTTPS consumer', async () => {
    const response = await subscribe(
      shipOrders({ secret_name: 'consumers/ship-orders', rate_limit_per_second: 5 }),
    );

    expect(response.statusCode).toBe(400);
    expect(response.body.errors).toEqual([
      { path: '$.secret_name', message: 'applies only to HTTPS consumers' },
      { path: '$.rate_limit_per_second', message: 'applies only to HTTPS consumers' },
    ]);
  });
});

describe('a subscription deleted while it is being created', () => {
  it('answers the creation 409 and leaves no manifest behind', async () => {
    const body = shipOrders({ target_unit: 'deleted-meanwhile' });
    const paused = faults.pauseNext('PutObjectCommand', suite.harness.config.subscriberBucket);
    const creation = subscribe(body);
    await paused.reached;
    const pending = (await list({ event_type: 'order_created' })).body.items?.find(
      (item) => item.target_unit === 'deleted-meanwhile',
    );
    const id = String(pending?.id);

    const deletion = await unsubscribe(id);
    paused.release();
    const created = await creation;

    expect(deletion.statusCode).toBe(204);
    expect(created.statusCode).toBe(409);
    expect(created.body).toMatchObject({
      message: `Subscription ${id} was deleted while it was being created`,
    });
    expect((await getSubscription(id)).statusCode).toBe(404);
    expect(
      (await suite.harness.keys(suite.harness.config.subscriberBucket)).filter((key) =>
        key.includes(`/${id}/`),
      ),
    ).toEqual([]);
  });
});

describe('identical subscription requests at once', () => {
  it('complete one subscription between them; the same request sent later makes a new one', async () => {
    const body = shipOrders({ target_unit: 'sent-twice' });
    const paused = faults.pauseNext('PutObjectCommand', suite.harness.config.subscriberBucket);
    const first = subscribe(body);
    await paused.reached;

    const second = await subscribe(body);
    paused.release();
    const firstAnswer = await first;
    const later = await subscribe(body);

    expect(second.statusCode).toBe(201);
    expect(firstAnswer.statusCode).toBe(201);
    expect(firstAnswer.body.id).toBe(second.body.id);
    expect(later.statusCode).toBe(201);
    expect(later.body.id).not.toBe(second.body.id);
    const listed = (await list({ event_type: 'order_created' })).body.items ?? [];
    expect(
      listed
        .filter((item) => item.target_unit === 'sent-twice')
        .map((item) => item.id)
        .sort(),
    ).toEqual([String(second.body.id), String(later.body.id)].sort());
    const keys = await suite.harness.keys(suite.harness.config.subscriberBucket);
    expect(keys.filter((key) => key.includes(`/${String(second.body.id)}/`))).toHaveLength(1);
  });
});

describe('same-account Lambda and SQS targets', () => {
  const LOCAL = '000000000000';
  const subscribeWithAllowList = (body: unknown) => {
    const guarded = portalOn({
      ...suite.harness,
      config: {
        ...suite.harness.config,
        allowedConsumerTargets: [`arn:aws:lambda:us-east-1:${LOCAL}:function:orders-*`],
      },
    });
    return call(guarded.subscriptions, { method: 'POST', resource: '/subscriptions', body });
  };

  it.each([
    ['Lambda function', 'LAMBDA', `arn:aws:lambda:us-east-1:${LOCAL}:function:bridgeport-injector`],
    ['SQS queue', 'SQS', `arn:aws:sqs:us-east-1:${LOCAL}:payroll-jobs`],
  ])(
    'refuses a %s of the account that is not on the allow-list, writing nothing',
    async (what, type, arn) => {
      const before = await suite.harness.keys(suite.harness.config.subscriberBucket);

      const response = await subscribeWithAllowList(
        shipOrders({ connection_type: type, connection_string: arn, target_unit: `refused-${type}` }),
      );

      expect(response.statusCode).toBe(400);
      expect(response.body.errors).toEqual([
        {
          path: '$.connection_string',
          message: `is a ${what} of this account (${LOCAL}) that is not on the environment's allow-list of consumer targets (BRIDGEPORT_ALLOWED_CONSUMER_TARGETS); ask the platform team to add it`,
        },
      ]);
      expect(await suite.harness.keys(suite.harness.config.subscriberBucket)).toEqual(before);
    },
  );

  it('accepts a target the allow-list names, and targets in other accounts', async () => {
    const allowed = await subscribeWithAllowList(
      shipOrders({ connection_string: `arn:aws:lambda:us-east-1:${LOCAL}:function:orders-shipping` }),
    );
    const otherAccount = await subscribeWithAllowList(shipOrders({ target_unit: 'elsewhere' }));

    expect(allowed.statusCode).toBe(201);
    expect(otherAccount.statusCode).toBe(201);
  });
});
