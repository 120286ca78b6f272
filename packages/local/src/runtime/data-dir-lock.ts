/**
 * One runtime per data directory. The lock is the file `bridgeport.pid` holding the owner's process id, created
 * whole or not at all (written under a private name, then hard-linked into place, which fails when the file
 * exists), so two starts at the same moment cannot both take it. A lock whose process is gone (after a crash) is
 * taken over; takeovers go one at a time through `bridgeport.pid.takeover`, created the same way, and the lock is
 * replaced only after it is read again, under that guard, still naming the dead process.
 */
import { randomBytes } from 'node:crypto';
import { link, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { DataDirectoryLockedError, errorCode } from './errors';

export const LOCK_FILE = 'bridgeport.pid';

/** Data directories this process holds (or is taking): a pid file naming this process may be an earlier life's. */
const heldHere = new Set<string>();

/** A held data directory lock. */
export interface DataDirectoryLock {
  readonly dataDir: string;
  /** Removes the lock file; the directory can be taken again. */
  release(): Promise<void>;
}

/**
 * Takes the lock of `dataDir` (an absolute, existing directory) for this process, or throws
 * `DataDirectoryLockedError` naming the directory and the process that holds it.
 */
export async function lockDataDir(dataDir: string): Promise<DataDirectoryLock> {
  if (heldHere.has(dataDir)) throw new DataDirectoryLockedError(dataDir, process.pid);
  heldHere.add(dataDir);
  const lockFile = path.join(dataDir, LOCK_FILE);
  let draft: string | undefined;
  try {
    draft = await writeDraft(lockFile);
    await claim(dataDir, lockFile, draft);
  } catch (error) {
    heldHere.delete(dataDir);
    throw error;
  } finally {
    if (draft !== undefined) await rm(draft, { force: true });
  }
  let released = false;
  return {
    dataDir,
    release: async () => {
      if (released) return;
      released = true;
      heldHere.delete(dataDir);
      await rm(lockFile, { force: true });
    },
  };
}

async function claim(dataDir: string, lockFile: string, draft: string): Promise<void> {
  for (;;) {
    if (await createFrom(draft, lockFile)) return;
    const owner = await readOwner(lockFile);
    if (owner === undefined) continue; // released meanwhile: try again
    if (isHeld(owner)) throw new DataDirectoryLockedError(dataDir, owner);
    if (await takeOver(dataDir, lockFile, draft, owner)) return;
  }
}

/** Replaces the lock of the dead `owner` with this process's; false when the lock was released meanwhile. */
async function takeOver(dataDir: string, lockFile: string, draft: string, owner: number): Promise<boolean> {
  const guard = `${lockFile}.takeover`;
  while (!(await createFrom(draft, guard))) {
    const taker = await readOwner(guard);
    if (taker === undefined) continue;
    if (isHeld(taker)) throw new DataDirectoryLockedError(dataDir, taker);
    // A process that died while taking the lock over (or this process in an earlier life) left its guard behind.
    await rm(guard, { force: true });
  }
  try {
    const current = await readOwner(lockFile);
    if (current === undefined) return false;
    if (current !== owner && isHeld(current)) throw new DataDirectoryLockedError(dataDir, current);
    const replacement = await writeDraft(lockFile);
    await rename(replacement, lockFile);
    return true;
  } finally {
    await rm(guard, { force: true });
  }
}

/** Whether `pid` holds a lock: a live process, or this one when it holds the directory already. */
function isHeld(pid: number): boolean {
  return pid === process.pid ? false : isAlive(pid);
}

/** A private file holding this process's id, to be linked (or renamed) into place. */
async function writeDraft(lockFile: string): Promise<string> {
  const draft = `${lockFile}.${process.pid}.${randomBytes(6).toString('hex')}`;
  await writeFile(draft, `${process.pid}\n`, { flag: 'wx' });
  return draft;
}

/** Links `draft` to `file`; false when `file` exists. */
async function createFrom(draft: string, file: string): Promise<boolean> {
  try {
    await link(draft, file);
    return true;
  } catch (error) {
    if (errorCode(error) === 'EEXIST') return false;
    throw error;
  }
}

/** The process id in a lock file; undefined when the file is gone. */
async function readOwner(file: string): Promise<number | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return undefined;
    throw error;
  }
  const pid = Number(text.trim());
  // A lock that does not name a process (an empty or damaged file) holds nothing.
  return Number.isInteger(pid) && pid > 0 ? pid : 0;
}

function isAlive(pid: number): boolean {
  if (pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return errorCode(error) === 'EPERM';
  }
}
