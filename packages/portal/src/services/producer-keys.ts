import {
  newProducerKeyValue,
  PRODUCER_KEY_HEADER,
  producerApiKeyName,
  producerThrottle,
  producerUsagePlanName,
} from '@bridgeport/core';
import { type ApiKeys, type ApiStageRef, byCreation, type StoredApiKey } from '../adapters/api-keys';
import { step } from './step';

export interface ProducerKeyServiceOptions {
  readonly apiKeys: ApiKeys;
  readonly environment: string;
  /** The broker API stage the keys are for; undefined when the portal was not told (issuing then fails). */
  readonly brokerStage: ApiStageRef | undefined;
}

/** `GET /events/{event_type}/producer-key` and the answer of a rotation. */
export interface ProducerKeyView {
  readonly event_type: string;
  /** The header producers send the key in. */
  readonly header: string;
  readonly api_key: string;
  readonly created_at: string;
}

/**
 * The API key of an event type's HTTP producers, and the usage plan that admits it to the broker API's stage
 * with the producers' throttle. API Gateway itself is the record: the key and the plan are found by their
 * names (core's naming module), so every operation can be repeated after a failure at any point.
 *
 * - Issuing: the plan is found or created, a key is created only when none exists, and the key is put in the
 *   plan (again, harmlessly, when it already is). A key created by a failed attempt is adopted by the next.
 * - Rotating: a new key is created and put in the plan before any older key is deleted, so producers are never
 *   left without a working key; then every key older than the new one is deleted, which takes it out of the
 *   plan at once. A rotation that failed part-way leaves the old key working; repeating it completes the swap.
 *   When rotations race, the newest key wins and the others are deleted.
 * - Reading returns the oldest key: the one the plan has held longest (during a rotation, the old one until it
 *   is deleted).
 */
export class ProducerKeyService {
  private readonly apiKeys: ApiKeys;
  private readonly environment: string;
  private readonly brokerStage: ApiStageRef | undefined;

  constructor(options: ProducerKeyServiceOptions) {
    this.apiKeys = options.apiKeys;
    this.environment = options.environment;
    this.brokerStage = options.brokerStage;
  }

  /**
   * Makes sure the event type has a usage plan (throttled to `rateLimitPerSecond`, see `producerThrottle`) and a
   * key in it (creation of an HTTP event type).
   */
  async issue(eventType: string, rateLimitPerSecond?: number): Promise<void> {
    await step('Issuing the producer key', async () => {
      const planId = await this.ensureUsagePlan(eventType, rateLimitPerSecond);
      const keys = await this.apiKeys.keysNamed(this.keyName(eventType));
      const key = keys[0] ?? (await this.createKey(eventType));
      await this.apiKeys.attach(planId, key.id);
    });
  }

  /** The current key with its value (issued first if the event type has none yet). */
  async read(eventType: string, rateLimitPerSecond?: number): Promise<ProducerKeyView> {
    return step('Reading the producer key', async () => {
      for (let attempt = 0; attempt < 3; attempt += 1) {
        const keys = await this.apiKeys.keysNamed(this.keyName(eventType));
        if (keys.length === 0) {
          await this.issue(eventType, rateLimitPerSecond);
          continue;
        }
        const key = await this.apiKeys.keyWithValue((keys[0] as StoredApiKey).id);
        // Deleted by a rotation between the two calls: read again.
        if (key !== undefined) return this.view(eventType, key);
      }
      throw new Error(`The producer key of ${eventType} kept changing while it was read`);
    });
  }

  /** Replaces the key: the new one works before any old one stops, and every old one stops at once. */
  async rotate(eventType: string, rateLimitPerSecond?: number): Promise<ProducerKeyView> {
    return step('Rotating the producer key', async () => {
      const planId = await this.ensureUsagePlan(eventType, rateLimitPerSecond);
      const created = await this.createKey(eventType);
      await this.apiKeys.attach(planId, created.id);
      // Every key made before the new one, whether or not the listing shows the new one yet.
      const keys = await this.apiKeys.keysNamed(this.keyName(eventType));
      for (const older of keys.filter((key) => byCreation(key, created) < 0))
        await this.apiKeys.deleteKey(older.id);
      return this.view(eventType, created);
    });
  }

  /** Deletes every key and the usage plan of the event type (its deletion). */
  async remove(eventType: string): Promise<void> {
    await step('Deleting the producer key', async () => {
      for (const key of await this.apiKeys.keysNamed(this.keyName(eventType))) {
        await this.apiKeys.deleteKey(key.id);
      }
      const plan = await this.apiKeys.findUsagePlan(this.planName(eventType));
      if (plan !== undefined) await this.apiKeys.deleteUsagePlan(plan);
    });
  }

  private keyName(eventType: string): string {
    return producerApiKeyName(this.environment, eventType);
  }

  private planName(eventType: string): string {
    // One plan per event type: API Gateway lets a key be in only one usage plan per API stage.
    return producerUsagePlanName(this.environment, eventType);
  }

  private async ensureUsagePlan(eventType: string, rateLimitPerSecond: number | undefined): Promise<string> {
    const name = this.planName(eventType);
    const found = await this.apiKeys.findUsagePlan(name);
    if (found?.id !== undefined) return found.id;
    if (this.brokerStage === undefined) {
      throw new Error('The broker API id is not configured: producer keys cannot be issued');
    }
    const throttle = producerThrottle(rateLimitPerSecond);
    const created = await this.apiKeys.createUsagePlan(
      name,
      `HTTP producers of ${eventType}`,
      this.brokerStage,
      {
        rateLimit: throttle.rateLimit,
        burstLimit: throttle.burstLimit,
      },
    );
    return created.id ?? '';
  }

  private createKey(eventType: string): Promise<StoredApiKey> {
    return this.apiKeys.createKey(
      this.keyName(eventType),
      newProducerKeyValue(this.environment, eventType),
      `HTTP producers of ${eventType}`,
    );
  }

  private view(eventType: string, key: StoredApiKey): ProducerKeyView {
    return {
      event_type: eventType,
      header: PRODUCER_KEY_HEADER,
      api_key: key.value ?? '',
      created_at: key.createdDate.toISOString(),
    };
  }
}
