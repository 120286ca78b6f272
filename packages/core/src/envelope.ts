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
  walkSchema,
} from './schema-tools';
import type { JsonObject, JsonSchema, ValidationProblem } from './types';

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
