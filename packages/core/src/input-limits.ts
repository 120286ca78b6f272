/**
 * Limits on what clients send, checked before any expensive work (parsing a deep document recursively,
 * validating against a meta-schema, compiling a schema), so that one request cannot exhaust the stack or hold
 * the event loop.
 */

export const InputLimit = {
  /** Deepest nesting of objects and arrays in a schema or an event (the request body as a whole). */
  MAX_JSON_DEPTH: 64,
  /** Most items of one `enum`. */
  MAX_ENUM_ITEMS: 1000,
  /** Most names in one `properties` (or `patternProperties`, `definitions`, `$defs`). */
  MAX_PROPERTIES: 1000,
  /** Longest subscription filter, serialized as JSON. */
  MAX_FILTER_LENGTH: 2048,
} as const;

/**
 * Whether the JSON text nests objects and arrays deeper than `limit`: a linear scan that reads strings
 * (and their escapes) correctly and stops at the first level past the limit. Malformed text is left to
 * `JSON.parse` to report.
 */
export function jsonTextTooDeep(text: string, limit: number = InputLimit.MAX_JSON_DEPTH): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (inString) {
      if (code === 0x5c) i++;
      else if (code === 0x22) inString = false;
    } else if (code === 0x22) inString = true;
    else if (code === 0x7b || code === 0x5b) {
      depth++;
      if (depth > limit) return true;
    } else if (code === 0x7d || code === 0x5d) depth--;
  }
  return false;
}

/** Whether a parsed value nests objects and arrays deeper than `limit` (iterative: no recursion). */
export function valueTooDeep(value: unknown, limit: number = InputLimit.MAX_JSON_DEPTH): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop() as [unknown, number];
    if (node === null || typeof node !== 'object') continue;
    if (depth + 1 > limit) return true;
    const children = Array.isArray(node) ? node : Object.values(node as Record<string, unknown>);
    for (const child of children)
      if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
  }
  return false;
}

const PROPERTY_MAPS = new Set([
  'properties',
  'patternProperties',
  'definitions',
  '$defs',
  'dependentSchemas',
]);

/** One limit a schema passes: where (segments from the root) and what. */
export interface LimitBreach {
  readonly segments: readonly (string | number)[];
  readonly message: string;
}

/**
 * The first place a schema (already known to be at most `MAX_JSON_DEPTH` deep) passes a keyword limit:
 * an `enum` with more than `MAX_ENUM_ITEMS` items, a property map with more than `MAX_PROPERTIES` names.
 * Counts only; nothing is compiled or validated.
 */
export function schemaLimitBreach(schema: unknown): LimitBreach | undefined {
  const stack: [unknown, (string | number)[]][] = [[schema, []]];
  while (stack.length > 0) {
    const [node, segments] = stack.pop() as [unknown, (string | number)[]];
    if (node === null || typeof node !== 'object') continue;
    if (Array.isArray(node)) {
      for (const [index, child] of node.entries()) stack.push([child, [...segments, index]]);
      continue;
    }
    for (const [key, child] of Object.entries(node as Record<string, unknown>)) {
      if (key === 'enum' && Array.isArray(child) && child.length > InputLimit.MAX_ENUM_ITEMS) {
        return {
          segments: [...segments, key],
          message: `has ${child.length} items; the limit is ${InputLimit.MAX_ENUM_ITEMS}`,
        };
      }
      if (PROPERTY_MAPS.has(key) && child !== null && typeof child === 'object' && !Array.isArray(child)) {
        const count = Object.keys(child).length;
        if (count > InputLimit.MAX_PROPERTIES) {
          return {
            segments: [...segments, key],
            message: `has ${count} names; the limit is ${InputLimit.MAX_PROPERTIES}`,
          };
        }
      }
      stack.push([child, [...segments, key]]);
    }
  }
  return undefined;
}
