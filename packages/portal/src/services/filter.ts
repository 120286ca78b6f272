import { type JsonObject, type JsonValue, linearTest, type ValidationProblem } from '@bridgeport/core';
import { check, patternFieldPaths } from '@bridgeport/event-patterns';

/**
 * Checks a subscription filter (an EventBridge pattern over the event's `data`): it must be a valid pattern,
 * and every field it tests must be declared by the data schema of the subscribed version.
 * Returns every problem, at paths under `$.filter`.
 */
export function checkSubscriptionFilter(
  filter: JsonObject,
  dataSchema: JsonObject,
  subject: { readonly eventType: string; readonly version: number },
): ValidationProblem[] {
  const reason = check(filter);
  if (reason !== undefined) return [{ path: '$.filter', message: reason }];
  const problems: ValidationProblem[] = [];
  const seen = new Set<string>();
  for (const path of patternFieldPaths(filter)) {
    const dotted = path.join('.');
    if (seen.has(dotted) || declaresField(dataSchema, path, dataSchema, 0)) continue;
    seen.add(dotted);
    problems.push({
      path: `$.filter.${dotted}`,
      message: `names the field data.${dotted}, which the schema of ${subject.eventType} version ${subject.version} does not declare`,
    });
  }
  return problems;
}

const MAX_DEPTH = 64;

function isObject(value: JsonValue | undefined): value is JsonObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Resolves a local `$ref` (`#/definitions/x`, `#/$defs/x`, any JSON pointer into the root). */
function resolve(schema: JsonObject, root: JsonObject): JsonObject | undefined {
  const ref = schema.$ref;
  if (typeof ref !== 'string') return schema;
  if (!ref.startsWith('#')) return undefined;
  let node: JsonValue | undefined = root;
  for (const raw of ref.slice(1).split('/').slice(1)) {
    const token = decodePointerToken(raw).replace(/~1/g, '/').replace(/~0/g, '~');
    node = isObject(node) ? node[token] : Array.isArray(node) ? node[Number(token)] : undefined;
  }
  return isObject(node) ? node : undefined;
}

/** Whether `schema` declares the field at `path` (arrays are looked through, as EventBridge matching does). */
export function declaresField(
  schema: JsonValue | undefined,
  path: readonly string[],
  root: JsonObject,
  depth: number,
): boolean {
  if (!isObject(schema) || depth > MAX_DEPTH) return false;
  const node = resolve(schema, root);
  if (node === undefined) return false;
  if (path.length === 0) return true;
  const [head = '', ...rest] = path;
  const branches: JsonValue[] = [];
  for (const keyword of ['allOf', 'anyOf', 'oneOf']) {
    const list = node[keyword];
    if (Array.isArray(list)) branches.push(...list);
  }
  for (const keyword of ['then', 'else', 'items', 'additionalItems', 'contains']) {
    if (node[keyword] !== undefined) branches.push(node[keyword] as JsonValue);
  }
  for (const keyword of ['items', 'prefixItems']) {
    const list = node[keyword];
    if (Array.isArray(list)) branches.push(...list);
  }
  if (branches.some((branch) => declaresField(branch, path, root, depth + 1))) return true;
  const properties = node.properties;
  if (isObject(properties) && Object.hasOwn(properties, head)) {
    return declaresField(properties[head], rest, root, depth + 1) || isOpenLeaf(properties[head], rest);
  }
  const patterns = node.patternProperties;
  if (isObject(patterns)) {
    for (const [pattern, sub] of Object.entries(patterns)) {
      // The schema's own engine: linear time, whatever the pattern and the filter key.
      if (linearTest(pattern, head) && declaresField(sub, rest, root, depth + 1)) return true;
    }
  }
  return false;
}

/** `true` (or `{}`) as a property schema allows anything below it only when no deeper path is asked. */
function isOpenLeaf(schema: JsonValue | undefined, rest: readonly string[]): boolean {
  return rest.length === 0 && schema === true;
}

/** A JSON pointer token of a `$ref`, percent-decoded when it decodes (a malformed escape is kept as written). */
function decodePointerToken(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}
