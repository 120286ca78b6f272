/**
 * One runtime per data directory. The lock is the file `bridgeport.pid` holding the owner's process id, created
 * whole or not at all (written under a private name, then hard-linked into place, which fails when the file
 * exists), so two starts at the same moment cannot both take it. A lock whose process is gone (after a crash) is
 * taken over; takeovers go one at a time through the guard `bridgeport.pid.takeover`, and the lock is replaced only
 * after it is read again, under that guard, still naming the dead process.
 *
 * The guard is a folder holding one file named after its taker (`{pid}.{random}`), made whole under a private name
 * and renamed into place (a rename fails onto a folder that is not empty). A guard left by a taker that died is
 * removed by deleting exactly the file found naming the dead taker, then the folder only if it is empty: a guard
 * taken meanwhile by a live process holds its own file, so it is never removed in its place, and of several starts
 * meeting a dead taker's guard exactly one takes the guard next. A start that finds a live process taking the lock
 * over waits for it (up to 5 s), then reads the lock again, so it names whoever won.
 */
import { randomBytes } from 'node:crypto';
import { link, mkdir, readdir, readFile, rename, rm, rmdir, unlink, writeFile } from 'node:fs/promises';
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

/** How long a start waits for another process's takeover to end before it names that process as the holder. */
const TAKEOVER_WAIT_MS = 5_000;

async function claim(dataDir: string, lockFile: string, draft: string): Promise<void> {
  const waitUntil = Date.now() + TAKEOVER_WAIT_MS;
  for (;;) {
    if (await createFrom(draft, lockFile)) return;
    const owner = await readOwner(lockFile);
    if (owner === undefined) continue; // released meanwhile: try again
    if (isHeld(owner)) throw new DataDirectoryLockedError(dataDir, owner);
    const takeover = await takeOver(dataDir, lockFile, owner);
    if (takeover.outcome === 'taken') return;
    if (takeover.outcome === 'busy') {
      // Another live process is taking the lock over: once it is done, the lock names whoever won.
      if (Date.now() >= waitUntil) throw new DataDirectoryLockedError(dataDir, takeover.taker);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }
}

/** What a takeover came to: the lock taken, the lock released meanwhile, or the guard held by a live `taker`. */
type Takeover =
  | { readonly outcome: 'taken' | 'released' }
  | { readonly outcome: 'busy'; readonly taker: number };

/** Replaces the lock of the dead `owner` with this process's, under the takeover guard. */
async function takeOver(dataDir: string, lockFile: string, owner: number): Promise<Takeover> {
  const guard = await takeGuard(`${lockFile}.takeover`);
  if (typeof guard === 'number') return { outcome: 'busy', taker: guard };
  try {
    const current = await readOwner(lockFile);
    if (current === undefined) return { outcome: 'released' };
    if (current !== owner && isHeld(current)) throw new DataDirectoryLockedError(dataDir, current);
    const replacement = await writeDraft(lockFile);
    await rename(replacement, lockFile);
    return { outcome: 'taken' };
  } finally {
    await leaveGuard(guard);
  }
}

/** The guard held by this process: its folder and the file in it naming this process. */
interface Guard {
  readonly folder: string;
  readonly taker: string;
}

/**
 * Takes the takeover guard `folder`, removing one left by a taker that is gone; the id of a live process that
 * holds it instead.
 */
async function takeGuard(folder: string): Promise<Guard | number> {
  const taker = `${process.pid}.${randomBytes(6).toString('hex')}`;
  const draft = `${folder}.${taker}`;
  await mkdir(draft);
  try {
    await writeFile(path.join(draft, taker), `${process.pid}\n`, { flag: 'wx' });
    for (;;) {
      if (await renameUnlessTaken(draft, folder)) return { folder, taker };
      const live = await removeDeadGuard(folder);
      if (live !== undefined) return live;
    }
  } finally {
    await rm(draft, { recursive: true, force: true });
  }
}

/** Renames the folder `draft` to `folder`; false when `folder` is taken (a folder that is not empty, or a file). */
async function renameUnlessTaken(draft: string, folder: string): Promise<boolean> {
  try {
    await rename(draft, folder);
    return true;
  } catch (error) {
    const code = errorCode(error);
    if (code === 'ENOTEMPTY' || code === 'EEXIST' || code === 'ENOTDIR' || code === 'EISDIR') return false;
    throw error;
  }
}

/**
 * Removes the guard `folder` when every taker it names is gone (it died taking the lock over, or it is this process
 * in an earlier life); the id of a live one instead. Only the files found are deleted, and the folder only when
 * empty, so a guard taken again meanwhile stays.
 */
async function removeDeadGuard(folder: string): Promise<number | undefined> {
  let takers: string[];
  try {
    takers = await readdir(folder);
  } catch (error) {
    const code = errorCode(error);
    if (code === 'ENOENT') return undefined; // removed meanwhile: try again
    if (code !== 'ENOTDIR') throw error;
    return removeDeadGuardFile(folder);
  }
  for (const taker of takers) {
    const pid = Number(taker.split('.')[0]);
    if (Number.isInteger(pid) && isHeld(pid)) return pid;
  }
  for (const taker of takers) await ignoring(['ENOENT'], () => unlink(path.join(folder, taker)));
  await ignoring(['ENOENT', 'ENOTEMPTY', 'EEXIST'], () => rmdir(folder));
  return undefined;
}

/** The guard file of an earlier version; `unlink` never removes a folder, so never a guard taken meanwhile. */
async function removeDeadGuardFile(file: string): Promise<number | undefined> {
  let taker: number | undefined;
  try {
    taker = await readOwner(file);
  } catch (error) {
    if (errorCode(error) === 'EISDIR') return undefined; // replaced by a guard folder meanwhile: try again
    throw error;
  }
  if (taker !== undefined && isHeld(taker)) return taker;
  await ignoring(['ENOENT', 'EISDIR', 'EPERM'], () => unlink(file));
  return undefined;
}

/** Gives the guard up: this process's file, then the folder unless another process has taken it since. */
async function leaveGuard(guard: Guard): Promise<void> {
  await ignoring(['ENOENT'], () => unlink(path.join(guard.folder, guard.taker)));
  await ignoring(['ENOENT', 'ENOTEMPTY', 'EEXIST'], () => rmdir(guard.folder));
}

/** Runs `work`, ignoring a failure with one of `codes` (what it would remove is gone, or was taken again). */
async function ignoring(codes: readonly string[], work: () => Promise<unknown>): Promise<void> {
  try {
    await work();
  } catch (error) {
    const code = errorCode(error);
    if (code === undefined || !codes.includes(code)) throw error;
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
