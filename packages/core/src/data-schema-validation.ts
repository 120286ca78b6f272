/** Checking an event type's data schema: dialect, meta-schema, ajv strict compilation, linear-time patterns, size. */
import { buildEnvelopeSchema, MAX_SCHEMA_LENGTH } from './envelope';
import { InputLimit, schemaLimitBreach, valueTooDeep } from './input-limits';
import { linearRegExpProblem } from './linear-regexp';
import {
  ajvFor,
  compileSchema,
  dialectOf,
  findKeyword,
  findRef,
  isPlainObject,
  joinPath,
  metaSchemaProblems,
  walkSchema,
} from './schema-tools';
import type { JsonObject, ValidationProblem } from './types';

function placeCompileError(message: string, data: JsonObject, base: string): ValidationProblem {
  const unknownKeyword = /unknown keyword: "([^"]+)"/.exec(message);
  if (unknownKeyword?.[1] !== undefined) {
    const at = findKeyword(data, unknownKeyword[1]);
    return {
      path: joinPath(base, at ?? []),
      message: `unknown keyword "${unknownKeyword[1]}" (strict mode)`,
    };
  }
  const missingRef = /can't resolve reference (\S+)/.exec(message);
  if (missingRef?.[1] !== undefined) {
    const at = findRef(data, missingRef[1]);
    return { path: joinPath(base, at ?? []), message: `cannot resolve reference ${missingRef[1]}` };
  }
  const formatMatch = /unknown format "([^"]+)"/.exec(message);
  if (formatMatch?.[1] !== undefined) {
    return {
      path: joinPath(base, findKeyword(data, 'format') ?? []),
      message: `unknown format "${formatMatch[1]}"`,
    };
  }
  return { path: base, message: message.replace(/^strict mode: /, '') };
}

/**
 * Checks an event type's data schema: a JSON Schema object in an accepted dialect (draft-07 when `$schema`
 * is absent; draft-04, draft-06, 2019-09 and 2020-12 when declared), valid against its meta-schema,
 * compiling with ajv strict mode and ajv-formats, and whose envelope serializes to at most
 * `MAX_SCHEMA_LENGTH` characters. Problems carry schema paths under `base`.
 */
export function validateDataSchema(data: unknown, base = '$.data'): ValidationProblem[] {
  if (!isPlainObject(data)) return [{ path: base, message: 'must be a JSON Schema object' }];
  // Limits first, cheapest first: nothing below may recurse into, validate or compile an oversized schema.
  if (valueTooDeep(data, InputLimit.MAX_JSON_DEPTH)) {
    return [{ path: base, message: `nests deeper than ${InputLimit.MAX_JSON_DEPTH} levels` }];
  }
  const dialect = dialectOf(data);
  if (!dialect.ok) return [{ path: joinPath(base, ['$schema']), message: dialect.message }];
  const envelope = buildEnvelopeSchema(data);
  const length = JSON.stringify(envelope).length;
  if (length > MAX_SCHEMA_LENGTH) {
    return [
      {
        path: base,
        message: `makes an event schema of ${length} characters; the limit is ${MAX_SCHEMA_LENGTH}`,
      },
    ];
  }
  const breach = schemaLimitBreach(data);
  if (breach !== undefined) return [{ path: joinPath(base, breach.segments), message: breach.message }];
  const patterns = patternProblems(data, base);
  if (patterns.length > 0) return patterns;
  const ajv = ajvFor(dialect.dialect, data);
  const meta = metaSchemaProblems(ajv, data, base);
  if (meta.length > 0) {
    // The meta-schema often reports one mistake several ways (enum, type, anyOf): keep the first per path.
    const firstPerPath = new Map<string, ValidationProblem>();
    for (const problem of meta) if (!firstPerPath.has(problem.path)) firstPerPath.set(problem.path, problem);
    return [...firstPerPath.values()];
  }
  const compiled = compileSchema(ajv, data);
  if (!compiled.ok) return [placeCompileError(compiled.message, data, base)];
  const envelopeCompiled = compileSchema(ajvFor(dialect.dialect, envelope), envelope);
  if (!envelopeCompiled.ok) return [placeCompileError(envelopeCompiled.message, data, base)];
  return [];
}

/** Every `pattern` and `patternProperties` name the linear-time engine cannot run. */
function patternProblems(data: JsonObject, base: string): ValidationProblem[] {
  const problems: ValidationProblem[] = [];
  walkSchema(data, (node, path) => {
    if (!isPlainObject(node)) return;
    if (typeof node.pattern === 'string') {
      const problem = linearRegExpProblem(node.pattern);
      if (problem !== undefined)
        problems.push({ path: joinPath(base, [...path, 'pattern']), message: problem });
    }
    if (isPlainObject(node.patternProperties)) {
      for (const name of Object.keys(node.patternProperties)) {
        const problem = linearRegExpProblem(name);
        if (problem !== undefined) {
          problems.push({ path: joinPath(base, [...path, 'patternProperties', name]), message: problem });
        }
      }
    }
  });
  return problems;
}
