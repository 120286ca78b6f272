import {
  check,
  INVALID_PATTERN_PREFIX,
  InvalidEventError,
  InvalidEventPatternError,
  RuleSet,
  testEventPattern,
} from '@bridgeport/event-patterns';
import { loadPatternCases, type PatternCase } from '@bridgeport/event-patterns/corpus';

const cases = loadPatternCases();

function input(value: unknown): string | object {
  return typeof value === 'string' ? value : (value as object);
}

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}

describe('EventBridge conformance (localstack_cases.jsonl, validated against AWS)', () => {
  it('loads all 181 AWS-validated cases', () => {
    expect(cases).toHaveLength(181);
  });

  describe.each(cases.map((c): [string, PatternCase] => [c.name, c]))('%s', (_name, c) => {
    if (typeof c.expected === 'boolean') {
      it(`TestEventPattern returns ${c.expected}`, () => {
        expect(testEventPattern(input(c.event), input(c.pattern))).toBe(c.expected);
      });
    } else if (c.expected === 'InvalidEventPatternException') {
      it('rejects the pattern with InvalidEventPatternException', () => {
        const error = thrown(() => testEventPattern(input(c.event), input(c.pattern)));
        expect(error).toBeInstanceOf(InvalidEventPatternError);
        expect((error as InvalidEventPatternError).code).toBe('InvalidEventPatternException');
        if (c.aws_error) {
          expect((error as Error).message).toBe(c.aws_error.Message);
          expect(check(input(c.pattern))).toBe(c.aws_error.Message.slice(INVALID_PATTERN_PREFIX.length));
        }
      });
    } else {
      it('rejects the event with ValidationException', () => {
        const error = thrown(() => testEventPattern(input(c.event), input(c.pattern)));
        expect(error).toBeInstanceOf(InvalidEventError);
        expect((error as InvalidEventError).code).toBe('ValidationException');
        expect((error as Error).message).toBe(c.aws_error?.Message ?? 'Parameter Event is not valid.');
      });
    }
  });

  it('gives the same verdicts when every valid case is loaded into one RuleSet', () => {
    const matching = cases.filter((c) => typeof c.expected === 'boolean');
    const rules = new RuleSet();
    matching.forEach((c, i) => {
      rules.add(`rule-${i}`, input(c.pattern));
    });
    matching.forEach((c, i) => {
      const event: unknown = typeof c.event === 'string' ? JSON.parse(c.event) : c.event;
      expect({ name: c.name, matched: rules.matches(event).includes(`rule-${i}`) }).toEqual({
        name: c.name,
        matched: c.expected,
      });
    });
  });

  it('gives the same verdicts from the event as JSON text (RuleSet.matchesJson)', () => {
    const matching = cases.filter((c) => typeof c.expected === 'boolean');
    const rules = new RuleSet();
    matching.forEach((c, i) => {
      rules.add(`rule-${i}`, input(c.pattern));
    });
    matching.forEach((c, i) => {
      const text = typeof c.event === 'string' ? c.event : JSON.stringify(c.event);
      expect({ name: c.name, matched: rules.matchesJson(text).includes(`rule-${i}`) }).toEqual({
        name: c.name,
        matched: c.expected,
      });
    });
  });
});
