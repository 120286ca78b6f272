import {
  APIGatewayClient,
  ConflictException,
  CreateApiKeyCommand,
  CreateUsagePlanCommand,
  CreateUsagePlanKeyCommand,
  DeleteApiKeyCommand,
  DeleteUsagePlanCommand,
  GetApiKeyCommand,
  GetApiKeysCommand,
  GetUsagePlansCommand,
  NotFoundException,
  UpdateUsagePlanCommand,
} from '@aws-sdk/client-api-gateway';
import { type AwsClientStub, mockClient } from 'aws-sdk-client-mock';

export interface FakeApiKey {
  readonly id: string;
  readonly name: string;
  readonly value: string;
  readonly createdDate: Date;
}

export interface FakeUsagePlan {
  readonly id: string;
  readonly name: string;
  apiStages: { apiId: string; stage: string }[];
  readonly throttle?: { rateLimit?: number; burstLimit?: number };
  readonly keyIds: Set<string>;
}

/** In-memory API keys and usage plans behind a mocked APIGatewayClient, answering like the service. */
export interface ApiGatewayFake {
  readonly mock: AwsClientStub<APIGatewayClient>;
  readonly keys: Map<string, FakeApiKey>;
  readonly plans: Map<string, FakeUsagePlan>;
  /** Makes the next call of `command` fail with an error of the service (later calls behave again). */
  failOnce(command: { readonly name: string }): void;
  /** Makes the next key listing leave out the newest key, as a listing that lags behind a creation may. */
  lagListingOnce(): void;
}

const notFound = (message: string) => new NotFoundException({ message, $metadata: {} });

/** Mocks every APIGatewayClient with aws-sdk-client-mock. */
export function fakeApiGateway(): ApiGatewayFake {
  const mock = mockClient(APIGatewayClient);
  const keys = new Map<string, FakeApiKey>();
  const plans = new Map<string, FakeUsagePlan>();
  const failures = new Set<string>();
  let lagging = false;
  let ids = 0;
  let clock = Date.parse('2026-01-01T00:00:00Z');
  const fail = (name: string) => {
    if (failures.delete(name)) {
      const error = new Error(`${name} failed`);
      error.name = 'ServiceUnavailableException';
      throw error;
    }
  };
  const describeKey = (key: FakeApiKey, withValue: boolean) => ({
    id: key.id,
    name: key.name,
    enabled: true,
    createdDate: key.createdDate,
    ...(withValue ? { value: key.value } : {}),
  });
  const describePlan = (plan: FakeUsagePlan) => ({
    id: plan.id,
    name: plan.name,
    apiStages: plan.apiStages.map((stage) => ({ ...stage })),
    ...(plan.throttle === undefined ? {} : { throttle: plan.throttle }),
  });

  mock.on(CreateApiKeyCommand).callsFake((input) => {
    fail('CreateApiKeyCommand');
    ids += 1;
    clock += 1000;
    const key = {
      id: `key${ids}`,
      name: input.name ?? '',
      value: input.value ?? `generated-value-${ids}-000000000000`,
      createdDate: new Date(clock),
    };
    keys.set(key.id, key);
    return describeKey(key, true);
  });
  mock.on(GetApiKeyCommand).callsFake((input) => {
    fail('GetApiKeyCommand');
    const key = keys.get(input.apiKey ?? '');
    if (key === undefined) throw notFound('Invalid API Key identifier specified');
    return describeKey(key, input.includeValue === true);
  });
  mock.on(GetApiKeysCommand).callsFake((input) => {
    fail('GetApiKeysCommand');
    const listed = [...keys.values()];
    if (lagging) {
      lagging = false;
      listed.pop();
    }
    return {
      items: listed
        .filter((key) => input.nameQuery === undefined || key.name.startsWith(input.nameQuery))
        .map((key) => describeKey(key, input.includeValues === true)),
    };
  });
  mock.on(DeleteApiKeyCommand).callsFake((input) => {
    fail('DeleteApiKeyCommand');
    if (!keys.delete(input.apiKey ?? '')) throw notFound('Invalid API Key identifier specified');
    for (const plan of plans.values()) plan.keyIds.delete(input.apiKey ?? '');
    return {};
  });
  mock.on(CreateUsagePlanCommand).callsFake((input) => {
    fail('CreateUsagePlanCommand');
    ids += 1;
    const plan: FakeUsagePlan = {
      id: `plan${ids}`,
      name: input.name ?? '',
      apiStages: (input.apiStages ?? []).map((stage: { apiId: string; stage: string }) => ({
        apiId: stage.apiId ?? '',
        stage: stage.stage ?? '',
      })),
      ...(input.throttle === undefined ? {} : { throttle: input.throttle }),
      keyIds: new Set(),
    };
    plans.set(plan.id, plan);
    return describePlan(plan);
  });
  mock.on(GetUsagePlansCommand).callsFake(() => {
    fail('GetUsagePlansCommand');
    return { items: [...plans.values()].map(describePlan) };
  });
  mock.on(UpdateUsagePlanCommand).callsFake((input) => {
    fail('UpdateUsagePlanCommand');
    const plan = plans.get(input.usagePlanId ?? '');
    if (plan === undefined) throw notFound('Invalid Usage Plan identifier specified');
    for (const operation of input.patchOperations ?? []) {
      if (operation.op === 'remove' && operation.path === '/apiStages') {
        plan.apiStages = plan.apiStages.filter(
          (stage) => `${stage.apiId}:${stage.stage}` !== operation.value,
        );
      }
    }
    return describePlan(plan);
  });
  mock.on(DeleteUsagePlanCommand).callsFake((input) => {
    fail('DeleteUsagePlanCommand');
    const plan = plans.get(input.usagePlanId ?? '');
    if (plan === undefined) throw notFound('Invalid Usage Plan identifier specified');
    if (plan.apiStages.length > 0) throw new Error('Cannot delete a usage plan with API stages');
    plans.delete(plan.id);
    return {};
  });
  mock.on(CreateUsagePlanKeyCommand).callsFake((input) => {
    fail('CreateUsagePlanKeyCommand');
    const plan = plans.get(input.usagePlanId ?? '');
    const key = keys.get(input.keyId ?? '');
    if (plan === undefined || key === undefined) throw notFound('Invalid identifier specified');
    if (plan.keyIds.has(key.id)) {
      throw new ConflictException({ message: 'Usage Plan Key already exists', $metadata: {} });
    }
    plan.keyIds.add(key.id);
    return { id: key.id, type: 'API_KEY', name: key.name, value: key.value };
  });

  return {
    mock,
    keys,
    plans,
    failOnce: (command) => {
      failures.add(command.name);
    },
    lagListingOnce: () => {
      lagging = true;
    },
  };
}
