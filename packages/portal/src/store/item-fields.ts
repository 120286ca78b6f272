/**
 * Reading the fields of an item of the events table with their types checked: a field that is missing or of
 * the wrong type raises `MalformedItemError` naming the item's key and the field, instead of flowing on as a
 * value of the wrong type.
 */
import { isSchemaComparison, type JsonObject, type SchemaComparison } from '@bridgeport/core';
import { MalformedItemError } from './store-errors';

/** An item as the DynamoDB document client returns it. */
export type Item = Readonly<Record<string, unknown>>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Set);
}

/** The fields of one item, each read with the type the portal relies on. */
export class ItemFields {
  constructor(private readonly item: Item) {}

  private malformed(field: string, problem: string, cause?: unknown): MalformedItemError {
    return new MalformedItemError(this.item, field, problem, cause === undefined ? {} : { cause });
  }

  /** Whether the item has the field (with any value). */
  has(field: string): boolean {
    return this.item[field] !== undefined;
  }

  string(field: string): string {
    const value = this.item[field];
    if (typeof value !== 'string') throw this.malformed(field, describe(value, 'a string'));
    return value;
  }

  optionalString(field: string): string | undefined {
    return this.has(field) ? this.string(field) : undefined;
  }

  number(field: string): number {
    const value = this.item[field];
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      throw this.malformed(field, describe(value, 'a number'));
    }
    return value;
  }

  optionalNumber(field: string): number | undefined {
    return this.has(field) ? this.number(field) : undefined;
  }

  /** A string out of a vocabulary (`as const` object of its values). */
  oneOf<T extends string>(field: string, vocabulary: Readonly<Record<string, T>>): T {
    const value = this.string(field);
    const found = Object.values(vocabulary).find((allowed) => allowed === value);
    if (found === undefined) {
      throw this.malformed(
        field,
        `is ${JSON.stringify(value)}, not one of ${Object.values(vocabulary).join(', ')}`,
      );
    }
    return found;
  }

  /** A list of strings (a DynamoDB list), when present. */
  optionalStringList(field: string): string[] | undefined {
    if (!this.has(field)) return undefined;
    const value = this.item[field];
    if (!Array.isArray(value) || !value.every((entry) => typeof entry === 'string')) {
      throw this.malformed(field, describe(value, 'a list of strings'));
    }
    return value;
  }

  /** A string set's members, sorted; an absent set (DynamoDB removes empty ones) is empty. */
  stringSet(field: string): string[] {
    if (!this.has(field)) return [];
    const value = this.item[field];
    if (!(value instanceof Set) || ![...value].every((entry) => typeof entry === 'string')) {
      throw this.malformed(field, describe(value, 'a string set'));
    }
    return [...value].map(String).sort();
  }

  /** A map. */
  object(field: string): JsonObject {
    const value = this.item[field];
    if (!isObject(value)) throw this.malformed(field, describe(value, 'a map'));
    return value;
  }

  /** A number held in a map (`retry_policy.maximum_retry_attempts`). */
  memberNumber(field: string, member: string): number {
    const value = this.object(field)[member];
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      throw this.malformed(`${field}.${member}`, describe(value, 'a number'));
    }
    return value;
  }

  optionalObject(field: string): JsonObject | undefined {
    return this.has(field) ? this.object(field) : undefined;
  }

  /** A compatibility report (`compareSchemas`' answer), if the item has one. */
  optionalSchemaComparison(field: string): SchemaComparison | undefined {
    const value = this.optionalObject(field);
    if (value !== undefined && !isSchemaComparison(value)) {
      throw this.malformed(
        field,
        'is not a compatibility report (backward_compatible and a list of changes)',
      );
    }
    return value;
  }

  /** A JSON object kept as text. */
  jsonObject(field: string): JsonObject {
    const text = this.string(field);
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      throw this.malformed(field, 'is not JSON text', error);
    }
    if (!isObject(parsed)) throw this.malformed(field, 'is JSON text of something else than an object');
    return parsed;
  }
}

function describe(value: unknown, expected: string): string {
  if (value === undefined) return `is missing (expected ${expected})`;
  const found =
    value === null
      ? 'null'
      : value instanceof Set
        ? 'a set'
        : Array.isArray(value)
          ? 'a list'
          : `a ${typeof value}`;
  return `is ${found}, not ${expected}`;
}
