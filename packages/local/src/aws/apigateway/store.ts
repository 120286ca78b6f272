import { randomInt } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { writeFileAtomic } from '../../bus/durable-file';
import { AwsServiceError } from '../protocol';

import type {
  ApiKeyDescription,
  ApiStage,
  PatchOperation,
  StateFile,
  StoredKey,
  StoredPlan,
  ThrottleSettings,
  UsagePlanDescription,
  UsagePlanKeyDescription,
} from './model';

const ID_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';
const VALUE_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

function randomText(alphabet: string, length: number): string {
  let text = '';
  for (let i = 0; i < length; i++) text += alphabet[randomInt(alphabet.length)];
  return text;
}

function nowSeconds(): number {
  return Date.now() / 1000;
}

function notFound(what: string): AwsServiceError {
  return new AwsServiceError('NotFoundException', `Invalid ${what} identifier specified`, 404);
}

function badRequest(message: string): AwsServiceError {
  return new AwsServiceError('BadRequestException', message, 400);
}

function checkThrottle(throttle: ThrottleSettings | undefined, path: string): void {
  if (throttle === undefined) return;
  for (const [name, value] of Object.entries(throttle)) {
    if (value !== undefined && (typeof value !== 'number' || !Number.isFinite(value) || value < 0)) {
      throw badRequest(`${path}.${name} must be a number of at least 0`);
    }
  }
}

/**
 * The API keys and usage plans of the local API Gateway, kept in one JSON file (rewritten atomically after
 * every change). What the broker API's key check asks of it is `authorize`: API Gateway's own rule.
 */
export class ApiGatewayStore {
  private writing: Promise<void> = Promise.resolve();

  private constructor(
    private readonly filePath: string,
    private readonly state: StateFile,
  ) {}

  static async open(filePath: string): Promise<ApiGatewayStore> {
    let state: StateFile = { format: 1, keys: {}, plans: {} };
    try {
      state = JSON.parse(await readFile(filePath, 'utf8')) as StateFile;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    return new ApiGatewayStore(filePath, state);
  }

  /** Resolves once every change so far is on disk. */
  flush(): Promise<void> {
    return this.writing;
  }

  // ---- API keys ------------------------------------------------------------------------------

  async createApiKey(input: {
    name?: string;
    description?: string;
    enabled?: boolean;
    value?: string;
    tags?: Record<string, string>;
  }): Promise<ApiKeyDescription> {
    if (input.value !== undefined && (input.value.length < 20 || input.value.length > 128)) {
      throw badRequest('API Key value should be at least 20 characters long and at most 128');
    }
    if (
      input.value !== undefined &&
      Object.values(this.state.keys).some((key) => key.value === input.value)
    ) {
      throw new AwsServiceError('ConflictException', 'API Key value already exists', 409);
    }
    const now = nowSeconds();
    const id = this.newId(this.state.keys);
    const key: StoredKey = {
      id,
      name: input.name ?? id,
      ...(input.description === undefined ? {} : { description: input.description }),
      enabled: input.enabled ?? false,
      value: input.value ?? randomText(VALUE_ALPHABET, 40),
      createdDate: now,
      lastUpdatedDate: now,
      tags: input.tags ?? {},
    };
    this.state.keys[id] = key;
    await this.persist();
    return this.describeKey(key, true);
  }

  getApiKey(id: string, includeValue: boolean): ApiKeyDescription {
    return this.describeKey(this.key(id), includeValue);
  }

  /** Keys whose name starts with `nameQuery` (all without one), oldest first. */
  getApiKeys(nameQuery: string | undefined, includeValues: boolean): ApiKeyDescription[] {
    return Object.values(this.state.keys)
      .filter((key) => nameQuery === undefined || key.name.startsWith(nameQuery))
      .sort((a, b) => a.createdDate - b.createdDate || (a.id < b.id ? -1 : 1))
      .map((key) => this.describeKey(key, includeValues));
  }

  /** Deletes a key; it leaves every usage plan at once. */
  async deleteApiKey(id: string): Promise<void> {
    this.key(id);
    delete this.state.keys[id];
    for (const plan of Object.values(this.state.plans)) plan.keyIds = plan.keyIds.filter((k) => k !== id);
    await this.persist();
  }

  // ---- usage plans ---------------------------------------------------------------------------

  async createUsagePlan(input: {
    name?: string;
    description?: string;
    apiStages?: ApiStage[];
    throttle?: ThrottleSettings;
    quota?: Record<string, unknown>;
    tags?: Record<string, string>;
  }): Promise<UsagePlanDescription> {
    if (typeof input.name !== 'string' || input.name === '') throw badRequest('Usage plan name is required');
    checkThrottle(input.throttle, 'throttle');
    const apiStages = (input.apiStages ?? []).map((stage) => {
      if (typeof stage.apiId !== 'string' || typeof stage.stage !== 'string') {
        throw badRequest('Every API stage needs an apiId and a stage');
      }
      return { ...stage };
    });
    const id = this.newId(this.state.plans);
    const plan: StoredPlan = {
      id,
      name: input.name,
      ...(input.description === undefined ? {} : { description: input.description }),
      apiStages,
      ...(input.throttle === undefined ? {} : { throttle: { ...input.throttle } }),
      ...(input.quota === undefined ? {} : { quota: input.quota }),
      tags: input.tags ?? {},
      keyIds: [],
    };
    this.state.plans[id] = plan;
    await this.persist();
    return this.describePlan(plan);
  }

  getUsagePlan(id: string): UsagePlanDescription {
    return this.describePlan(this.plan(id));
  }

  /** Every plan (those holding `keyId` when given), by id. */
  getUsagePlans(keyId: string | undefined): UsagePlanDescription[] {
    return Object.values(this.state.plans)
      .filter((plan) => keyId === undefined || plan.keyIds.includes(keyId))
      .sort((a, b) => (a.id < b.id ? -1 : 1))
      .map((plan) => this.describePlan(plan));
  }

  /** `UpdateUsagePlan`: add/remove `/apiStages` (`apiId:stage`), replace name, description and throttle. */
  async updateUsagePlan(id: string, operations: readonly PatchOperation[]): Promise<UsagePlanDescription> {
    const plan = this.plan(id);
    const next: StoredPlan = structuredClone(plan);
    for (const operation of operations) {
      const { op, path, value } = operation;
      if (path === '/apiStages' && (op === 'add' || op === 'remove')) {
        const [apiId, stage] = (value ?? '').split(':');
        if (!apiId || !stage) throw badRequest(`Invalid API stage ${JSON.stringify(value)}: use apiId:stage`);
        const index = next.apiStages.findIndex((s) => s.apiId === apiId && s.stage === stage);
        if (op === 'add' && index === -1) next.apiStages.push({ apiId, stage });
        if (op === 'remove') {
          if (index === -1) throw notFound('API stage');
          next.apiStages.splice(index, 1);
        }
      } else if (op === 'replace' && (path === '/name' || path === '/description')) {
        next[path === '/name' ? 'name' : 'description'] = value ?? '';
      } else if (op === 'replace' && (path === '/throttle/rateLimit' || path === '/throttle/burstLimit')) {
        const number = Number(value);
        if (!Number.isFinite(number) || number < 0)
          throw badRequest(`${path} must be a number of at least 0`);
        next.throttle = { ...next.throttle, [path.slice('/throttle/'.length)]: number };
      } else {
        throw badRequest(`Unsupported patch operation ${op} ${path}`);
      }
    }
    this.state.plans[id] = next;
    await this.persist();
    return this.describePlan(next);
  }

  /** Deletes a plan; API Gateway refuses while it is still associated with an API stage. */
  async deleteUsagePlan(id: string): Promise<void> {
    const plan = this.plan(id);
    if (plan.apiStages.length > 0) {
      throw badRequest(
        `Cannot delete Usage Plan ${id} because there are API Stages associated: remove them first`,
      );
    }
    delete this.state.plans[id];
    await this.persist();
  }

  // ---- usage plan keys -----------------------------------------------------------------------

  async createUsagePlanKey(planId: string, keyId: string, keyType: string): Promise<UsagePlanKeyDescription> {
    const plan = this.plan(planId);
    if (keyType !== 'API_KEY') throw badRequest(`Invalid key type ${JSON.stringify(keyType)}`);
    const key = this.state.keys[keyId];
    if (key === undefined) throw notFound('API Key');
    if (plan.keyIds.includes(keyId)) {
      throw new AwsServiceError('ConflictException', 'Usage Plan Key already exists', 409);
    }
    // A key may reference only one usage plan per API stage.
    for (const other of Object.values(this.state.plans)) {
      if (other.id === plan.id || !other.keyIds.includes(keyId)) continue;
      const shared = other.apiStages.find((a) =>
        plan.apiStages.some((b) => a.apiId === b.apiId && a.stage === b.stage),
      );
      if (shared !== undefined) {
        throw new AwsServiceError(
          'ConflictException',
          `Usage Plan ${plan.id} cannot be added because API Key ${keyId} cannot reference multiple Usage Plans with the same API Stage: ${shared.apiId}:${shared.stage}`,
          409,
        );
      }
    }
    plan.keyIds.push(keyId);
    await this.persist();
    return this.describePlanKey(key);
  }

  getUsagePlanKeys(planId: string): UsagePlanKeyDescription[] {
    return this.plan(planId)
      .keyIds.map((id) => this.state.keys[id])
      .filter((key): key is StoredKey => key !== undefined)
      .map((key) => this.describePlanKey(key));
  }

  async deleteUsagePlanKey(planId: string, keyId: string): Promise<void> {
    const plan = this.plan(planId);
    if (!plan.keyIds.includes(keyId)) throw notFound('Usage Plan Key');
    plan.keyIds = plan.keyIds.filter((id) => id !== keyId);
    await this.persist();
  }

  // ---- the key check of a key-requiring method -------------------------------------------------

  /**
   * The key a request to `apiId`/`stage` presents in `x-api-key`, when API Gateway would let it through: an
   * enabled key in a usage plan associated with that stage. Undefined otherwise (API Gateway answers 403).
   */
  authorize(
    value: string | undefined,
    apiId: string,
    stage: string,
  ): { id: string; value: string } | undefined {
    if (value === undefined || value === '') return undefined;
    const key = Object.values(this.state.keys).find((candidate) => candidate.value === value);
    if (key === undefined || !key.enabled) return undefined;
    const admitted = Object.values(this.state.plans).some(
      (plan) =>
        plan.keyIds.includes(key.id) && plan.apiStages.some((s) => s.apiId === apiId && s.stage === stage),
    );
    return admitted ? { id: key.id, value: key.value } : undefined;
  }

  // ---- internals -----------------------------------------------------------------------------

  private key(id: string): StoredKey {
    const key = this.state.keys[id];
    if (key === undefined) throw notFound('API Key');
    return key;
  }

  private plan(id: string): StoredPlan {
    const plan = this.state.plans[id];
    if (plan === undefined) throw notFound('Usage Plan');
    return plan;
  }

  private newId(taken: Record<string, unknown>): string {
    let id = randomText(ID_ALPHABET, 10);
    while (taken[id] !== undefined) id = randomText(ID_ALPHABET, 10);
    return id;
  }

  private describeKey(key: StoredKey, includeValue: boolean): ApiKeyDescription {
    return {
      id: key.id,
      name: key.name,
      ...(key.description === undefined ? {} : { description: key.description }),
      enabled: key.enabled,
      ...(includeValue ? { value: key.value } : {}),
      createdDate: key.createdDate,
      lastUpdatedDate: key.lastUpdatedDate,
      stageKeys: [],
      tags: key.tags,
    };
  }

  private describePlan(plan: StoredPlan): UsagePlanDescription {
    return {
      id: plan.id,
      name: plan.name,
      ...(plan.description === undefined ? {} : { description: plan.description }),
      apiStages: plan.apiStages.map((stage) => ({ ...stage })),
      ...(plan.throttle === undefined ? {} : { throttle: { ...plan.throttle } }),
      ...(plan.quota === undefined ? {} : { quota: plan.quota }),
      tags: plan.tags,
    };
  }

  private describePlanKey(key: StoredKey): UsagePlanKeyDescription {
    return { id: key.id, type: 'API_KEY', value: key.value, name: key.name };
  }

  private persist(): Promise<void> {
    const text = `${JSON.stringify(this.state)}\n`;
    this.writing = this.writing.catch(() => undefined).then(() => writeFileAtomic(this.filePath, text));
    return this.writing;
  }
}
