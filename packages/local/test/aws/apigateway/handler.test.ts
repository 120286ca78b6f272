import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  APIGatewayClient,
  BadRequestException,
  ConflictException,
  CreateApiKeyCommand,
  CreateUsagePlanCommand,
  CreateUsagePlanKeyCommand,
  DeleteApiKeyCommand,
  DeleteUsagePlanCommand,
  DeleteUsagePlanKeyCommand,
  GetApiKeyCommand,
  GetApiKeysCommand,
  GetUsagePlanKeysCommand,
  GetUsagePlansCommand,
  NotFoundException,
  paginateGetApiKeys,
  UpdateUsagePlanCommand,
} from '@aws-sdk/client-api-gateway';
import { type AwsEndpoint, startAwsEndpoint } from '../../../src/index';

const STAGE = { apiId: 'brokerapi1', stage: 'dev' };
const VALUE = 'a-key-value-of-at-least-twenty-characters';

describe('the local API Gateway (API keys and usage plans) with the AWS SDK v3 APIGatewayClient', () => {
  let dataDir: string;
  let endpoint: AwsEndpoint;
  let client: APIGatewayClient;

  const open = async () => {
    endpoint = await startAwsEndpoint({ port: 0, dataDir });
    client = new APIGatewayClient({
      endpoint: endpoint.url,
      region: 'us-east-1',
      credentials: { accessKeyId: 'any-key', secretAccessKey: 'any-secret' },
    });
  };
  const plan = async (name: string) =>
    client.send(
      new CreateUsagePlanCommand({ name, apiStages: [STAGE], throttle: { rateLimit: 5, burstLimit: 10 } }),
    );
  const key = async (name: string, value?: string) =>
    client.send(new CreateApiKeyCommand({ name, enabled: true, ...(value === undefined ? {} : { value }) }));

  beforeEach(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'bridgeport-apigateway-'));
    await open();
  });

  afterEach(async () => {
    client.destroy();
    await endpoint.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('creates an API key, shows its value only when asked, and deletes it', async () => {
    const created = await key('orders-key', VALUE);
    const plain = await client.send(new GetApiKeyCommand({ apiKey: created.id }));
    const withValue = await client.send(new GetApiKeyCommand({ apiKey: created.id, includeValue: true }));
    await client.send(new DeleteApiKeyCommand({ apiKey: created.id }));

    expect(created).toMatchObject({
      id: expect.stringMatching(/^[a-z0-9]{10}$/),
      name: 'orders-key',
      value: VALUE,
    });
    expect(created.createdDate).toBeInstanceOf(Date);
    expect(plain.value).toBeUndefined();
    expect(withValue).toMatchObject({ name: 'orders-key', enabled: true, value: VALUE });
    await expect(client.send(new GetApiKeyCommand({ apiKey: created.id }))).rejects.toBeInstanceOf(
      NotFoundException,
    );
  });

  it('refuses a key value shorter than 20 characters with BadRequestException', async () => {
    await expect(key('short', 'too-short')).rejects.toBeInstanceOf(BadRequestException);
  });

  it('lists keys by name, oldest first, across pages', async () => {
    for (const name of ['team-a-key', 'team-b-key', 'team-a-key']) await key(name);

    const named = await client.send(new GetApiKeysCommand({ nameQuery: 'team-a', includeValues: true }));
    const pages: number[] = [];
    for await (const page of paginateGetApiKeys({ client, pageSize: 2 }, {}))
      pages.push(page.items?.length ?? 0);

    expect(named.items?.map((item) => item.name)).toEqual(['team-a-key', 'team-a-key']);
    expect(named.items?.every((item) => (item.value ?? '').length >= 20)).toBe(true);
    expect(pages).toEqual([2, 1]);
  });

  it('keeps usage plans with their stage and throttle, and the keys in them', async () => {
    const created = await plan('orders-producers');
    const apiKey = await key('orders-key', VALUE);
    const added = await client.send(
      new CreateUsagePlanKeyCommand({ usagePlanId: created.id, keyId: apiKey.id, keyType: 'API_KEY' }),
    );
    const plans = await client.send(new GetUsagePlansCommand({ keyId: apiKey.id }));
    const keys = await client.send(new GetUsagePlanKeysCommand({ usagePlanId: created.id }));

    expect(added).toEqual(expect.objectContaining({ id: apiKey.id, type: 'API_KEY', value: VALUE }));
    expect(plans.items).toEqual([
      expect.objectContaining({
        id: created.id,
        name: 'orders-producers',
        apiStages: [STAGE],
        throttle: { rateLimit: 5, burstLimit: 10 },
      }),
    ]);
    expect(keys.items?.map((item) => item.id)).toEqual([apiKey.id]);
    expect(endpoint.apiGateway.authorize(VALUE, STAGE.apiId, STAGE.stage)).toEqual({
      id: apiKey.id,
      value: VALUE,
    });
    expect(endpoint.apiGateway.authorize(VALUE, STAGE.apiId, 'prod')).toBeUndefined();
  });

  it('refuses a key twice in one plan, or in two plans of the same stage, with ConflictException', async () => {
    const first = await plan('first');
    const second = await plan('second');
    const apiKey = await key('shared');
    await client.send(
      new CreateUsagePlanKeyCommand({ usagePlanId: first.id, keyId: apiKey.id, keyType: 'API_KEY' }),
    );

    await expect(
      client.send(
        new CreateUsagePlanKeyCommand({ usagePlanId: first.id, keyId: apiKey.id, keyType: 'API_KEY' }),
      ),
    ).rejects.toBeInstanceOf(ConflictException);
    await expect(
      client.send(
        new CreateUsagePlanKeyCommand({ usagePlanId: second.id, keyId: apiKey.id, keyType: 'API_KEY' }),
      ),
    ).rejects.toThrow(/cannot reference multiple Usage Plans with the same API Stage/);
  });

  it('stops admitting a key once it leaves the plan or is deleted', async () => {
    const created = await plan('orders-producers');
    const removed = await key('removed', `${VALUE}-1`);
    const deleted = await key('deleted', `${VALUE}-2`);
    for (const apiKey of [removed, deleted]) {
      await client.send(
        new CreateUsagePlanKeyCommand({ usagePlanId: created.id, keyId: apiKey.id, keyType: 'API_KEY' }),
      );
    }

    await client.send(new DeleteUsagePlanKeyCommand({ usagePlanId: created.id, keyId: removed.id }));
    await client.send(new DeleteApiKeyCommand({ apiKey: deleted.id }));

    expect(endpoint.apiGateway.authorize(`${VALUE}-1`, STAGE.apiId, STAGE.stage)).toBeUndefined();
    expect(endpoint.apiGateway.authorize(`${VALUE}-2`, STAGE.apiId, STAGE.stage)).toBeUndefined();
    expect((await client.send(new GetUsagePlanKeysCommand({ usagePlanId: created.id }))).items).toEqual([]);
  });

  it('deletes a usage plan only once it has no API stage, as API Gateway does', async () => {
    const created = await plan('orders-producers');

    await expect(client.send(new DeleteUsagePlanCommand({ usagePlanId: created.id }))).rejects.toBeInstanceOf(
      BadRequestException,
    );
    await client.send(
      new UpdateUsagePlanCommand({
        usagePlanId: created.id,
        patchOperations: [{ op: 'remove', path: '/apiStages', value: `${STAGE.apiId}:${STAGE.stage}` }],
      }),
    );
    await client.send(new DeleteUsagePlanCommand({ usagePlanId: created.id }));

    expect((await client.send(new GetUsagePlansCommand({}))).items).toEqual([]);
  });

  it('keeps keys and plans across a restart', async () => {
    const created = await plan('orders-producers');
    const apiKey = await key('orders-key', VALUE);
    await client.send(
      new CreateUsagePlanKeyCommand({ usagePlanId: created.id, keyId: apiKey.id, keyType: 'API_KEY' }),
    );
    client.destroy();
    await endpoint.close();

    await open();

    expect(endpoint.apiGateway.authorize(VALUE, STAGE.apiId, STAGE.stage)).toEqual({
      id: apiKey.id,
      value: VALUE,
    });
  });
});
