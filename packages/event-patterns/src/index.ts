export { DEFAULT_MAX_PATTERN_LENGTH, MAX_OR_COMBINATIONS } from './compiler';
export {
  EventPatternError,
  INVALID_PATTERN_PREFIX,
  InvalidEventError,
  InvalidEventPatternError,
} from './errors';
export {
  type CompiledPattern,
  check,
  compile,
  type PatternOptions,
  patternFieldPaths,
  RuleSet,
  testEventPattern,
} from './patterns';
