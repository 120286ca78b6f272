/**
 * The EventBridge case sets this repository carries (see README.md beside this file): one loader for the
 * event-pattern tests and benchmark and the local bus's input-transformer tests. A missing or empty file throws,
 * so a suite that reads it fails at load instead of running without its cases.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** The folder holding the case files. */
export const CORPUS_DIR = __dirname;

export const CORPUS_FILES = {
  patternCases: 'localstack_cases.jsonl',
  inputTransformerCases: 'localstack_input_transformer_cases.jsonl',
  cityLotsBenchmark: 'eventruler_citylots_benchmark.json',
} as const;

export type CorpusFile = (typeof CORPUS_FILES)[keyof typeof CORPUS_FILES];

/** One AWS-validated event-pattern case (`localstack_cases.jsonl`). */
export interface PatternCase {
  readonly name: string;
  readonly event: unknown;
  readonly pattern: unknown;
  readonly expected: boolean | 'InvalidEventPatternException' | 'ValidationException';
  readonly aws_error?: { readonly Code: string; readonly Message: string };
}

/** event-ruler's CityLots rule sets with their expected match counts on the original data set. */
export interface CityLotsBenchmark {
  readonly rule_sets: Record<string, { readonly rules: object[]; readonly expected_match_counts: number[] }>;
}

function readCorpusFile(file: CorpusFile): string {
  const location = path.join(CORPUS_DIR, file);
  if (!existsSync(location)) {
    throw new Error(
      `EventBridge case file ${location} is missing; the repository carries it under ${CORPUS_DIR}`,
    );
  }
  const text = readFileSync(location, 'utf8');
  if (text.trim() === '') throw new Error(`EventBridge case file ${location} is empty`);
  return text;
}

/** Reads a JSON-lines case file: one case a line, blank lines ignored. */
export function loadJsonLines<T>(file: CorpusFile): T[] {
  return readCorpusFile(file)
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line, index) => {
      try {
        return JSON.parse(line) as T;
      } catch (error) {
        throw new Error(`${file} line ${index + 1} is not JSON: ${(error as Error).message}`);
      }
    });
}

/** The 181 event-pattern cases asserted against AWS `TestEventPattern`. */
export function loadPatternCases(): PatternCase[] {
  return loadJsonLines<PatternCase>(CORPUS_FILES.patternCases);
}

/** The InputPath / InputTransformer cases; the caller names the shape it reads. */
export function loadInputTransformerCases<T>(): T[] {
  return loadJsonLines<T>(CORPUS_FILES.inputTransformerCases);
}

export function loadCityLotsBenchmark(): CityLotsBenchmark {
  return JSON.parse(readCorpusFile(CORPUS_FILES.cityLotsBenchmark)) as CityLotsBenchmark;
}
