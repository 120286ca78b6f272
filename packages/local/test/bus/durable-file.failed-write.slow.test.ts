import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

describe('GroupCommitFile after a write that failed part-way', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'bridgeport-file-'));
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('cuts off what a failed write left, so that the next record starts a line of its own', async () => {
    const filePath = path.join(dir, 'log.jsonl');
    const fixture = path.join(__dirname, 'fixtures/failed-write.ts');
    // A 2048-byte file size limit makes the second append fail part-way (EFBIG).
    const stdout = await new Promise<string>((resolve, reject) => {
      execFile(
        '/bin/sh',
        ['-c', 'ulimit -f 2 && exec "$0" --import tsx "$1" "$2"', process.execPath, fixture, filePath],
        { cwd: path.resolve(__dirname, '../..') },
        (error, out, err) => (error ? reject(new Error(`${error.message}\n${err}`)) : resolve(out)),
      );
    });

    expect(stdout.trim().split('\n')).toEqual(['ok', 'EFBIG', 'ok']);
    const lines = (await readFile(filePath, 'utf8')).split('\n');
    expect(lines.map((line) => (JSON.parse(line || 'null') as { n: number } | null)?.n ?? null)).toEqual([
      1,
      3,
      null,
    ]);
  });
});
