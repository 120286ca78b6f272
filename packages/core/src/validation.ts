/**
 * Validation of the portal's request bodies (snake_case JSON). Every problem is returned with its JSON path;
 * a value is returned typed only when there is none.
 */
import { buildEnvelopeSchema, MAX_SCHEMA_LENGTH } from './envelope';
import { InputLimit, schemaLimitBreach, valueTooDeep } from './input-limits';
import { linearRegExpProblem } from './linear-regexp';
import {
  APPLICATION_PATTERN,
  AWS_PARTITIONS,
  EVENT_TYPE_PATTERN,
  PRINCIPAL_PATTERN,
  parseArn,
} from './naming';
import { AddressClass, classifyHost, outboundProblem, urlPort } from './outbound';
import {
  ajvFor,
  compileSchema,
  dedupeProblems,
  dialectOf,
  findKeyword,
  findRef,
  isPlainObject,
  joinPath,
  metaSchemaProblems,
  walkSchema,
} from './schema-tools';
import type {
  EventTypeRequest,
  EventTypeUpdate,
  JsonObject,
  JsonSchema,
  RetryPolicy,
  SubscriptionRequest,
  Validated,
  ValidationProblem,
} from './types';
import { ConsumerType, ProducerType } from './vocabulary';

/** EventBridge's own defaults: 24 hours, 185 attempts. */
export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maximum_event_age_seconds: 86400,
  maximum_retry_attempts: 185,
};

export const RetryPolicyLimit = {
  MIN_EVENT_AGE_SECONDS: 60,
  MAX_EVENT_AGE_SECONDS: 86400,
  MIN_RETRY_ATTEMPTS: 0,
  MAX_RETRY_ATTEMPTS: 185,
} as const;

/** HTTPS consumers' API destinations accept 1–300 invocations per second. */
export const HttpsConsumerLimit = {
  MIN_RATE_LIMIT_PER_SECOND: 1,
  MAX_RATE_LIMIT_PER_SECOND: 300,
} as const;

/** A Secrets Manager secret name: 1–512 of the characters Secrets Manager allows. */
export const SECRET_NAME_PATTERN = /^[A-Za-z0-9/_+=.@-]{1,512}$/;

export const DESCRIPTION_MAX_LENGTH = 1024;
export const TARGET_UNIT_MAX_LENGTH = 256;
/** EventBridge API destinations accept invocation endpoints up to 2048 characters. */
export const HTTPS_ENDPOINT_MAX_LENGTH = 2048;

const PARTITION = `(?:${AWS_PARTITIONS.join('|')})`;
const REGION = '[a-z]{2,4}(?:-[a-z]+)+-\\d{1,2}';
/** A Lambda function ARN, optionally qualified by version or alias, in any partition. */
export const LAMBDA_FUNCTION_ARN_PATTERN = new RegExp(
  `^arn:${PARTITION}:lambda:${REGION}:\\d{12}:function:[A-Za-z0-9_-]{1,64}(?::(?:\\$LATEST|[A-Za-z0-9_-]{1,128}))?$`,
);
/** An SQS queue ARN (name ≤ 80 characters including an optional `.fifo`), in any partition. */
export const SQS_QUEUE_ARN_PATTERN = new RegExp(
  `^arn:${PARTITION}:sqs:${REGION}:\\d{12}:(?:[A-Za-z0-9_-]{1,75}\\.fifo|[A-Za-z0-9_-]{1,80})$`,
);

class Problems {
  readonly list: ValidationProblem[] = [];
  add(path: string, message: string): void {
    this.list.push({ path, message });
  }
}

function unknownFields(
  input: JsonObject,
  allowed: readonly string[],
  base: string,
  problems: Problems,
): void {
  for (const key of Object.keys(input)) {
    if (!allowed.includes(key)) problems.add(joinPath(base, [key]), 'unknown field');
  }
}

function requireObject(input: unknown, problems: Problems): input is JsonObject {
  if (isPlainObject(input)) return true;
  problems.add('$', 'must be a JSON object');
  return false;
}

function checkString(
  value: unknown,
  path: string,
  problems: Problems,
  rule: { pattern?: RegExp; min?: number; max?: number },
): value is string {
  if (typeof value !== 'string') {
    problems.add(path, 'must be a string');
    return false;
  }
  if (rule.pattern !== undefined && !rule.pattern.test(value)) {
    problems.add(path, `must match ${rule.pattern.source}`);
    return false;
  }
  if (
    rule.min !== undefined &&
    rule.max !== undefined &&
    (value.length < rule.min || value.length > rule.max)
  ) {
    problems.add(path, `must be ${rule.min}–${rule.max} characters long`);
    return false;
  }
  return true;
}

function checkOneOf<T extends string>(
  value: unknown,
  allowed: readonly T[],
  path: string,
  problems: Problems,
): value is T {
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return true;
  problems.add(path, `must be one of ${allowed.join(', ')}`);
  return false;
}

function checkInteger(
  value: unknown,
  min: number,
  max: number | undefined,
  path: string,
  problems: Problems,
): value is number {
  const ok =
    typeof value === 'number' &&
    Number.isSafeInteger(value) &&
    value >= min &&
    (max === undefined || value <= max);
  if (!ok)
    problems.add(
      path,
      max === undefined
        ? `must be an integer of at least ${min}`
        : `must be an integer from ${min} to ${max}`,
    );
  return ok;
}

function checkApplication(value: unknown, path: string, problems: Problems): value is string {
  if (!checkString(value, path, problems, { pattern: APPLICATION_PATTERN })) return false;
  if (value.startsWith('aws.')) {
    problems.add(path, 'must not start with "aws." (reserved for AWS event sources)');
    return false;
  }
  return true;
}

function placeCompileError(message: string, data: JsonObject, base: string): ValidationProblem {
  const unknownKeyword = /unknown keyword: "([^"]+)"/.exec(message);
  if (unknownKeyword?.[1] !== undefined) {
    const at = findKeyword(data, unknownKeyword[1]);
    return {
      path: joinPath(base, at ?? []),
      message: `unknown keyword "${unknownKeyword[1]}" (strict mode)`,
    };
  }
  const missingRef = /can't resolve reference (\S+)/.exec(message);
  if (missingRef?.[1] !== undefined) {
    const at = findRef(data, missingRef[1]);
    return { path: joinPath(base, at ?? []), message: `cannot resolve reference ${missingRef[1]}` };
  }
  const formatMatch = /unknown format "([^"]+)"/.exec(message);
  if (formatMatch?.[1] !== undefined) {
    return {
      path: joinPath(base, findKeyword(data, 'format') ?? []),
      message: `unknown format "${formatMatch[1]}"`,
    };
  }
  return { path: base, message: message.replace(/^strict mode: /, '') };
}

/**
 * Checks an event type's data schema: a JSON Schema object in an accepted dialect (draft-07 when `$schema`
 * is absent; draft-04, draft-06, 2019-09 and 2020-12 when declared), valid against its meta-schema,
 * compiling with ajv strict mode and ajv-formats, and whose envelope serializes to at most
 * `MAX_SCHEMA_LENGTH` characters. Problems carry schema paths under `base`.
 */
export function validateDataSchema(data: unknown, base = '$.data'): ValidationProblem[] {
  if (!isPlainObject(data)) return [{ path: base, message: 'must be a JSON Schema object' }];
  // Limits first, cheapest first: nothing below may recurse into, validate or compile an oversized schema.
  if (valueTooDeep(data, InputLimit.MAX_JSON_DEPTH)) {
    return [{ path: base, message: `nests deeper than ${InputLimit.MAX_JSON_DEPTH} levels` }];
  }
  const dialect = dialectOf(data);
  if (!dialect.ok) return [{ path: joinPath(base, ['$schema']), message: dialect.message }];
  const envelope = buildEnvelopeSchema(data);
  const length = JSON.stringify(envelope).length;
  if (length > MAX_SCHEMA_LENGTH) {
    return [
      {
        path: base,
        message: `makes an event schema of ${length} characters; the limit is ${MAX_SCHEMA_LENGTH}`,
      },
    ];
  }
  const breach = schemaLimitBreach(data);
  if (breach !== undefined) return [{ path: joinPath(base, breach.segments), message: breach.message }];
  const patterns = patternProblems(data, base);
  if (patterns.length > 0) return patterns;
  const ajv = ajvFor(dialect.dialect, data);
  const meta = metaSchemaProblems(ajv, data, base);
  if (meta.length > 0) {
    // The meta-schema often reports one mistake several ways (enum, type, anyOf): keep the first per path.
    const firstPerPath = new Map<string, ValidationProblem>();
    for (const problem of meta) if (!firstPerPath.has(problem.path)) firstPerPath.set(problem.path, problem);
    return [...firstPerPath.values()];
  }
  const compiled = compileSchema(ajv, data);
  if (!compiled.ok) return [placeCompileError(compiled.message, data, base)];
  const envelopeCompiled = compileSchema(ajvFor(dialect.dialect, envelope), envelope);
  if (!envelopeCompiled.ok) return [placeCompileError(envelopeCompiled.message, data, base)];
  return [];
}

/** Every `pattern` and `patternProperties` name the linear-time engine cannot run. */
function patternProblems(data: JsonObject, base: string): ValidationProblem[] {
  const problems: ValidationProblem[] = [];
  walkSchema(data, (node, path) => {
    if (!isPlainObject(node)) return;
    if (typeof node.pattern === 'string') {
      const problem = linearRegExpProblem(node.pattern);
      if (problem !== undefined)
        problems.push({ path: joinPath(base, [...path, 'pattern']), message: problem });
    }
    if (isPlainObject(node.patternProperties)) {
      for (const name of Object.keys(node.patternProperties)) {
        const problem = linearRegExpProblem(name);
        if (problem !== undefined) {
          problems.push({ path: joinPath(base, [...path, 'patternProperties', name]), message: problem });
        }
      }
    }
  });
  return problems;
}

const EVENT_TYPE_FIELDS = ['application', 'event_type', 'description', 'connection_type', 'data'] as const;

/** Most requests per second an event type's producers may be allowed (API Gateway's default account limit). */
export const MAX_PRODUCER_RATE_LIMIT_PER_SECOND = 10_000;

/** Most principals an SQS producer may name (each one a statement principal of the ingress queue's policy). */
export const MAX_ALLOWED_PRINCIPALS = 50;

/**
 * Checks `allowed_principals` of an SQS event type: 1 to `MAX_ALLOWED_PRINCIPALS` distinct account ids or IAM
 * root, role or user ARNs in a known partition; each problem names the item.
 */
function checkAllowedPrincipals(value: unknown, path: string, problems: Problems): value is string[] {
  if (!Array.isArray(value) || value.length === 0 || value.length > MAX_ALLOWED_PRINCIPALS) {
    problems.add(path, `must be a list of 1 to ${MAX_ALLOWED_PRINCIPALS} IAM principals`);
    return false;
  }
  const before = problems.list.length;
  const seen = new Set<string>();
  value.forEach((principal: unknown, index) => {
    const at = `${path}[${index}]`;
    if (typeof principal !== 'string') {
      problems.add(at, 'must be a string');
    } else if (!PRINCIPAL_PATTERN.test(principal)) {
      problems.add(
        at,
        `must be a 12-digit account id or an IAM ARN arn:{partition}:iam::{account}:root, …:role/{name} or …:user/{name}, with a partition of ${AWS_PARTITIONS.join(', ')}`,
      );
    } else if (seen.has(principal)) {
      problems.add(at, 'is named twice');
    }
    if (typeof principal === 'string') seen.add(principal);
  });
  return problems.list.length === before;
}

/** Validates the body of `POST /events`. */
export function validateEventTypeRequest(input: unknown): Validated<EventTypeRequest> {
  const problems = new Problems();
  if (!requireObject(input, problems)) return { ok: false, errors: problems.list };
  unknownFields(input, [...EVENT_TYPE_FIELDS, 'allowed_principals', 'rate_limit_per_second'], '$', problems);
  for (const field of EVENT_TYPE_FIELDS) {
    if (input[field] === undefined) problems.add(`$.${field}`, 'is required');
  }
  const {
    application,
    event_type,
    description,
    connection_type,
    data,
    allowed_principals,
    rate_limit_per_second,
  } = input;
  if (application !== undefined) checkApplication(application, '$.application', problems);
  if (event_type !== undefined)
    checkString(event_type, '$.event_type', problems, { pattern: EVENT_TYPE_PATTERN });
  if (description !== undefined) {
    checkString(description, '$.description', problems, { min: 1, max: DESCRIPTION_MAX_LENGTH });
  }
  if (connection_type !== undefined) {
    checkOneOf(connection_type, Object.values(ProducerType), '$.connection_type', problems);
  }
  if (allowed_principals !== undefined) {
    if (connection_type !== ProducerType.SQS) {
      problems.add('$.allowed_principals', `is only for ${ProducerType.SQS} event types`);
    } else {
      checkAllowedPrincipals(allowed_principals, '$.allowed_principals', problems);
    }
  }
  if (rate_limit_per_second !== undefined) {
    if (connection_type !== ProducerType.HTTPS) {
      problems.add('$.rate_limit_per_second', `is only for ${ProducerType.HTTPS} event types`);
    } else {
      checkInteger(
        rate_limit_per_second,
        1,
        MAX_PRODUCER_RATE_LIMIT_PER_SECOND,
        '$.rate_limit_per_second',
        problems,
      );
    }
  }
  if (data !== undefined) problems.list.push(...validateDataSchema(data));
  if (problems.list.length > 0) return { ok: false, errors: dedupeProblems(problems.list) };
  return {
    ok: true,
    value: {
      application: application as string,
      event_type: event_type as string,
      description: description as string,
      connection_type: connection_type as ProducerType,
      data: data as JsonSchema,
      ...(allowed_principals === undefined ? {} : { allowed_principals: allowed_principals as string[] }),
      ...(rate_limit_per_second === undefined
        ? {}
        : { rate_limit_per_second: rate_limit_per_second as number }),
    },
  };
}

/** Validates the body of `PUT /events/{event_type}`: a new description, a new data schema (a new version), or both. */
export function validateEventTypeUpdate(input: unknown): Validated<EventTypeUpdate> {
  const problems = new Problems();
  if (!requireObject(input, problems)) return { ok: false, errors: problems.list };
  unknownFields(input, ['description', 'data'], '$', problems);
  const { description, data } = input;
  if (description === undefined && data === undefined)
    problems.add('$', 'must have at least one of description, data');
  if (description !== undefined) {
    checkString(description, '$.description', problems, { min: 1, max: DESCRIPTION_MAX_LENGTH });
  }
  if (data !== undefined) problems.list.push(...validateDataSchema(data));
  if (problems.list.length > 0) return { ok: false, errors: dedupeProblems(problems.list) };
  const value: { description?: string; data?: JsonSchema } = {};
  if (description !== undefined) value.description = description as string;
  if (data !== undefined) value.data = data as JsonSchema;
  return { ok: true, value };
}

/** How strict a connection string check is. */
export interface ConnectionStringOptions {
  /**
   * Accept loopback hosts (localhost, 127.0.0.0/8, ::1) for HTTPS consumers, over `https://` or plain `http://`.
   * Only the embedded local runtime turns this on (`--allow-loopback-targets`); a deployed broker delivers to
   * public https:// endpoints only.
   * @default false
   */
  readonly allowLoopbackTargets?: boolean;
  /** Ports of a loopback host that are never a target (the local runtime's own servers). @default none */
  readonly reservedLoopbackPorts?: readonly number[];
  /**
   * The region the consumer's rule is deployed in. When given, a Lambda function or SQS queue ARN must name
   * it: an EventBridge rule invokes Lambda and SQS targets in its own region only.
   * @default any region
   */
  readonly region?: string;
}

/** True for the host names of this machine's loopback interface. */
export function isLoopbackHost(hostname: string): boolean {
  return classifyHost(hostname) === AddressClass.LOOPBACK;
}

/** Checks a consumer's connection string for its connection type; returns the problem message or undefined. */
export function connectionStringProblem(
  type: ConsumerType,
  value: string,
  options: ConnectionStringOptions = {},
): string | undefined {
  switch (type) {
    case ConsumerType.LAMBDA:
      return LAMBDA_FUNCTION_ARN_PATTERN.test(value)
        ? crossRegionProblem('a Lambda function', value, options.region)
        : 'must be a Lambda function ARN (arn:<partition>:lambda:<region>:<account>:function:<name>[:<qualifier>])';
    case ConsumerType.SQS:
      if (!SQS_QUEUE_ARN_PATTERN.test(value)) {
        return 'must be an SQS queue ARN (arn:<partition>:sqs:<region>:<account>:<queue name>)';
      }
      if (value.endsWith('.fifo')) {
        return (
          'names a FIFO queue: EventBridge delivers to a FIFO queue only with a message group id set on the ' +
          "rule's target (SqsParameters.MessageGroupId), which Bridgeport does not set; subscribe a standard queue"
        );
      }
      return crossRegionProblem('an SQS queue', value, options.region);
    case ConsumerType.HTTPS: {
      if (value.length > HTTPS_ENDPOINT_MAX_LENGTH)
        return `must be at most ${HTTPS_ENDPOINT_MAX_LENGTH} characters long`;
      let url: URL;
      try {
        url = new URL(value);
      } catch {
        return 'must be an absolute https:// URL';
      }
      const allowLoopback = options.allowLoopbackTargets === true;
      const loopbackHttp = allowLoopback && url.protocol === 'http:' && isLoopbackHost(url.hostname);
      if (
        !loopbackHttp &&
        (url.protocol !== 'https:' || url.hostname === '' || !/^https:\/\//i.test(value))
      ) {
        return allowLoopback
          ? 'must be an absolute https:// URL (or http:// on a loopback host)'
          : 'must be an absolute https:// URL';
      }
      if (url.username !== '' || url.password !== '') {
        return 'must not contain credentials (they are kept in Secrets Manager)';
      }
      return outboundProblem(url.hostname, urlPort(url), {
        allowLoopback,
        reservedLoopbackPorts: options.reservedLoopbackPorts ?? [],
      });
    }
  }
}

/** Why an ARN in another region than `region` cannot be a rule's target; undefined when it can. */
function crossRegionProblem(what: string, arn: string, region: string | undefined): string | undefined {
  const named = parseArn(arn)?.region;
  if (region === undefined || named === undefined || named === region) return undefined;
  return (
    `names region ${named}, but this deployment's event bus is in ${region}: an EventBridge rule can only ` +
    `invoke ${what} in its own region (another region would need an event bus there to forward to); ` +
    `use ${what} in ${region}`
  );
}

const RETRY_FIELDS = ['maximum_event_age_seconds', 'maximum_retry_attempts'] as const;

function validateRetryPolicy(value: unknown, problems: Problems): RetryPolicy | undefined {
  const base = '$.retry_policy';
  if (!isPlainObject(value)) {
    problems.add(base, 'must be an object');
    return undefined;
  }
  unknownFields(value, RETRY_FIELDS, base, problems);
  const age = value.maximum_event_age_seconds ?? DEFAULT_RETRY_POLICY.maximum_event_age_seconds;
  const attempts = value.maximum_retry_attempts ?? DEFAULT_RETRY_POLICY.maximum_retry_attempts;
  const ageOk = checkInteger(
    age,
    RetryPolicyLimit.MIN_EVENT_AGE_SECONDS,
    RetryPolicyLimit.MAX_EVENT_AGE_SECONDS,
    `${base}.maximum_event_age_seconds`,
    problems,
  );
  const attemptsOk = checkInteger(
    attempts,
    RetryPolicyLimit.MIN_RETRY_ATTEMPTS,
    RetryPolicyLimit.MAX_RETRY_ATTEMPTS,
    `${base}.maximum_retry_attempts`,
    problems,
  );
  if (!ageOk || !attemptsOk) return undefined;
  return { maximum_event_age_seconds: age as number, maximum_retry_attempts: attempts as number };
}

const SUBSCRIPTION_FIELDS = [
  'event_type',
  'version',
  'target_unit',
  'connection_type',
  'connection_string',
  'filter',
  'retry_policy',
  'secret_name',
  'rate_limit_per_second',
] as const;
const REQUIRED_SUBSCRIPTION_FIELDS = [
  'event_type',
  'version',
  'connection_type',
  'connection_string',
] as const;

/**
 * Validates the body of `POST /subscriptions`. A partial `retry_policy` is completed with
 * `DEFAULT_RETRY_POLICY`; the filter's EventBridge syntax is checked elsewhere (event-patterns).
 * `secret_name` (a Secrets Manager secret name) and `rate_limit_per_second` (1–300) are for HTTPS consumers
 * only.
 */
export function validateSubscriptionRequest(
  input: unknown,
  options: ConnectionStringOptions = {},
): Validated<SubscriptionRequest> {
  const problems = new Problems();
  if (!requireObject(input, problems)) return { ok: false, errors: problems.list };
  unknownFields(input, SUBSCRIPTION_FIELDS, '$', problems);
  for (const field of REQUIRED_SUBSCRIPTION_FIELDS) {
    if (input[field] === undefined) problems.add(`$.${field}`, 'is required');
  }
  const {
    event_type,
    version,
    target_unit,
    connection_type,
    connection_string,
    filter,
    retry_policy,
    secret_name,
    rate_limit_per_second,
  } = input;
  if (event_type !== undefined)
    checkString(event_type, '$.event_type', problems, { pattern: EVENT_TYPE_PATTERN });
  if (version !== undefined) checkInteger(version, 1, undefined, '$.version', problems);
  if (target_unit !== undefined) {
    checkString(target_unit, '$.target_unit', problems, { min: 1, max: TARGET_UNIT_MAX_LENGTH });
  }
  const typeOk =
    connection_type !== undefined &&
    checkOneOf(connection_type, Object.values(ConsumerType), '$.connection_type', problems);
  if (
    connection_string !== undefined &&
    checkString(connection_string, '$.connection_string', problems, {}) &&
    typeOk
  ) {
    const problem = connectionStringProblem(connection_type as ConsumerType, connection_string, options);
    if (problem !== undefined) problems.add('$.connection_string', problem);
  }
  if (filter !== undefined && (!isPlainObject(filter) || Object.keys(filter).length === 0)) {
    problems.add('$.filter', 'must be a non-empty JSON object');
  } else if (filter !== undefined) {
    const length = valueTooDeep(filter) ? Number.POSITIVE_INFINITY : JSON.stringify(filter).length;
    if (length > InputLimit.MAX_FILTER_LENGTH) {
      problems.add(
        '$.filter',
        `must be at most ${InputLimit.MAX_FILTER_LENGTH} characters long as JSON${Number.isFinite(length) ? `, not ${length}` : ''}`,
      );
    }
  }
  const retryPolicy = retry_policy === undefined ? undefined : validateRetryPolicy(retry_policy, problems);
  const https = connection_type === ConsumerType.HTTPS;
  if (secret_name !== undefined) {
    if (typeOk && !https) problems.add('$.secret_name', 'applies only to HTTPS consumers');
    else if (typeof secret_name !== 'string' || !SECRET_NAME_PATTERN.test(secret_name)) {
      problems.add(
        '$.secret_name',
        'must be the name of a Secrets Manager secret: 1–512 characters of A–Z, a–z, 0–9 and /_+=.@-',
      );
    }
  }
  if (rate_limit_per_second !== undefined) {
    if (typeOk && !https) problems.add('$.rate_limit_per_second', 'applies only to HTTPS consumers');
    else {
      checkInteger(
        rate_limit_per_second,
        HttpsConsumerLimit.MIN_RATE_LIMIT_PER_SECOND,
        HttpsConsumerLimit.MAX_RATE_LIMIT_PER_SECOND,
        '$.rate_limit_per_second',
        problems,
      );
    }
  }
  if (problems.list.length > 0) return { ok: false, errors: dedupeProblems(problems.list) };
  const value: {
    -readonly [K in keyof SubscriptionRequest]: SubscriptionRequest[K];
  } = {
    event_type: event_type as string,
    version: version as number,
    connection_type: connection_type as ConsumerType,
    connection_string: connection_string as string,
  };
  if (target_unit !== undefined) value.target_unit = target_unit as string;
  if (filter !== undefined) value.filter = filter as JsonObject;
  if (retryPolicy !== undefined) value.retry_policy = retryPolicy;
  if (secret_name !== undefined) value.secret_name = secret_name as string;
  if (rate_limit_per_second !== undefined) value.rate_limit_per_second = rate_limit_per_second as number;
  return { ok: true, value };
}
