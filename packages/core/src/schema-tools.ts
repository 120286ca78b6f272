/**
 * Internal helpers shared by envelope, validation and manifest code: JSON paths, a keyword-aware walk
 * over JSON Schema documents, dialect detection and the ajv instances per dialect.
 */
import Ajv, { type AnySchema, type ErrorObject, type Options, type ValidateFunction } from 'ajv';
import Ajv2019 from 'ajv/dist/2019';
import Ajv2020 from 'ajv/dist/2020';
import draft06MetaSchema from 'ajv/dist/refs/json-schema-draft-06.json';
import AjvDraft04 from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import { linearRegExpEngine } from './linear-regexp';
import type { JsonObject, JsonValue, ValidationProblem } from './types';

export type Segment = string | number;

export function isPlainObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `['data', 'items', 0]` → `$.data.items[0]`; odd keys are quoted: `$["a b"]`. */
export function toJsonPath(segments: readonly Segment[], root = '$'): string {
  let path = root;
  for (const segment of segments) {
    if (typeof segment === 'number') path += `[${segment}]`;
    else if (/^[A-Za-z_$][A-Za-z0-9_$-]*$/.test(segment)) path += `.${segment}`;
    else path += `[${JSON.stringify(segment)}]`;
  }
  return path;
}

/** Appends a JSON path suffix such as `.x[0]` to a base path. */
export function joinPath(base: string, segments: readonly Segment[]): string {
  return toJsonPath(segments, base);
}

/** Splits a JSON pointer, using `document` to tell array indexes from object keys. */
export function pointerSegments(pointer: string, document: unknown): Segment[] {
  if (pointer === '' || pointer === '/') return pointer === '/' ? [''] : [];
  const segments: Segment[] = [];
  let node: unknown = document;
  for (const raw of pointer.replace(/^\//, '').split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(node) && /^\d+$/.test(key)) {
      segments.push(Number(key));
      node = node[Number(key)];
    } else {
      segments.push(key);
      node = isPlainObject(node) ? node[key] : undefined;
    }
  }
  return segments;
}

const SINGLE_SCHEMA_KEYWORDS = [
  'additionalItems',
  'additionalProperties',
  'contains',
  'propertyNames',
  'not',
  'if',
  'then',
  'else',
  'unevaluatedItems',
  'unevaluatedProperties',
  'contentSchema',
] as const;
const SCHEMA_ARRAY_KEYWORDS = ['allOf', 'anyOf', 'oneOf', 'prefixItems'] as const;
const SCHEMA_MAP_KEYWORDS = [
  'properties',
  'patternProperties',
  'definitions',
  '$defs',
  'dependentSchemas',
] as const;

export type SchemaNode = JsonObject | boolean;

/**
 * Visits `schema` and every subschema in keyword positions (never inside `enum`, `const`, `default`…),
 * parents first. `path` holds the segments from the root.
 */
export function walkSchema(
  schema: JsonValue,
  visit: (node: SchemaNode, path: readonly Segment[]) => void,
  path: readonly Segment[] = [],
): void {
  if (typeof schema === 'boolean') {
    visit(schema, path);
    return;
  }
  if (!isPlainObject(schema)) return;
  visit(schema, path);
  for (const keyword of SINGLE_SCHEMA_KEYWORDS) {
    const sub = schema[keyword];
    if (sub !== undefined) walkSchema(sub, visit, [...path, keyword]);
  }
  const items = schema.items;
  if (Array.isArray(items)) {
    for (const [i, sub] of items.entries()) walkSchema(sub, visit, [...path, 'items', i]);
  } else if (items !== undefined) walkSchema(items, visit, [...path, 'items']);
  for (const keyword of SCHEMA_ARRAY_KEYWORDS) {
    const subs = schema[keyword];
    if (Array.isArray(subs)) {
      for (const [i, sub] of subs.entries()) walkSchema(sub, visit, [...path, keyword, i]);
    }
  }
  for (const keyword of SCHEMA_MAP_KEYWORDS) {
    const map = schema[keyword];
    if (isPlainObject(map)) {
      for (const [key, sub] of Object.entries(map)) walkSchema(sub, visit, [...path, keyword, key]);
    }
  }
  const dependencies = schema.dependencies;
  if (isPlainObject(dependencies)) {
    for (const [key, sub] of Object.entries(dependencies)) {
      if (!Array.isArray(sub)) walkSchema(sub, visit, [...path, 'dependencies', key]);
    }
  }
}

/** JSON Schema dialects Bridgeport accepts in `$schema` (absent means draft-07). */
export const SchemaDialect = {
  DRAFT_04: 'http://json-schema.org/draft-04/schema#',
  DRAFT_06: 'http://json-schema.org/draft-06/schema#',
  DRAFT_07: 'http://json-schema.org/draft-07/schema#',
  DRAFT_2019_09: 'https://json-schema.org/draft/2019-09/schema',
  DRAFT_2020_12: 'https://json-schema.org/draft/2020-12/schema',
} as const;
export type SchemaDialect = (typeof SchemaDialect)[keyof typeof SchemaDialect];

export const DRAFT_04_URI = SchemaDialect.DRAFT_04;

function normalizeDialectUri(uri: string): string {
  return uri
    .trim()
    .replace(/^https?:\/\//, '')
    .replace(/#$/, '');
}

const DIALECT_BY_URI = new Map<string, SchemaDialect>(
  Object.values(SchemaDialect).map((uri) => [normalizeDialectUri(uri), uri]),
);

export type DialectResult = { ok: true; dialect: SchemaDialect } | { ok: false; message: string };

/** Reads a schema's `$schema`: absent → draft-07; unknown URIs are refused with a reason. */
export function dialectOf(schema: JsonObject): DialectResult {
  const declared = schema.$schema;
  if (declared === undefined) return { ok: true, dialect: SchemaDialect.DRAFT_07 };
  if (typeof declared !== 'string') return { ok: false, message: 'must be a string' };
  const dialect = DIALECT_BY_URI.get(normalizeDialectUri(declared));
  if (dialect !== undefined) return { ok: true, dialect };
  return {
    ok: false,
    message: `must be one of ${Object.values(SchemaDialect).join(', ')} (or omitted for draft-07)`,
  };
}

const AJV_OPTIONS: Options = {
  allErrors: true,
  strictSchema: true,
  strictNumbers: true,
  strictTypes: false,
  strictTuples: false,
  strictRequired: false,
  allowUnionTypes: true,
  addUsedSchema: false,
  logger: false,
  // `pattern` and `patternProperties` run in linear time (no catastrophic backtracking).
  code: { regExp: linearRegExpEngine },
};

type AjvInstance = Ajv | Ajv2019 | Ajv2020 | AjvDraft04;

function newAjv(dialect: SchemaDialect): AjvInstance {
  let ajv: AjvInstance;
  switch (dialect) {
    case SchemaDialect.DRAFT_2019_09:
      ajv = new Ajv2019(AJV_OPTIONS);
      break;
    case SchemaDialect.DRAFT_2020_12:
      ajv = new Ajv2020(AJV_OPTIONS);
      break;
    case SchemaDialect.DRAFT_04:
      ajv = new AjvDraft04(AJV_OPTIONS);
      break;
    case SchemaDialect.DRAFT_06:
      ajv = new Ajv(AJV_OPTIONS);
      ajv.addMetaSchema(draft06MetaSchema);
      break;
    default:
      ajv = new Ajv(AJV_OPTIONS);
  }
  addFormats(ajv as Ajv);
  return ajv;
}

const shared = new Map<SchemaDialect, AjvInstance>();

/**
 * An ajv instance for the dialect. Schemas with embedded `$id`s get a fresh instance, so that ids of
 * unrelated schemas never collide in a shared registry.
 */
export function ajvFor(dialect: SchemaDialect, schema: JsonValue): AjvInstance {
  const idKeyword = dialect === SchemaDialect.DRAFT_04 ? '"id"' : '"$id"';
  if (JSON.stringify(schema).includes(idKeyword)) return newAjv(dialect);
  let ajv = shared.get(dialect);
  if (ajv === undefined) {
    ajv = newAjv(dialect);
    shared.set(dialect, ajv);
  }
  return ajv;
}

/** Validates `schema` against its dialect's meta-schema; problems carry schema paths under `base`. */
export function metaSchemaProblems(ajv: AjvInstance, schema: JsonObject, base: string): ValidationProblem[] {
  if (ajv.validateSchema(schema as AnySchema)) return [];
  return (ajv.errors ?? []).map((error) => problemFromAjvError(error, schema, base));
}

/** Turns one ajv error into a problem; a missing or extra property is reported at its own path. */
export function problemFromAjvError(error: ErrorObject, document: unknown, base: string): ValidationProblem {
  const segments = pointerSegments(error.instancePath, document);
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'required':
    case 'dependencies':
    case 'dependentRequired':
      if (typeof params.missingProperty === 'string') {
        return { path: joinPath(base, [...segments, params.missingProperty]), message: 'is required' };
      }
      break;
    case 'additionalProperties':
      if (typeof params.additionalProperty === 'string') {
        return { path: joinPath(base, [...segments, params.additionalProperty]), message: 'is not allowed' };
      }
      break;
    case 'unevaluatedProperties':
      if (typeof params.unevaluatedProperty === 'string') {
        return { path: joinPath(base, [...segments, params.unevaluatedProperty]), message: 'is not allowed' };
      }
      break;
    case 'enum':
      if (Array.isArray(params.allowedValues)) {
        return {
          path: joinPath(base, segments),
          message: `must be one of ${params.allowedValues.map((v) => JSON.stringify(v)).join(', ')}`,
        };
      }
      break;
    default:
      break;
  }
  return { path: joinPath(base, segments), message: error.message ?? `fails ${error.keyword}` };
}

/** Keeps the first occurrence of each (path, message). */
export function dedupeProblems(problems: readonly ValidationProblem[]): ValidationProblem[] {
  const seen = new Set<string>();
  return problems.filter((problem) => {
    const key = `${problem.path}\u0000${problem.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

export type CompileResult = { ok: true; validate: ValidateFunction } | { ok: false; message: string };

/**
 * Compiles with strict mode; compile errors (unknown keyword, bad $ref…) come back as a message.
 * Unless `keep`, the compiled schema is evicted from ajv's cache right away (checking only).
 */
export function compileSchema(ajv: AjvInstance, schema: JsonObject, keep = false): CompileResult {
  try {
    return { ok: true, validate: ajv.compile(schema as AnySchema) };
  } catch (error) {
    return { ok: false, message: error instanceof Error ? error.message : String(error) };
  } finally {
    if (!keep) ajv.removeSchema(schema as AnySchema);
  }
}

/** Evicts a schema compiled with `keep`. */
export function releaseSchema(ajv: AjvInstance, schema: JsonObject): void {
  ajv.removeSchema(schema as AnySchema);
}

/** Finds the first subschema holding `keyword` as a key (to place a strict-mode error). */
export function findKeyword(schema: JsonValue, keyword: string): Segment[] | undefined {
  let found: Segment[] | undefined;
  walkSchema(schema, (node, path) => {
    if (found === undefined && isPlainObject(node) && Object.hasOwn(node, keyword))
      found = [...path, keyword];
  });
  return found;
}

/** Finds the first subschema whose `$ref` equals `ref`. */
export function findRef(schema: JsonValue, ref: string): Segment[] | undefined {
  let found: Segment[] | undefined;
  walkSchema(schema, (node, path) => {
    if (found === undefined && isPlainObject(node) && node.$ref === ref) found = [...path, '$ref'];
  });
  return found;
}
