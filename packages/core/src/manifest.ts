/**
 * Deployment manifests: the `deploy.json` objects in the component buckets. A manifest carries everything a
 * generator (or the local deployer) needs, so neither ever looks anything up. Each kind has its own JSON Schema.
 */
import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { type ConnectionStringOptions, connectionStringProblem } from './connection-strings';
import { InvalidManifestError } from './errors';
import {
  ACCOUNT_ID_PATTERN,
  APPLICATION_PATTERN,
  ENVIRONMENT_PATTERN,
  EVENT_TYPE_PATTERN,
  PRINCIPAL_PATTERN,
  REGION_PATTERN,
  SUBSCRIPTION_ID_PATTERN,
} from './naming';
import {
  ajvFor,
  compileSchema,
  dedupeProblems,
  dialectOf,
  isPlainObject,
  joinPath,
  problemFromAjvError,
} from './schema-tools';
import {
  HttpsConsumerLimit,
  RetryPolicyLimit,
  SECRET_NAME_PATTERN,
  TARGET_UNIT_MAX_LENGTH,
} from './subscription-validation';
import type { JsonObject, JsonSchema, JsonValue, RetryPolicy, Validated, ValidationProblem } from './types';
import { ConsumerType, ProducerType } from './vocabulary';

/** The manifest format this version of Bridgeport writes and reads. */
export const MANIFEST_FORMAT = 1;

/** Default rate limit of an HTTPS consumer's API destination (invocations per second). */
export const DEFAULT_RATE_LIMIT_PER_SECOND = 10;
/** EventBridge API destinations accept 1–300 invocations per second. */
export const MAX_RATE_LIMIT_PER_SECOND = HttpsConsumerLimit.MAX_RATE_LIMIT_PER_SECOND;

/** What a producer stack needs: `{event_type}/{version}/deploy.json` in the publisher components bucket. */
export interface ProducerManifest {
  readonly format: 1;
  readonly kind: 'producer';
  readonly environment: string;
  readonly account: string;
  readonly region: string;
  /** Owner of the event type; the EventBridge `Source`. */
  readonly application: string;
  readonly event_type: string;
  readonly version: number;
  readonly connection_type: ProducerType;
  /** The envelope JSON Schema events are validated against. */
  readonly schema: JsonSchema;
  /** Principals (account ids or IAM ARNs) allowed to send to an SQS producer's ingress queue. @default [account] */
  readonly allowed_principals?: string[];
}

export interface ConsumerEndpoint {
  readonly type: ConsumerType;
  /** Lambda function ARN, SQS queue ARN or https URL, by `type`. */
  readonly connection_string: string;
  /** HTTPS only: Secrets Manager secret with the endpoint's credentials (never inline). */
  readonly secret_name?: string;
  /** HTTPS only: API destination rate limit, 1–300. @default 10 */
  readonly rate_limit_per_second?: number;
}

/** What a consumer stack needs: `{event_type}/{version}/{subscription_id}/deploy.json` in the subscriber bucket. */
export interface ConsumerManifest {
  readonly format: 1;
  readonly kind: 'consumer';
  readonly environment: string;
  readonly account: string;
  readonly region: string;
  readonly subscription_id: string;
  /** Owner of the event type; the `source` the rule matches. */
  readonly application: string;
  readonly event_type: string;
  readonly version: number;
  readonly target_unit?: string;
  /** EventBridge pattern over the event's `data`. */
  readonly filter?: JsonObject;
  readonly consumer: ConsumerEndpoint;
  /** Always filled; defaults applied. */
  readonly retry_policy: RetryPolicy;
}

export type Manifest = ProducerManifest | ConsumerManifest;

const common = {
  format: { const: MANIFEST_FORMAT },
  environment: { type: 'string', pattern: ENVIRONMENT_PATTERN.source },
  account: { type: 'string', pattern: ACCOUNT_ID_PATTERN.source },
  region: { type: 'string', pattern: REGION_PATTERN.source },
  application: { type: 'string', pattern: APPLICATION_PATTERN.source, not: { pattern: '^aws\\.' } },
  event_type: { type: 'string', pattern: EVENT_TYPE_PATTERN.source },
  version: { type: 'integer', minimum: 1 },
} satisfies JsonObject;

/** JSON Schema (draft-07) of a producer manifest. */
export const producerManifestSchema: JsonSchema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'urn:bridgeport:manifest:producer:1',
  title: 'Bridgeport producer manifest',
  type: 'object',
  additionalProperties: false,
  required: [
    'format',
    'kind',
    'environment',
    'account',
    'region',
    'application',
    'event_type',
    'version',
    'connection_type',
    'schema',
  ],
  properties: {
    ...common,
    kind: { const: 'producer' },
    connection_type: { enum: Object.values(ProducerType) },
    schema: { type: 'object' },
    allowed_principals: {
      type: 'array',
      minItems: 1,
      uniqueItems: true,
      items: { type: 'string', pattern: PRINCIPAL_PATTERN.source },
    },
  },
};

/** JSON Schema (draft-07) of a consumer manifest. */
export const consumerManifestSchema: JsonSchema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'urn:bridgeport:manifest:consumer:1',
  title: 'Bridgeport consumer manifest',
  type: 'object',
  additionalProperties: false,
  required: [
    'format',
    'kind',
    'environment',
    'account',
    'region',
    'subscription_id',
    'application',
    'event_type',
    'version',
    'consumer',
    'retry_policy',
  ],
  properties: {
    ...common,
    kind: { const: 'consumer' },
    subscription_id: { type: 'string', pattern: SUBSCRIPTION_ID_PATTERN.source },
    target_unit: { type: 'string', minLength: 1, maxLength: TARGET_UNIT_MAX_LENGTH },
    filter: { type: 'object', minProperties: 1 },
    consumer: {
      type: 'object',
      additionalProperties: false,
      required: ['type', 'connection_string'],
      properties: {
        type: { enum: Object.values(ConsumerType) },
        connection_string: { type: 'string', minLength: 1 },
        secret_name: { type: 'string', pattern: SECRET_NAME_PATTERN.source },
        rate_limit_per_second: { type: 'integer', minimum: 1, maximum: MAX_RATE_LIMIT_PER_SECOND },
      },
    },
    retry_policy: {
      type: 'object',
      additionalProperties: false,
      required: ['maximum_event_age_seconds', 'maximum_retry_attempts'],
      properties: {
        maximum_event_age_seconds: {
          type: 'integer',
          minimum: RetryPolicyLimit.MIN_EVENT_AGE_SECONDS,
          maximum: RetryPolicyLimit.MAX_EVENT_AGE_SECONDS,
        },
        maximum_retry_attempts: {
          type: 'integer',
          minimum: RetryPolicyLimit.MIN_RETRY_ATTEMPTS,
          maximum: RetryPolicyLimit.MAX_RETRY_ATTEMPTS,
        },
      },
    },
  },
};

let manifestValidators: { producer: ValidateFunction; consumer: ValidateFunction } | undefined;

function validators(): { producer: ValidateFunction; consumer: ValidateFunction } {
  if (manifestValidators === undefined) {
    const ajv = new Ajv({ allErrors: true, strict: true, logger: false });
    addFormats(ajv);
    manifestValidators = {
      producer: ajv.compile(producerManifestSchema),
      consumer: ajv.compile(consumerManifestSchema),
    };
  }
  return manifestValidators;
}

function readInput(
  input: unknown,
  source: string | undefined,
): { ok: true; value: unknown } | { ok: false; errors: ValidationProblem[] } {
  if (typeof input !== 'string') return { ok: true, value: input };
  try {
    return { ok: true, value: JSON.parse(input) as unknown };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    const where = source === undefined ? '' : ` (${source})`;
    return { ok: false, errors: [{ path: '$', message: `is not valid JSON${where}: ${reason}` }] };
  }
}

function formatProblem(value: unknown): ValidationProblem[] {
  if (isPlainObject(value) && value.format !== undefined && value.format !== MANIFEST_FORMAT) {
    return [
      {
        path: '$.format',
        message: `unsupported manifest format ${JSON.stringify(value.format)}; expected ${MANIFEST_FORMAT}`,
      },
    ];
  }
  return [];
}

function schemaProblems(validate: ValidateFunction, value: unknown): ValidationProblem[] {
  if (validate(value)) return [];
  return (validate.errors ?? [])
    .filter((error) => !(error.instancePath === '/format' && error.keyword === 'const'))
    .map((error) => {
      const problem = problemFromAjvError(error, value, '$');
      if (error.keyword === 'not' && error.instancePath === '/application') {
        return { path: problem.path, message: 'must not start with "aws."' };
      }
      if (error.keyword === 'const' && isPlainObject(error.params)) {
        return { path: problem.path, message: `must be ${JSON.stringify(error.params.allowedValue)}` };
      }
      return problem;
    });
}

/**
 * Parses a producer manifest (an object, or its JSON text). Returns the typed manifest, or every problem:
 * bad JSON at `$`, an unsupported `format`, schema violations, and an envelope schema that does not compile.
 * `source` (e.g. the object key) is only used in messages.
 */
export function parseProducerManifest(input: unknown, source?: string): Validated<ProducerManifest> {
  const read = readInput(input, source);
  if (!read.ok) return read;
  const value = read.value;
  const problems = [...formatProblem(value), ...schemaProblems(validators().producer, value)];
  if (problems.length === 0) {
    const schema = (value as { schema: JsonObject }).schema;
    const dialect = dialectOf(schema);
    if (!dialect.ok) problems.push({ path: '$.schema.$schema', message: dialect.message });
    else {
      const compiled = compileSchema(ajvFor(dialect.dialect, schema), schema);
      if (!compiled.ok) problems.push({ path: '$.schema', message: `does not compile: ${compiled.message}` });
    }
  }
  if (problems.length > 0) return { ok: false, errors: dedupeProblems(problems) };
  return { ok: true, value: value as ProducerManifest };
}

/**
 * Parses a consumer manifest (an object, or its JSON text). Besides its schema, the connection string must
 * suit the consumer type, and `secret_name` / `rate_limit_per_second` are only for HTTPS consumers.
 */
export function parseConsumerManifest(
  input: unknown,
  source?: string,
  options: ConnectionStringOptions = {},
): Validated<ConsumerManifest> {
  const read = readInput(input, source);
  if (!read.ok) return read;
  const value = read.value;
  const problems = [...formatProblem(value), ...schemaProblems(validators().consumer, value)];
  if (problems.length === 0) {
    const { consumer } = value as ConsumerManifest;
    // The rule lives in the manifest's region: its Lambda or SQS target must be there too.
    const connectionProblem = connectionStringProblem(consumer.type, consumer.connection_string, {
      ...options,
      region: (value as ConsumerManifest).region,
    });
    if (connectionProblem !== undefined) {
      problems.push({ path: '$.consumer.connection_string', message: connectionProblem });
    }
    if (consumer.type !== ConsumerType.HTTPS) {
      for (const field of ['secret_name', 'rate_limit_per_second'] as const) {
        if (consumer[field] !== undefined) {
          problems.push({
            path: joinPath('$.consumer', [field]),
            message: 'applies only to HTTPS consumers',
          });
        }
      }
    }
  }
  if (problems.length > 0) return { ok: false, errors: dedupeProblems(problems) };
  return { ok: true, value: value as ConsumerManifest };
}

/** Like `parseProducerManifest`, but throws `InvalidManifestError` naming `source`. */
export function readProducerManifest(input: unknown, source: string): ProducerManifest {
  const result = parseProducerManifest(input, source);
  if (!result.ok) throw new InvalidManifestError(source, result.errors);
  return result.value;
}

/** Like `parseConsumerManifest`, but throws `InvalidManifestError` naming `source`. */
export function readConsumerManifest(
  input: unknown,
  source: string,
  options: ConnectionStringOptions = {},
): ConsumerManifest {
  const result = parseConsumerManifest(input, source, options);
  if (!result.ok) throw new InvalidManifestError(source, result.errors);
  return result.value;
}

function sortKeys(value: JsonValue): JsonValue {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (!isPlainObject(value)) return value;
  const sorted: JsonObject = {};
  for (const key of Object.keys(value).sort()) {
    const child = value[key];
    if (child !== undefined) sorted[key] = sortKeys(child);
  }
  return sorted;
}

/** Stable pretty JSON (keys sorted at every level, two-space indent, final newline): same manifest, same bytes. */
export function serializeManifest(manifest: Manifest): string {
  return `${JSON.stringify(sortKeys(manifest as unknown as JsonObject), null, 2)}\n`;
}
