import { patternFieldPaths } from '@bridgeport/event-patterns';

describe('patternFieldPaths', () => {
  it('lists the path of every tested field', () => {
    expect(patternFieldPaths({ detail: { data: { a: { b: [1] } } } })).toEqual([
      ['detail', 'data', 'a', 'b'],
    ]);
    expect(
      patternFieldPaths({ source: ['x'], detail: { n: [{ numeric: ['>', 1] }], m: [{ exists: false }] } }),
    ).toEqual([['source'], ['detail', 'n'], ['detail', 'm']]);
  });

  it('expands $or branches and lists each path once', () => {
    expect(patternFieldPaths({ detail: { data: { $or: [{ a: [1] }, { b: [2] }] }, kind: ['k'] } })).toEqual([
      ['detail', 'data', 'a'],
      ['detail', 'kind'],
      ['detail', 'data', 'b'],
    ]);
  });

  it('splits dot-joined keys into the nested path they match', () => {
    expect(patternFieldPaths({ detail: { 'data.a': ['x'] } })).toEqual([['detail', 'data', 'a']]);
  });

  it('throws for an invalid pattern', () => {
    expect(() => patternFieldPaths({ detail: {} })).toThrow(
      'Event pattern is not valid. Reason: Empty objects are not allowed',
    );
  });
});
