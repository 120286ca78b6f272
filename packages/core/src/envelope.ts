/**
 * The event envelope producers send and consumers receive:
 * `{ metadata: { event_attributes: { source, target } }, data: <the event type's data schema> }`.
 */
import {
  ajvFor,
  compileSchema,
  DRAFT_04_URI,
  dedupeProblems,
  dialectOf,
  isPlainObject,
  problemFromAjvError,
  releaseSchema,
  type Segment,
  toJsonPath,
  walkSchema,
} from './schema-tools';
import type { JsonObject, JsonSchema, JsonValue, ValidationProblem } from './types';

/** Largest serialized envelope schema accepted (the EventBridge schema registry's limit). */
export const MAX_SCHEMA_LENGTH = 100_000;

/** JSON Schema draft-04 meta-schema URI, as API Gateway request models require. */
export const DRAFT_04_SCHEMA_URI = DRAFT_04_URI;

const DATA_POINTER = '#/properties/data';

function stripFragment(uri: string): string {
  return uri.replace(/#$/, '');
}

function isDraft04(dialect: string | undefined): boolean {
  const normalize = (uri: string) => uri.replace(/^https?:\/\//, '').replace(/#$/, '');
  return dialect !== undefined && normalize(dialect) === normalize(DRAFT_04_URI);
}

/** Rewrites a `$ref` that pointed into the data schema's root so it points into the envelope's `data`. */
function rewriteRef(ref: string, dataId: string | undefined): string {
  let fragment: string | undefined;
  if (ref === '#' || ref.startsWith('#/')) fragment = ref;
  else if (dataId !== undefined && (ref === dataId || ref.startsWith(`${dataId}#`))) {
    fragment = ref.slice(dataId.length) || '#';
    if (fragment !== '#' && !fragment.startsWith('#/')) return fragment; // an anchor: global, keep it
  }
  if (fragment === undefined) return ref;
  return fragment === '#' ? DATA_POINTER : `${DATA_POINTER}${fragment.slice(1)}`;
}

/**
 * Wraps a data schema in the envelope. The data schema's `$schema` moves to the envelope's root (so the
 * envelope is read in the same dialect), its `$id` is dropped, and its local `$ref`s (`#/definitions/x`,
 * `#/$defs/x`, `#`, or `<its $id>#/...`) are rewritten to `#/properties/data/...` so they still resolve.
 * Subschemas with their own `$id` keep their refs (those resolve against that id).
 */
export function buildEnvelopeSchema(dataSchema: JsonSchema): JsonSchema {
  const data = structuredClone(dataSchema) as JsonObject;
  const dialect = typeof data.$schema === 'string' ? data.$schema : undefined;
  // draft-04 names a schema's identifier `id`; later drafts `$id`.
  const idKeyword = isDraft04(dialect) ? 'id' : '$id';
  const declaredId = data[idKeyword];
  const dataId = typeof declaredId === 'string' ? stripFragment(declaredId) : undefined;
  delete data.$schema;
  delete data[idKeyword];
  const scoped: Segment[][] = [];
  walkSchema(data, (node, path) => {
    if (!isPlainObject(node)) return;
    if (path.length > 0 && typeof node[idKeyword] === 'string') scoped.push([...path]);
    const inScope = scoped.some((prefix) => prefix.every((segment, i) => path[i] === segment));
    if (!inScope && typeof node.$ref === 'string') node.$ref = rewriteRef(node.$ref, dataId);
  });
  const envelope: JsonObject = {
    type: 'object',
    required: ['metadata', 'data'],
    // Unknown top-level fields (`source`, `detail-type`, `id`…) are refused: the broker sets those itself.
    additionalProperties: false,
    properties: {
      metadata: {
        type: 'object',
        required: ['event_attributes'],
        properties: {
          event_attributes: {
            type: 'object',
            required: ['source', 'target'],
            properties: { source: { type: 'string' }, target: { type: 'string' } },
          },
        },
      },
      data,
    },
  };
  return dialect === undefined ? envelope : { $schema: dialect, ...envelope };
}

/** One reason a schema cannot be an API Gateway (draft-04) request model. */
export interface Draft04Incompatibility {
  /** Schema path, e.g. `$.properties.data.properties.kind.const`. */
  readonly path: string;
  readonly keyword: string;
  readonly message: string;
}

export interface Draft04Compatibility {
  readonly compatible: boolean;
  readonly incompatibilities: Draft04Incompatibility[];
}

/** Keywords draft-04 does not know, with the draft that introduced them. */
const NOT_IN_DRAFT_04 = new Map<string, string>([
  ['const', 'draft-06'],
  ['contains', 'draft-06'],
  ['propertyNames', 'draft-06'],
  ['if', 'draft-07'],
  ['then', 'draft-07'],
  ['else', 'draft-07'],
  ['$defs', '2019-09'],
  ['$anchor', '2019-09'],
  ['$recursiveRef', '2019-09'],
  ['$recursiveAnchor', '2019-09'],
  ['$vocabulary', '2019-09'],
  ['dependentRequired', '2019-09'],
  ['dependentSchemas', '2019-09'],
  ['unevaluatedItems', '2019-09'],
  ['unevaluatedProperties', '2019-09'],
  ['prefixItems', '2020-12'],
  ['$dynamicRef', '2020-12'],
  ['$dynamicAnchor', '2020-12'],
]);

/** Keywords that carry no validation; draft-04 ignoring them changes nothing. */
const ANNOTATIONS = new Set([
  '$comment',
  'title',
  'description',
  'default',
  'examples',
  'readOnly',
  'writeOnly',
  'deprecated',
]);

/**
 * Says whether a schema can be expressed as JSON Schema draft-04 (the only dialect API Gateway request
 * models accept) and, if not, which keywords stop it and where.
 */
export function draft04Compatibility(schema: JsonSchema): Draft04Compatibility {
  const incompatibilities: Draft04Incompatibility[] = [];
  walkSchema(schema, (node, path) => {
    // ajv (like 2019-09 and later) applies keywords beside $ref; draft-04 ignores them, which would loosen validation.
    if (
      isPlainObject(node) &&
      node.$ref !== undefined &&
      Object.keys(node).some((key) => key !== '$ref' && !ANNOTATIONS.has(key))
    ) {
      incompatibilities.push({
        path: toJsonPath([...path, '$ref']),
        keyword: '$ref',
        message: 'keywords beside "$ref" are ignored by draft-04',
      });
    }
    if (typeof node === 'boolean') {
      // draft-04 takes a boolean for exactly these two keywords; anywhere else a boolean schema is draft-06.
      const keyword = path[path.length - 1];
      if (keyword === 'additionalProperties' || keyword === 'additionalItems') return;
      incompatibilities.push({
        path: toJsonPath(path),
        keyword: 'boolean schema',
        message: `boolean schema ${node} is not supported by draft-04`,
      });
      return;
    }
    for (const [keyword, value] of Object.entries(node)) {
      const since = NOT_IN_DRAFT_04.get(keyword);
      let message: string | undefined;
      if (since !== undefined) message = `"${keyword}" (${since}) is not supported by draft-04`;
      else if (
        (keyword === 'exclusiveMinimum' || keyword === 'exclusiveMaximum') &&
        typeof value === 'number'
      ) {
        message = `numeric "${keyword}" (draft-06) is not supported by draft-04, which takes a boolean`;
      } else if (keyword === '$id' && path.length > 0) {
        message = '"$id" (draft-06) is not supported by draft-04, which uses "id"';
      } else if (keyword === 'required' && Array.isArray(value) && value.length === 0) {
        message = 'an empty "required" is not allowed by draft-04';
      }
      if (message !== undefined)
        incompatibilities.push({ path: toJsonPath([...path, keyword]), keyword, message });
    }
  });
  return { compatible: incompatibilities.length === 0, incompatibilities };
}

/**
 * The schema as an API Gateway request model (`$schema` draft-04, root `$id` dropped), or `undefined`
 * when `draft04Compatibility` finds it incompatible.
 */
export function toDraft04Model(schema: JsonSchema): JsonSchema | undefined {
  if (!draft04Compatibility(schema).compatible) return undefined;
  const model = structuredClone(schema) as JsonObject;
  delete model.$schema;
  delete model.$id;
  return { $schema: DRAFT_04_URI, ...model };
}

/** Validates an event payload against an envelope schema; returns every problem (empty when valid). */
export type PayloadValidator = (payload: unknown) => ValidationProblem[];

interface CachedValidator {
  readonly validator: PayloadValidator;
  readonly release: () => void;
}

const validators = new Map<string, CachedValidator>();
const MAX_CACHED_VALIDATORS = 500;
/** Fast path for callers that pass the same schema object on every event (no serialization). */
const validatorsByObject = new WeakMap<JsonSchema, PayloadValidator>();

/**
 * Compiles an envelope schema once (cached by its JSON text) into a payload validator reporting paths such
 * as `$.data.parcel_id`; a missing property is reported at its own path. Throws `Error` when the schema
 * does not compile (schemas are validated before they are stored, so this is a bug or corrupt data).
 */
export function createPayloadValidator(envelopeSchema: JsonSchema): PayloadValidator {
  const byIdentity = validatorsByObject.get(envelopeSchema);
  if (byIdentity !== undefined) return byIdentity;
  const key = JSON.stringify(envelopeSchema);
  const cached = validators.get(key);
  if (cached !== undefined) {
    validatorsByObject.set(envelopeSchema, cached.validator);
    return cached.validator;
  }
  const dialect = dialectOf(envelopeSchema);
  if (!dialect.ok) throw new Error(`Event schema $schema ${dialect.message}`);
  const schema = structuredClone(envelopeSchema) as JsonObject;
  const ajv = ajvFor(dialect.dialect, schema);
  const compiled = compileSchema(ajv, schema, true);
  if (!compiled.ok) throw new Error(`Event schema does not compile: ${compiled.message}`);
  const { validate } = compiled;
  const validator: PayloadValidator = (payload) => {
    if (validate(payload)) return [];
    return dedupeProblems((validate.errors ?? []).map((error) => problemFromAjvError(error, payload, '$')));
  };
  if (validators.size >= MAX_CACHED_VALIDATORS) {
    const [oldestKey, oldest] = validators.entries().next().value ?? [];
    if (oldestKey !== undefined && oldest !== undefined) {
      oldest.release();
      validators.delete(oldestKey);
    }
  }
  validators.set(key, { validator, release: () => releaseSchema(ajv, schema) });
  validatorsByObject.set(envelopeSchema, validator);
  return validator;
}

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
