/** Validation of the bodies of `POST /events` and `PUT /events/{event_type}`. */

import { validateDataSchema } from './data-schema-validation';
import { AWS_PARTITIONS, EVENT_TYPE_PATTERN, PRINCIPAL_PATTERN } from './naming';
import {
  checkApplication,
  checkInteger,
  checkOneOf,
  checkString,
  Problems,
  requireFields,
  requireObject,
  unknownFields,
} from './request-fields';
import { dedupeProblems } from './schema-tools';
import type { EventTypeRequest, EventTypeUpdate, JsonSchema, Validated } from './types';
import { ProducerType } from './vocabulary';

export const DESCRIPTION_MAX_LENGTH = 1024;

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
  requireFields(input, EVENT_TYPE_FIELDS, problems);
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
