import {
  type APIGatewayClient,
  type ApiKey,
  ConflictException,
  CreateApiKeyCommand,
  CreateUsagePlanCommand,
  CreateUsagePlanKeyCommand,
  DeleteApiKeyCommand,
  DeleteUsagePlanCommand,
  GetApiKeyCommand,
  NotFoundException,
  paginateGetApiKeys,
  paginateGetUsagePlans,
  type ThrottleSettings,
  UpdateUsagePlanCommand,
  type UsagePlan,
} from '@aws-sdk/client-api-gateway';

export interface ApiKeysOptions {
  readonly client: APIGatewayClient;
}

/** One API key as the portal sees it (its value only when asked for). */
export interface StoredApiKey {
  readonly id: string;
  readonly name: string;
  readonly value?: string;
  readonly createdDate: Date;
}

/** Keys in the order they were created (by id within one instant): the order `keysNamed` lists them in. */
export function byCreation(a: StoredApiKey, b: StoredApiKey): number {
  return a.createdDate.getTime() - b.createdDate.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/** The API stage a usage plan admits keys to. */
export interface ApiStageRef {
  readonly apiId: string;
  readonly stage: string;
}

function stored(key: ApiKey): StoredApiKey {
  return {
    id: key.id ?? '',
    name: key.name ?? '',
    ...(key.value === undefined ? {} : { value: key.value }),
    createdDate: key.createdDate ?? new Date(0),
  };
}

function isNotFound(error: unknown): boolean {
  return error instanceof NotFoundException || (error as Error | undefined)?.name === 'NotFoundException';
}

/**
 * API Gateway API keys and usage plans, found by name (the names come from core's naming module). Every write
 * is safe to repeat: attaching an attached key and deleting a deleted key or plan succeed.
 */
export class ApiKeys {
  private readonly client: APIGatewayClient;

  constructor(options: ApiKeysOptions) {
    this.client = options.client;
  }

  /** The usage plan named `name`, if any (the first, should several carry the name). */
  async findUsagePlan(name: string): Promise<UsagePlan | undefined> {
    for await (const page of paginateGetUsagePlans({ client: this.client }, { limit: 500 })) {
      const found = (page.items ?? []).find((plan) => plan.name === name);
      if (found !== undefined) return found;
    }
    return undefined;
  }

  /** Creates a usage plan on `stage` with `throttle`. */
  async createUsagePlan(
    name: string,
    description: string,
    stage: ApiStageRef,
    throttle: ThrottleSettings,
  ): Promise<UsagePlan> {
    return this.client.send(
      new CreateUsagePlanCommand({
        name,
        description,
        apiStages: [{ apiId: stage.apiId, stage: stage.stage }],
        throttle,
      }),
    );
  }

  /** Detaches the plan from its stages (API Gateway refuses to delete a plan that has any), then deletes it. */
  async deleteUsagePlan(plan: UsagePlan): Promise<void> {
    try {
      const patchOperations = (plan.apiStages ?? []).map((stage) => ({
        op: 'remove' as const,
        path: '/apiStages',
        value: `${stage.apiId}:${stage.stage}`,
      }));
      if (patchOperations.length > 0) {
        await this.client.send(new UpdateUsagePlanCommand({ usagePlanId: plan.id, patchOperations }));
      }
      await this.client.send(new DeleteUsagePlanCommand({ usagePlanId: plan.id }));
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
  }

  /** Every API key named exactly `name`, oldest first (ties broken by id). */
  async keysNamed(name: string): Promise<StoredApiKey[]> {
    const keys: StoredApiKey[] = [];
    for await (const page of paginateGetApiKeys({ client: this.client }, { nameQuery: name, limit: 500 })) {
      for (const key of page.items ?? []) if (key.name === name) keys.push(stored(key));
    }
    return keys.sort(byCreation);
  }

  /** One key with its value; undefined when it no longer exists. */
  async keyWithValue(id: string): Promise<StoredApiKey | undefined> {
    try {
      return stored(await this.client.send(new GetApiKeyCommand({ apiKey: id, includeValue: true })));
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  /** Creates an enabled key with the given value. */
  async createKey(name: string, value: string, description: string): Promise<StoredApiKey> {
    return stored(
      await this.client.send(new CreateApiKeyCommand({ name, value, description, enabled: true })),
    );
  }

  /** Puts the key in the usage plan; a key already in it stays. */
  async attach(usagePlanId: string, keyId: string): Promise<void> {
    try {
      await this.client.send(new CreateUsagePlanKeyCommand({ usagePlanId, keyId, keyType: 'API_KEY' }));
    } catch (error) {
      if (!(error instanceof ConflictException || (error as Error).name === 'ConflictException')) throw error;
    }
  }

  /** Deletes a key (which takes it out of every usage plan at once); a missing key is fine. */
  async deleteKey(id: string): Promise<void> {
    try {
      await this.client.send(new DeleteApiKeyCommand({ apiKey: id }));
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
  }
}
