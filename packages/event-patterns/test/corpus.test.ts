import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** Loads a fresh copy of the loader whose case folder is `dir` (the loader reads the folder it lives in). */
function loaderIn(dir: string): typeof import('@bridgeport/event-patterns/corpus') {
  const source = require.resolve('@bridgeport/event-patterns/corpus');
  const copy = path.join(dir, 'index.ts');
  copyFileSync(source, copy);
  return require(copy);
}

describe('the repository carries its EventBridge case sets', () => {
  const corpus =
    require('@bridgeport/event-patterns/corpus') as typeof import('@bridgeport/event-patterns/corpus');

  it('reads every case set from inside the package', () => {
    expect(corpus.CORPUS_DIR.startsWith(path.resolve(__dirname, '..'))).toBe(true);
    expect(corpus.loadPatternCases()).toHaveLength(181);
    expect(corpus.loadInputTransformerCases()).toHaveLength(32);
    expect(Object.keys(corpus.loadCityLotsBenchmark().rule_sets)).toHaveLength(14);
  });

  describe('a missing or broken case file', () => {
    let dir: string;
    beforeEach(() => {
      dir = mkdtempSync(path.join(tmpdir(), 'bridgeport-corpus-'));
    });
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    it('throws naming the file when it is absent', () => {
      const loader = loaderIn(dir);
      expect(() => loader.loadPatternCases()).toThrow(/localstack_cases\.jsonl is missing/);
    });

    it('throws when the file is empty', () => {
      writeFileSync(path.join(dir, 'localstack_input_transformer_cases.jsonl'), '\n');
      const loader = loaderIn(dir);
      expect(() => loader.loadInputTransformerCases()).toThrow(/is empty/);
    });

    it('throws naming the line that is not JSON', () => {
      writeFileSync(path.join(dir, 'localstack_cases.jsonl'), '{"name":"a"}\n{broken\n');
      const loader = loaderIn(dir);
      expect(() => loader.loadPatternCases()).toThrow(/line 2 is not JSON/);
    });
  });
});
