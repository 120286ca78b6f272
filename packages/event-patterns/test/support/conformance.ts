import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

export interface ConformanceCase {
  readonly name: string;
  readonly event: unknown;
  readonly pattern: unknown;
  readonly expected: boolean | 'InvalidEventPatternException' | 'ValidationException';
  readonly aws_error?: { readonly Code: string; readonly Message: string };
}

/**
 * Finds `shared/conformance` beside the repository (or any ancestor of this folder), so the suite runs wherever the
 * repository is cloned as long as `shared/` sits next to it.
 */
export function conformanceDir(): string {
  const fromEnv = process.env.BRIDGEPORT_CONFORMANCE_DIR;
  if (fromEnv) return fromEnv;
  let dir = __dirname;
  for (;;) {
    const candidate = path.join(dir, 'shared', 'conformance');
    if (existsSync(path.join(candidate, 'localstack_cases.jsonl'))) return candidate;
    const parent = path.dirname(dir);
    if (parent === dir) {
      throw new Error(`shared/conformance not found above ${__dirname}; set BRIDGEPORT_CONFORMANCE_DIR`);
    }
    dir = parent;
  }
}

export function loadCases(file = 'localstack_cases.jsonl'): ConformanceCase[] {
  return readFileSync(path.join(conformanceDir(), file), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as ConformanceCase);
}
