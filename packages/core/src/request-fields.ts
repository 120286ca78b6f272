/**
 * The field checks every request validator is made of: each records a problem with its JSON path in `Problems`
 * and answers whether the value may be used.
 */
import { APPLICATION_PATTERN } from './naming';
import { isPlainObject, joinPath } from './schema-tools';
import type { JsonObject, ValidationProblem } from './types';

/** The problems found so far, each with its JSON path. */
export class Problems {
  readonly list: ValidationProblem[] = [];
  add(path: string, message: string): void {
    this.list.push({ path, message });
  }
}

export function unknownFields(
  input: JsonObject,
  allowed: readonly string[],
  base: string,
  problems: Problems,
): void {
  for (const key of Object.keys(input)) {
    if (!allowed.includes(key)) problems.add(joinPath(base, [key]), 'unknown field');
  }
}

export function requireObject(input: unknown, problems: Problems): input is JsonObject {
  if (isPlainObject(input)) return true;
  problems.add('$', 'must be a JSON object');
  return false;
}

export function checkString(
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

export function checkOneOf<T extends string>(
  value: unknown,
  allowed: readonly T[],
  path: string,
  problems: Problems,
): value is T {
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return true;
  problems.add(path, `must be one of ${allowed.join(', ')}`);
  return false;
}

export function checkInteger(
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

export function checkApplication(value: unknown, path: string, problems: Problems): value is string {
  if (!checkString(value, path, problems, { pattern: APPLICATION_PATTERN })) return false;
  if (value.startsWith('aws.')) {
    problems.add(path, 'must not start with "aws." (reserved for AWS event sources)');
    return false;
  }
  return true;
}

/** Records `is required` for each of `fields` the request leaves out. */
export function requireFields(input: JsonObject, fields: readonly string[], problems: Problems): void {
  for (const field of fields) {
    if (input[field] === undefined) problems.add(`$.${field}`, 'is required');
  }
}
