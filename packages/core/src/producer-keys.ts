/**
 * The values of HTTP producers' API keys. API Gateway admits a key on every key-requiring method of a stage
 * whose usage plans hold it, so a key alone does not say which event type it was issued for: its value starts
 * with a digest of the environment and the event type, and the injector refuses a key issued for another type.
 */
import { createHash, randomInt } from 'node:crypto';
import { ENVIRONMENT_PATTERN, EVENT_TYPE_PATTERN } from './naming';
import { PRODUCER_THROTTLE, type ProducerThrottle } from './plan';

/**
 * The usage plan throttle of an event type's producers: `rateLimitPerSecond` requests per second (the event
 * type's `rate_limit_per_second`), bursts of twice as many. @default PRODUCER_THROTTLE
 */
export function producerThrottle(rateLimitPerSecond?: number): ProducerThrottle {
  return rateLimitPerSecond === undefined
    ? PRODUCER_THROTTLE
    : { rateLimit: rateLimitPerSecond, burstLimit: 2 * rateLimitPerSecond };
}

/** The header producers send the key in (API Gateway's). */
export const PRODUCER_KEY_HEADER = 'x-api-key';

const PREFIX = 'bp';
const BINDING_LENGTH = 16;
const SECRET_LENGTH = 40;
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** Bindings already computed: the injector checks one on every request, for one of a few event types. */
const bindings = new Map<string, string>();
const MAX_CACHED_BINDINGS = 10_000;

function binding(env: string, eventType: string): string {
  const name = `${env}/${eventType}`;
  const cached = bindings.get(name);
  if (cached !== undefined) return cached;
  if (!ENVIRONMENT_PATTERN.test(env) || !EVENT_TYPE_PATTERN.test(eventType)) {
    throw new RangeError(`Not an environment and event type: ${env}, ${eventType}`);
  }
  const value = createHash('sha256').update(name).digest('hex').slice(0, BINDING_LENGTH);
  if (bindings.size >= MAX_CACHED_BINDINGS) bindings.clear();
  bindings.set(name, value);
  return value;
}

/**
 * A new key value for the producers of `eventType`: 58 letters and digits (API Gateway takes 20 to 128), the
 * type's binding then 40 characters from a cryptographic random source (about 238 bits).
 */
export function newProducerKeyValue(env: string, eventType: string): string {
  let secret = '';
  for (let i = 0; i < SECRET_LENGTH; i++) secret += ALPHABET[randomInt(ALPHABET.length)];
  return `${PREFIX}${binding(env, eventType)}${secret}`;
}

/** Whether `value` is a key issued for the producers of `eventType` (its binding, not its validity). */
export function isProducerKeyOf(value: string | null | undefined, env: string, eventType: string): boolean {
  return (
    typeof value === 'string' &&
    value.length === PREFIX.length + BINDING_LENGTH + SECRET_LENGTH &&
    value.startsWith(`${PREFIX}${binding(env, eventType)}`)
  );
}
