import { BusValidationError } from './errors';
import type { EventBridgeEvent } from './types';

/** A target's InputTransformer, as PutTargets receives it. */
export interface InputTransformer {
  readonly InputPathsMap?: Readonly<Record<string, string>>;
  readonly InputTemplate: string;
}

/** What the reserved placeholders (`<aws.events.rule-arn>`, …) refer to. */
export interface TransformContext {
  readonly ruleArn: string;
  readonly ruleName: string;
  /** ISO-8601 time at which the bus accepted the event. */
  readonly ingestionTime: string;
}

const RESERVED = new Set([
  'aws.events.rule-arn',
  'aws.events.rule-name',
  'aws.events.event.ingestion-time',
  'aws.events.event',
  'aws.events.event.json',
]);
const PLACEHOLDER = /<([A-Za-z0-9_.-]+)>/g;
const KEY = /^[A-Za-z0-9_-]+$/;

/** PutTargets' checks of an InputTransformer; throws AWS's ValidationException texts. */
export function validateInputTransformer(targetId: string, transformer: unknown): void {
  const { InputPathsMap: map = {}, InputTemplate: template } = (transformer ??
    {}) as Partial<InputTransformer>;
  if (typeof template !== 'string' || template.length < 1 || template.length > 8192) {
    throw new BusValidationError(
      `1 validation error detected: Value at 'inputTransformer.inputTemplate' failed to satisfy constraint: Member must have length between 1 and 8192`,
    );
  }
  const entries = Object.entries(map);
  if (entries.length > 100) {
    throw new BusValidationError(`InputPathsMap for target ${targetId} has more than 100 entries.`);
  }
  for (const [key, value] of entries) {
    if (!KEY.test(key) || key.length > 256 || key.startsWith('AWS.')) {
      throw new BusValidationError(`InputPathsMap for target ${targetId} has an invalid key ${key}.`);
    }
    if (typeof value !== 'string' || !value.startsWith('$') || value.length > 256) {
      throw new BusValidationError(
        `InputPathsMap for target ${targetId} has an invalid path for key ${key}.`,
      );
    }
  }
  for (const [, name] of template.matchAll(PLACEHOLDER)) {
    if (!RESERVED.has(name) && !Object.hasOwn(map, name)) {
      throw new BusValidationError(
        `InputTemplate for target ${targetId} contains invalid placeholder ${name}.`,
      );
    }
  }
}

/**
 * Renders an InputTransformer for one event, as EventBridge does: a placeholder in a JSON value position
 * becomes that value's JSON (`""` when the path is missing); inside a quoted string it is inlined raw
 * (objects and arrays unquoted, e.g. `{a:1}`, in a string template). A template that is a JSON object or
 * array must render to valid JSON: otherwise `undefined` (EventBridge drops such an invocation).
 */
export function renderInputTransformer(
  transformer: InputTransformer,
  event: EventBridgeEvent,
  context: TransformContext,
): string | undefined {
  const template = transformer.InputTemplate;
  const map = transformer.InputPathsMap ?? {};
  const jsonTemplate = /^\s*[{[]/.test(template);
  const values = new Map<string, unknown>();
  const placeholderValue = (name: string): unknown => {
    if (!values.has(name)) values.set(name, resolve(name, map, event, context));
    return values.get(name);
  };
  let out = '';
  let inString = false;
  for (let i = 0; i < template.length; i += 1) {
    const char = template[i];
    if (char === '\\' && inString) {
      out += template.slice(i, i + 2);
      i += 1;
      continue;
    }
    if (char === '"') inString = !inString;
    if (char === '<') {
      PLACEHOLDER.lastIndex = i;
      const match = PLACEHOLDER.exec(template);
      if (match && match.index === i && (RESERVED.has(match[1]) || Object.hasOwn(map, match[1]))) {
        const value = placeholderValue(match[1]);
        out += inString ? inline(value, jsonTemplate) : value === undefined ? '""' : JSON.stringify(value);
        i += match[0].length - 1;
        continue;
      }
    }
    out += char;
  }
  if (jsonTemplate) {
    try {
      JSON.parse(out);
    } catch {
      return undefined;
    }
  }
  return out;
}

function resolve(
  name: string,
  map: Readonly<Record<string, string>>,
  event: EventBridgeEvent,
  context: TransformContext,
): unknown {
  switch (name) {
    case 'aws.events.rule-arn':
      return context.ruleArn;
    case 'aws.events.rule-name':
      return context.ruleName;
    case 'aws.events.event.ingestion-time':
      return context.ingestionTime;
    case 'aws.events.event':
      // The envelope without detail, camelCase detailType, and the ingestion time (as AWS renders it).
      return {
        id: event.id,
        account: event.account,
        detailType: event['detail-type'],
        time: context.ingestionTime,
        source: event.source,
        region: event.region,
        resources: event.resources,
        version: event.version,
      };
    case 'aws.events.event.json':
      return event;
    default:
      return selectJsonPath(event, map[name]);
  }
}

/** A value placed inside a quoted string: strings raw; objects and arrays unquoted in string templates. */
function inline(value: unknown, jsonTemplate: boolean): string {
  if (value === undefined) return '';
  if (typeof value === 'string') return value;
  if (value !== null && typeof value === 'object' && !jsonTemplate) return unquoted(value);
  return JSON.stringify(value);
}

function unquoted(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(unquoted).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.entries(value)
      .map(([key, item]) => `${key}:${unquoted(item)}`)
      .join(',')}}`;
  }
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** A JSONPath subset: `$`, `$.a.b`, `$.a-b`, `$.a[0]`, `$['a.b']`. Undefined when the path is missing. */
export function selectJsonPath(root: unknown, jsonPath: string): unknown {
  const tokens = jsonPath.replace(/^\$/, '').match(/\.[^.[]+|\[\d+\]|\['[^']*'\]|\["[^"]*"\]/g) ?? [];
  let current: unknown = root;
  for (const token of tokens) {
    if (current === null || typeof current !== 'object') return undefined;
    const key = token.startsWith('.')
      ? token.slice(1)
      : /^\[\d+\]$/.test(token)
        ? Number(token.slice(1, -1))
        : token.slice(2, -2);
    current = (current as Record<string | number, unknown>)[key];
  }
  return current;
}
