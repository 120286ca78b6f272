/**
 * The fault the compiler raises for a pattern EventBridge would refuse; `patterns.ts` converts it, at the package's
 * edge, into the public `InvalidEventPatternError`.
 */

/** A pattern problem; `reason` is AWS's text. */
export class PatternFault extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'PatternFault';
  }
}

/** Refuses the pattern with AWS's reason text. */
export function barf(reason: string): never {
  throw new PatternFault(reason);
}
