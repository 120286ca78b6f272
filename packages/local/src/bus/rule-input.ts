/**
 * The checks of the EventBridge API's rule and target input, worded as EventBridge words its validation errors.
 */
import { BusValidationError } from './errors';
import { validateInputTransformer } from './input-transformer';
import { RuleState, type TargetDefinition } from './types';

const NAME_PATTERN = /^[.\-_A-Za-z0-9]+$/;
export const BUS_NAME_PATTERN = /^[/.\-_A-Za-z0-9]+$/;
export const RULE_STATES: readonly string[] = Object.values(RuleState);

/** A rule or target name: 1 to `max` characters of `[.\-_A-Za-z0-9]`. */
export function validateName(name: unknown, field: string, max: number): void {
  if (typeof name !== 'string' || name.length < 1 || name.length > max) {
    throw new BusValidationError(
      `1 validation error detected: Value '${String(name)}' at '${field}' failed to satisfy constraint: Member must have length ${typeof name === 'string' && name.length > max ? `less than or equal to ${max}` : 'greater than or equal to 1'}`,
    );
  }
  if (!NAME_PATTERN.test(name)) {
    throw new BusValidationError(
      `1 validation error detected: Value '${name}' at '${field}' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\.\\-_A-Za-z0-9]+`,
    );
  }
}

/** A target of PutTargets: its id, ARN, one input form at most and its retry policy. */
export function validateTarget(target: TargetDefinition, position: number): void {
  const where = `targets.${position}.member`;
  if (typeof target !== 'object' || target === null) {
    throw new BusValidationError(
      `1 validation error detected: Value at '${where}' failed to satisfy constraint: Member must not be null`,
    );
  }
  validateName(target.Id, `${where}.id`, 64);
  if (typeof target.Arn !== 'string' || target.Arn.length < 1 || target.Arn.length > 1600) {
    throw new BusValidationError(
      `1 validation error detected: Value '${String(target.Arn)}' at '${where}.arn' failed to satisfy constraint: Member must have length between 1 and 1600`,
    );
  }
  const inputs = ['Input', 'InputPath', 'InputTransformer'].filter((field) => target[field] !== undefined);
  if (inputs.length > 1) {
    throw new BusValidationError(
      `Only one of Input, InputPath, or InputTransformer must be provided for target ${target.Id}.`,
    );
  }
  if (target.InputTransformer !== undefined) validateInputTransformer(target.Id, target.InputTransformer);
  const policy = target.RetryPolicy;
  if (policy !== undefined) {
    checkRange(policy.MaximumRetryAttempts, `${where}.retryPolicy.maximumRetryAttempts`, 0, 185);
    checkRange(policy.MaximumEventAgeInSeconds, `${where}.retryPolicy.maximumEventAgeInSeconds`, 60, 86400);
  }
}

function checkRange(value: number | undefined, where: string, min: number, max: number): void {
  if (value === undefined) return;
  if (!Number.isInteger(value) || value < min) {
    throw new BusValidationError(
      `1 validation error detected: Value '${value}' at '${where}' failed to satisfy constraint: Member must have value greater than or equal to ${min}`,
    );
  }
  if (value > max) {
    throw new BusValidationError(
      `1 validation error detected: Value '${value}' at '${where}' failed to satisfy constraint: Member must have value less than or equal to ${max}`,
    );
  }
}
