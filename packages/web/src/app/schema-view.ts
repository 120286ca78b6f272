/**
 * Reading a data schema the way a person does: a table of fields (name, type, required, description,
 * constraints) and an example event built from it. Pure functions, shared by the pages and their tests.
 */

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Schema = { [key: string]: Json };

export interface FieldRow {
  /** Dotted path under `data`, `[]` for array items: `items[].sku`. */
  readonly name: string;
  readonly type: string;
  readonly required: boolean;
  readonly description: string;
  /** `minimum 0`, `format date-time`, `one of "a", "b"`, … */
  readonly constraints: string[];
}

const MAX_DEPTH = 16;
const CONSTRAINT_KEYWORDS = [
  'format',
  'pattern',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'minLength',
  'maxLength',
  'minItems',
  'maxItems',
  'multipleOf',
  'const',
] as const;

function isSchema(value: Json | undefined): value is Schema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Follows a local `$ref` (`#/definitions/x`, `#/$defs/x`); anything else is left as it is. */
function resolve(schema: Schema, root: Schema): Schema {
  const ref = schema.$ref;
  if (ref === '#') return root;
  if (typeof ref !== 'string' || !ref.startsWith('#/')) return schema;
  let node: Json | undefined = root;
  for (const raw of ref.slice(2).split('/')) {
    const key = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
    node = isSchema(node) ? node[key] : undefined;
  }
  return isSchema(node) ? node : schema;
}

function typeOf(schema: Schema): string {
  if (Array.isArray(schema.type)) return schema.type.join(' | ');
  if (typeof schema.type === 'string') {
    if (schema.type === 'array' && isSchema(schema.items)) return `array of ${typeOf(schema.items)}`;
    return schema.type;
  }
  if (Array.isArray(schema.enum)) return 'enum';
  if (Array.isArray(schema.oneOf) || Array.isArray(schema.anyOf)) return 'one of several';
  if (isSchema(schema.properties)) return 'object';
  return 'any';
}

function constraintsOf(schema: Schema): string[] {
  const found: string[] = [];
  for (const keyword of CONSTRAINT_KEYWORDS) {
    if (schema[keyword] !== undefined) found.push(`${keyword} ${JSON.stringify(schema[keyword])}`);
  }
  if (Array.isArray(schema.enum))
    found.push(`one of ${schema.enum.map((v) => JSON.stringify(v)).join(', ')}`);
  return found;
}

/** Every field of a data schema, depth first, in declaration order. */
export function fieldRows(dataSchema: Json, root: Json = dataSchema): FieldRow[] {
  const rows: FieldRow[] = [];
  const rootSchema = isSchema(root) ? root : {};
  const walk = (node: Json | undefined, prefix: string, depth: number): void => {
    if (!isSchema(node) || depth > MAX_DEPTH) return;
    const schema = resolve(node, rootSchema);
    const properties = isSchema(schema.properties) ? schema.properties : {};
    const required = new Set(Array.isArray(schema.required) ? schema.required.map(String) : []);
    for (const [key, raw] of Object.entries(properties)) {
      if (!isSchema(raw)) continue;
      const child = resolve(raw, rootSchema);
      const name = prefix === '' ? key : `${prefix}.${key}`;
      rows.push({
        name,
        type: typeOf(child),
        required: required.has(key),
        description: typeof child.description === 'string' ? child.description : '',
        constraints: constraintsOf(child),
      });
      walk(child, name, depth + 1);
      if (isSchema(child.items)) walk(child.items, `${name}[]`, depth + 1);
    }
  };
  walk(dataSchema, '', 0);
  return rows;
}

function exampleString(schema: Schema, name: string): string {
  switch (schema.format) {
    case 'date-time':
      return '2026-01-01T12:00:00Z';
    case 'date':
      return '2026-01-01';
    case 'time':
      return '12:00:00Z';
    case 'email':
      return 'someone@example.com';
    case 'uri':
    case 'url':
      return 'https://example.com/';
    case 'uuid':
      return '3f2b8c1e-5d4a-4e6b-9c7d-2a1b0c9d8e7f';
    default: {
      const minLength = typeof schema.minLength === 'number' ? schema.minLength : 0;
      const base = name === '' ? 'example' : `${name}-1`;
      return base.length >= minLength ? base : base.padEnd(minLength, 'x');
    }
  }
}

function exampleNumber(schema: Schema, integer: boolean): number {
  const low =
    typeof schema.minimum === 'number'
      ? schema.minimum
      : typeof schema.exclusiveMinimum === 'number'
        ? schema.exclusiveMinimum + 1
        : 1;
  const high = typeof schema.maximum === 'number' ? schema.maximum : Number.POSITIVE_INFINITY;
  const value = Math.min(Math.max(low, integer ? 1 : 1.5), high);
  return integer ? Math.ceil(value) : value;
}

/**
 * An example of a value of `schema`: `const`, `default`, `examples[0]` or the first `enum` value when the schema
 * gives one, else a value of its type within its simple bounds. Only required properties are filled in, plus any
 * optional property that has an example of its own. A `pattern` is not generated for: such a field shows a
 * placeholder that the page marks as to be edited.
 */
export function exampleValue(dataSchema: Json, root: Json = dataSchema, name = '', depth = 0): Json {
  if (!isSchema(dataSchema) || depth > MAX_DEPTH) return null;
  const schema = resolve(dataSchema, isSchema(root) ? root : {});
  if (schema.const !== undefined) return schema.const;
  if (schema.default !== undefined) return schema.default;
  if (Array.isArray(schema.examples) && schema.examples.length > 0) return schema.examples[0] ?? null;
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return schema.enum[0] ?? null;
  const choices = Array.isArray(schema.oneOf)
    ? schema.oneOf
    : Array.isArray(schema.anyOf)
      ? schema.anyOf
      : undefined;
  if (choices !== undefined && choices.length > 0)
    return exampleValue(choices[0] ?? null, root, name, depth + 1);
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
  switch (type) {
    case 'string':
      return exampleString(schema, name);
    case 'integer':
      return exampleNumber(schema, true);
    case 'number':
      return exampleNumber(schema, false);
    case 'boolean':
      return true;
    case 'null':
      return null;
    case 'array': {
      const count = typeof schema.minItems === 'number' ? Math.max(1, schema.minItems) : 1;
      return Array.from({ length: count }, () => exampleValue(schema.items ?? {}, root, name, depth + 1));
    }
    default: {
      const properties = isSchema(schema.properties) ? schema.properties : {};
      const required = new Set(Array.isArray(schema.required) ? schema.required.map(String) : []);
      const value: { [key: string]: Json } = {};
      for (const [key, child] of Object.entries(properties)) {
        const hasOwnExample =
          isSchema(child) && (child.examples !== undefined || child.default !== undefined);
        if (required.has(key) || hasOwnExample) value[key] = exampleValue(child, root, key, depth + 1);
      }
      return value;
    }
  }
}

/** The example event in its envelope, as a producer sends it. */
export function exampleEvent(dataSchema: Json, targetUnit = 'unit-1'): Json {
  return {
    metadata: { event_attributes: { source: 'my-producer', target: targetUnit } },
    data: exampleValue(dataSchema),
  };
}

/** A `curl` command that publishes `event` to the producer endpoint. */
export function curlCommand(producerUrl: string, eventType: string, version: number, event: Json): string {
  const body = JSON.stringify(event, null, 2).replace(/'/g, `'\\''`);
  return [
    `curl -s -X POST ${producerUrl.replace(/\/+$/, '')}/${eventType}/${version} \\`,
    `  -H 'content-type: application/json' -H "x-api-key: $PRODUCER_KEY" \\`,
    `  -d '${body}'`,
  ].join('\n');
}
