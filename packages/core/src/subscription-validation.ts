/** Validation of the body of `POST /subscriptions`: the consumer, its connection string, filter and retry policy. */

import { type ConnectionStringOptions, connectionStringProblem } from './connection-strings';
import { InputLimit, valueTooDeep } from './input-limits';
import { EVENT_TYPE_PATTERN } from './naming';
import {
  checkInteger,
  checkOneOf,
  checkString,
  Problems,
  requireFields,
  requireObject,
  unknownFields,
} from './request-fields';
import { dedupeProblems, isPlainObject } from './schema-tools';
import type { JsonObject, RetryPolicy, SubscriptionRequest, Validated } from './types';
import { ConsumerType } from './vocabulary';

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

export const TARGET_UNIT_MAX_LENGTH = 256;

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
  requireFields(input, REQUIRED_SUBSCRIPTION_FIELDS, problems);
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
