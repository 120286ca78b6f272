import { appendFile, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { GroupCommitFile, writeFileAtomic } from '../../src/index';

describe('GroupCommitFile', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'bridgeport-file-'));
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('cuts a torn last line off before appending, and tells how many bytes it dropped', async () => {
    const filePath = path.join(dir, 'log.jsonl');
    await appendFile(filePath, '{"a":1}\n{"a":');
    const dropped: number[] = [];

    const file = await GroupCommitFile.open(filePath, (bytes) => dropped.push(bytes));
    await file.append('{"a":2}\n');
    await file.close();

    expect(await readFile(filePath, 'utf8')).toBe('{"a":1}\n{"a":2}\n');
    expect(dropped).toEqual([5]);
  });

  it('leaves a file that ends with a newline as it is', async () => {
    const filePath = path.join(dir, 'log.jsonl');
    await appendFile(filePath, '{"a":1}\n');
    const dropped: number[] = [];

    const file = await GroupCommitFile.open(filePath, (bytes) => dropped.push(bytes));
    await file.append('{"a":2}\n');
    await file.close();

    expect(await readFile(filePath, 'utf8')).toBe('{"a":1}\n{"a":2}\n');
    expect(dropped).toEqual([]);
  });

  it('writes lazy records with the next append, and on their own shortly after when no append comes', async () => {
    const filePath = path.join(dir, 'log.jsonl');
    const file = await GroupCommitFile.open(filePath);

    file.appendLazy('{"lazy":1}\n');
    await file.append('{"a":1}\n');
    expect(await readFile(filePath, 'utf8')).toBe('{"lazy":1}\n{"a":1}\n');

    file.appendLazy('{"lazy":2}\n');
    for (let waited = 0; waited < 5000; waited += 10) {
      if ((await readFile(filePath, 'utf8')).endsWith('{"lazy":2}\n')) break;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(await readFile(filePath, 'utf8')).toBe('{"lazy":1}\n{"a":1}\n{"lazy":2}\n');
    await file.close();
  });

  it('writes lazy records still waiting when the file is closed', async () => {
    const filePath = path.join(dir, 'log.jsonl');
    const file = await GroupCommitFile.open(filePath);

    file.appendLazy('{"lazy":1}\n');
    await file.close();

    expect(await readFile(filePath, 'utf8')).toBe('{"lazy":1}\n');
  });
});

describe('writeFileAtomic', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'bridgeport-atomic-'));
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('creates the missing directory and leaves only the file behind', async () => {
    const filePath = path.join(dir, 'nested', 'state.json');

    await writeFileAtomic(filePath, '{"a":1}\n');

    expect(await readFile(filePath, 'utf8')).toBe('{"a":1}\n');
    expect(await readdir(path.join(dir, 'nested'))).toEqual(['state.json']);
  });

  it('applies writes of one file started at the same time in call order, each whole, so the last one called stays', async () => {
    const filePath = path.join(dir, 'state.json');
    const contents = Array.from(
      { length: 20 },
      (_, index) => `${JSON.stringify({ index, pad: 'x'.repeat(10_000) })}\n`,
    );

    await Promise.all(contents.map((content) => writeFileAtomic(filePath, content)));

    expect(await readFile(filePath, 'utf8')).toBe(contents[19]);
    expect(await readdir(dir)).toEqual(['state.json']);
  });
});
