/** The body a rule's target receives for an event. */
import type { StoredEvent } from './event-store';
import { type InputTransformer, renderInputTransformer, selectJsonPath } from './input-transformer';
import type { RuleDescription, TargetDefinition } from './types';

/**
 * What the target receives: its Input, the InputPath's selection, its InputTransformer's rendering,
 * or the whole event. Undefined when an InputTransformer renders invalid JSON.
 */
export function renderPayload(
  target: TargetDefinition,
  stored: StoredEvent,
  rule: RuleDescription,
): string | undefined {
  if (typeof target.Input === 'string') return target.Input;
  if (typeof target.InputPath === 'string' && target.InputPath !== '$') {
    const selected = selectJsonPath(stored.event, target.InputPath);
    return selected === undefined ? '' : JSON.stringify(selected);
  }
  const transformer = target.InputTransformer as InputTransformer | undefined;
  if (transformer && typeof transformer.InputTemplate === 'string') {
    return renderInputTransformer(transformer, stored.event, {
      ruleArn: rule.Arn,
      ruleName: rule.Name,
      ingestionTime: new Date(stored.ingestedAt).toISOString(),
    });
  }
  return stored.eventJson;
}
