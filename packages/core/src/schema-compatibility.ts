/** Comparing two versions of a data schema: what changed, and whether events of the old one still validate. */
import { isPlainObject, toJsonPath } from './schema-tools';
import type { JsonObject, JsonSchema, JsonValue } from './types';
/** Kinds of difference `compareSchemas` reports. */
export const SchemaChangeKind = {
  ADDED_OPTIONAL: 'added_optional',
  ADDED_REQUIRED: 'added_required',
  REMOVED: 'removed',
  RETYPED: 'retyped',
  MADE_REQUIRED: 'made_required',
  CONSTRAINT_CHANGED: 'constraint_changed',
} as const;
export type SchemaChangeKind = (typeof SchemaChangeKind)[keyof typeof SchemaChangeKind];

export interface SchemaChange {
  /** Path of the field in the payload, e.g. `$.parcel.weight` or `$.items[*].sku`. */
  readonly path: string;
  readonly change: SchemaChangeKind;
  /** Whether every payload valid under the previous schema stays valid under the next one. */
  readonly compatible: boolean;
  /** For `constraint_changed`: the keyword that changed. */
  readonly keyword?: string;
}

export interface SchemaComparison {
  readonly backward_compatible: boolean;
  readonly changes: SchemaChange[];
}

const CHANGE_KINDS: ReadonlySet<unknown> = new Set(Object.values(SchemaChangeKind));

/** Whether `value` has the shape of a `SchemaComparison` (as read back from storage). */
export function isSchemaComparison(value: unknown): value is SchemaComparison {
  if (!isPlainObject(value) || typeof value.backward_compatible !== 'boolean') return false;
  const { changes } = value;
  return (
    Array.isArray(changes) &&
    changes.every(
      (change: unknown) =>
        isPlainObject(change) &&
        typeof change.path === 'string' &&
        CHANGE_KINDS.has(change.change) &&
        typeof change.compatible === 'boolean' &&
        (change.keyword === undefined || typeof change.keyword === 'string'),
    )
  );
}

export interface CompareSchemasOptions {
  /** Path prefix of the reported changes. @default '$' */
  readonly root?: string;
}

const LOWER_BOUNDS = new Set(['minimum', 'minLength', 'minItems', 'minProperties', 'exclusiveMinimum']);
const UPPER_BOUNDS = new Set(['maximum', 'maxLength', 'maxItems', 'maxProperties', 'exclusiveMaximum']);
const CONSTRAINTS = [
  ...LOWER_BOUNDS,
  ...UPPER_BOUNDS,
  'pattern',
  'format',
  'enum',
  'const',
  'multipleOf',
  'uniqueItems',
  'additionalProperties',
  'allOf',
  'anyOf',
  'oneOf',
  'not',
];

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/** Whether changing `keyword` from `before` to `after` can only accept more payloads. */
function loosened(keyword: string, before: JsonValue | undefined, after: JsonValue | undefined): boolean {
  if (keyword === 'uniqueItems') return after !== true || before === true;
  if (keyword === 'additionalProperties') return after === undefined || after === true || before === false;
  if (after === undefined) return true;
  if (before === undefined) return false;
  if (typeof before === 'number' && typeof after === 'number') {
    if (LOWER_BOUNDS.has(keyword)) return after <= before;
    if (UPPER_BOUNDS.has(keyword)) return after >= before;
  }
  if (keyword === 'enum' && Array.isArray(before) && Array.isArray(after)) {
    return before.every((value) => after.some((candidate) => same(value, candidate)));
  }
  return false;
}

function resolveLocal(schema: JsonValue, root: JsonValue): JsonValue {
  let node = schema;
  for (let hops = 0; hops < 32 && isPlainObject(node) && typeof node.$ref === 'string'; hops++) {
    const ref = node.$ref;
    if (!ref.startsWith('#')) return node;
    let target: JsonValue | undefined = root;
    for (const raw of ref.slice(1).split('/').slice(1)) {
      const key = decodePointerToken(raw).replace(/~1/g, '/').replace(/~0/g, '~');
      target = isPlainObject(target) ? target[key] : Array.isArray(target) ? target[Number(key)] : undefined;
    }
    if (target === undefined) return node;
    node = target;
  }
  return node;
}

function typesOf(schema: JsonObject): string | undefined {
  const type = schema.type;
  if (type === undefined) return undefined;
  return JSON.stringify(Array.isArray(type) ? [...type].map(String).sort() : [type]);
}

function requiredOf(schema: JsonObject): Set<string> {
  return new Set(Array.isArray(schema.required) ? schema.required.filter((r) => typeof r === 'string') : []);
}

function propertyPath(path: string, name: string): string {
  return toJsonPath([name], path);
}

/**
 * Compares two versions of a data schema field by field. Added optional fields and loosened constraints are
 * compatible; removed, retyped, newly required fields and tightened or unknown constraint changes are not.
 */
export function compareSchemas(
  previousData: JsonSchema,
  nextData: JsonSchema,
  options: CompareSchemasOptions = {},
): SchemaComparison {
  const changes: SchemaChange[] = [];
  const seen = new Set<string>();

  const compare = (beforeRaw: JsonValue, afterRaw: JsonValue, path: string, depth: number): void => {
    const before = resolveLocal(beforeRaw, previousData);
    const after = resolveLocal(afterRaw, nextData);
    const visitKey = `${path}\u0000${JSON.stringify(before)}\u0000${JSON.stringify(after)}`;
    if (depth > 32 || seen.has(visitKey) || same(before, after)) return;
    seen.add(visitKey);
    if (!isPlainObject(before) || !isPlainObject(after)) {
      changes.push({
        path,
        change: SchemaChangeKind.CONSTRAINT_CHANGED,
        compatible: after === true || before === false,
        keyword: 'schema',
      });
      return;
    }
    if (typesOf(before) !== typesOf(after)) {
      changes.push({ path, change: SchemaChangeKind.RETYPED, compatible: false });
      return;
    }
    for (const keyword of CONSTRAINTS) {
      if (!same(before[keyword], after[keyword])) {
        changes.push({
          path,
          change: SchemaChangeKind.CONSTRAINT_CHANGED,
          compatible: loosened(keyword, before[keyword], after[keyword]),
          keyword,
        });
      }
    }
    const beforeProps = isPlainObject(before.properties) ? before.properties : {};
    const afterProps = isPlainObject(after.properties) ? after.properties : {};
    const beforeRequired = requiredOf(before);
    const afterRequired = requiredOf(after);
    const names = new Set([
      ...Object.keys(beforeProps),
      ...beforeRequired,
      ...Object.keys(afterProps),
      ...afterRequired,
    ]);
    for (const name of names) {
      const fieldPath = propertyPath(path, name);
      const existedBefore = name in beforeProps || beforeRequired.has(name);
      const existsAfter = name in afterProps || afterRequired.has(name);
      if (!existedBefore) {
        changes.push(
          afterRequired.has(name)
            ? { path: fieldPath, change: SchemaChangeKind.ADDED_REQUIRED, compatible: false }
            : { path: fieldPath, change: SchemaChangeKind.ADDED_OPTIONAL, compatible: true },
        );
        continue;
      }
      if (!existsAfter) {
        changes.push({ path: fieldPath, change: SchemaChangeKind.REMOVED, compatible: false });
        continue;
      }
      if (!beforeRequired.has(name) && afterRequired.has(name)) {
        changes.push({ path: fieldPath, change: SchemaChangeKind.MADE_REQUIRED, compatible: false });
      } else if (beforeRequired.has(name) && !afterRequired.has(name)) {
        changes.push({
          path: fieldPath,
          change: SchemaChangeKind.CONSTRAINT_CHANGED,
          compatible: true,
          keyword: 'required',
        });
      }
      compare(beforeProps[name] ?? true, afterProps[name] ?? true, fieldPath, depth + 1);
    }
    const beforeItems = before.items;
    const afterItems = after.items;
    if (
      !Array.isArray(beforeItems) &&
      !Array.isArray(afterItems) &&
      (beforeItems !== undefined || afterItems !== undefined)
    ) {
      compare(beforeItems ?? true, afterItems ?? true, `${path}[*]`, depth + 1);
    } else if (!same(beforeItems, afterItems)) {
      changes.push({
        path,
        change: SchemaChangeKind.CONSTRAINT_CHANGED,
        compatible: false,
        keyword: 'items',
      });
    }
  };

  compare(previousData, nextData, options.root ?? '$', 0);
  return { backward_compatible: changes.every((change) => change.compatible), changes };
}

/** A JSON pointer token of a `$ref`, percent-decoded when it decodes (a malformed escape is kept as written). */
function decodePointerToken(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}
