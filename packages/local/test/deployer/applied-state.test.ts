import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { AppliedStateFile, digestOf } from '../../src/deployer/applied-state';

describe('the applied-state file', () => {
  let dir: string;
  let file: string;

  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'bridgeport-applied-'));
    file = path.join(dir, 'deployer', 'applied.json');
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('keeps the digest each manifest was applied from across a reopen, and forgets removed ones', async () => {
    const state = new AppliedStateFile(file, () => undefined);
    await state.load();
    state.remember('producers/b/1.json', digestOf('b'));
    state.remember('producers/a/1.json', digestOf('a'));
    state.remember('consumers/s.json', digestOf('s'));
    state.forget('consumers/s.json');
    await state.saved();

    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual({
      format: 1,
      applied: { 'producers/a/1.json': digestOf('a'), 'producers/b/1.json': digestOf('b') },
    });
    const reopened = new AppliedStateFile(file, () => undefined);
    await reopened.load();
    expect(reopened.digest('producers/a/1.json')).toBe(digestOf('a'));
    expect(reopened.digest('consumers/s.json')).toBeUndefined();
    expect([...reopened.keys()].sort()).toEqual(['producers/a/1.json', 'producers/b/1.json']);
  });

  it('starts empty without a file, and ignores (and logs) one it cannot read or of another format', async () => {
    const log: string[] = [];
    const missing = new AppliedStateFile(file, (line) => log.push(line));
    await missing.load();
    expect([...missing.keys()]).toEqual([]);

    await writeFile(path.join(dir, 'torn.json'), '{"format":1,"appl');
    const torn = new AppliedStateFile(path.join(dir, 'torn.json'), (line) => log.push(line));
    await torn.load();
    expect([...torn.keys()]).toEqual([]);
    expect(log).toEqual([expect.stringMatching(/^deployer: ignoring .*torn\.json, which cannot be read: /)]);

    await writeFile(path.join(dir, 'future.json'), JSON.stringify({ format: 2, applied: { k: 'd' } }));
    const future = new AppliedStateFile(path.join(dir, 'future.json'), () => undefined);
    await future.load();
    expect(future.digest('k')).toBeUndefined();
  });

  it('keeps digests in memory only without a file', async () => {
    const state = new AppliedStateFile(undefined, () => undefined);
    await state.load();
    state.remember('k', 'd');
    await state.saved();
    expect(state.digest('k')).toBe('d');
  });
});
