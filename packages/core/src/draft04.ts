/**
 * Whether a schema can be an API Gateway request model (JSON Schema draft-04), and the draft-04 model of one that
 * can: API Gateway validates the producer endpoint's requests with it.
 */
import { DRAFT_04_URI, isPlainObject, toJsonPath, walkSchema } from './schema-tools';
import type { JsonObject, JsonSchema } from './types';
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
