import { randomBytes } from 'node:crypto';
import { link, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { AbortError, type Backoff, backoffDelay, systemClock } from '@tgfetch/core';
import { tempName } from './atomic.js';
import { errnoCode, FsStoreErrorCode, storeError } from './errors.js';
import { hostTag, isOwnerDead } from './process-info.js';

/**
 * A lock shared by every process that sees the same folder: a file created only if absent.
 *
 * - The lock file appears whole: its content (pid, host, token) is written to a temp file
 *   first and hard-linked into place, and `link` fails when the name exists.
 * - The holder touches the file every `staleMs / 3`; a lock whose holder is a dead pid on
 *   this host, or that nobody has touched for `staleMs`, is stale and may be taken over.
 * - Taking over needs a second, short-lived lock (`<file>.break`) and a re-read of the
 *   holder's token under it, so two waiters that both saw the same stale lock cannot remove
 *   the fresh lock one of them has just made.
 */

export interface FileLockOptions {
  /** A lock not touched for this long is taken over, whoever holds it. @default 30_000 */
  staleMs: number;
  /** First delay between two tries. @default 10 */
  pollMinMs: number;
  /** Longest delay between two tries (the delay grows by half each try). @default 250 */
  pollMaxMs: number;
  /** Give up with `LOCK_TIMEOUT` after this long; unset waits until `signal` aborts. */
  timeoutMs?: number;
}

export const defaultFileLockOptions: FileLockOptions = {
  staleMs: 30_000,
  pollMinMs: 10,
  pollMaxMs: 250,
};

export interface HeldLock {
  /** Removes the lock if it is still ours. Safe to call twice. */
  release(): Promise<void>;
  /** True once the lock was found taken over by another holder. */
  readonly lost: boolean;
}

interface LockInfo {
  pid: number;
  host: string;
  token: string;
  acquired_at: string;
}

interface LockState {
  info: LockInfo | undefined;
  mtimeMs: number;
}

export async function acquireFileLock(
  file: string,
  options: FileLockOptions,
  signal?: AbortSignal,
): Promise<HeldLock> {
  const started = Date.now();
  const backoff: Backoff = {
    baseMs: options.pollMinMs,
    maxMs: options.pollMaxMs,
    factor: 1.5,
    jitter: { extra: 0.5 },
  };
  for (let attempt = 0; ; ) {
    if (signal?.aborted) throw new AbortError('Aborted while waiting for a lock');
    const token = randomBytes(12).toString('hex');
    if (await tryCreate(file, token)) return hold(file, token, options.staleMs);
    const state = await readLock(file);
    if (!state) continue; // released between our try and our look: try again at once
    if (isStale(state, options.staleMs) && (await breakStale(file, state, options.staleMs))) {
      continue;
    }
    if (options.timeoutMs !== undefined && Date.now() - started >= options.timeoutMs) {
      throw storeError(
        FsStoreErrorCode.LOCK_TIMEOUT,
        `${file} is still held by pid ${state.info?.pid ?? '?'} after ${options.timeoutMs} ms`,
      );
    }
    await systemClock.sleep(backoffDelay(attempt++, backoff), signal);
  }
}

function hold(file: string, token: string, staleMs: number): HeldLock {
  let lost = false;
  let released = false;
  const refresh = async () => {
    const state = await readLock(file).catch(() => undefined);
    if (state?.info?.token !== token) {
      lost = true;
      clearInterval(timer);
      return;
    }
    const now = new Date();
    await utimes(file, now, now).catch(() => undefined);
  };
  const timer = setInterval(() => void refresh(), Math.max(10, Math.floor(staleMs / 3)));
  // A held lock must not keep the process alive on its own.
  timer.unref();
  return {
    get lost() {
      return lost;
    },
    async release() {
      if (released) return;
      released = true;
      clearInterval(timer);
      await removeIfHeldBy(file, token);
    },
  };
}

async function tryCreate(file: string, token: string): Promise<boolean> {
  const info: LockInfo = {
    pid: process.pid,
    host: hostTag(),
    token,
    acquired_at: new Date().toISOString(),
  };
  const temp = path.join(path.dirname(file), tempName(path.basename(file)));
  await writeFile(temp, JSON.stringify(info), { flag: 'wx' });
  try {
    await link(temp, file);
    return true;
  } catch (error) {
    const code = errnoCode(error);
    if (code === 'EEXIST') return false;
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'ENOSYS') throw error;
    // No hard links here (some network and FUSE file systems): create in place instead;
    // the empty instant before the write only looks stale once `staleMs` has passed.
    try {
      await writeFile(file, JSON.stringify(info), { flag: 'wx' });
      return true;
    } catch (inner) {
      if (errnoCode(inner) === 'EEXIST') return false;
      throw inner;
    }
  } finally {
    await rm(temp, { force: true });
  }
}

async function readLock(file: string): Promise<LockState | undefined> {
  try {
    const [text, info] = await Promise.all([readFile(file, 'utf8'), stat(file)]);
    return { info: parseInfo(text), mtimeMs: info.mtimeMs };
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return undefined;
    throw error;
  }
}

function parseInfo(text: string): LockInfo | undefined {
  try {
    const info = JSON.parse(text) as Partial<LockInfo> | null;
    if (
      typeof info?.pid === 'number' &&
      typeof info.host === 'string' &&
      typeof info.token === 'string'
    ) {
      return info as LockInfo;
    }
  } catch {
    // Unreadable content: only age can make it stale.
  }
  return undefined;
}

function isStale(state: LockState, staleMs: number): boolean {
  if (state.info && isOwnerDead(state.info.host, state.info.pid)) return true;
  return Date.now() - state.mtimeMs > staleMs;
}

function sameHolder(a: LockState, b: LockState): boolean {
  return a.info && b.info ? a.info.token === b.info.token : a.mtimeMs === b.mtimeMs;
}

/** Removes the stale lock unless someone else is already at it (then false: wait a little). */
async function breakStale(file: string, seen: LockState, staleMs: number): Promise<boolean> {
  const breaker = `${file}.break`;
  const token = randomBytes(12).toString('hex');
  if (!(await tryCreate(breaker, token))) {
    // A breaker holds for milliseconds; one that lingers was left by a crash.
    const state = await readLock(breaker);
    if (state && isStale(state, Math.min(staleMs, 5_000))) {
      await rm(breaker, { force: true });
      return true;
    }
    return false;
  }
  try {
    const now = await readLock(file);
    if (now && sameHolder(now, seen)) await rm(file, { force: true });
  } finally {
    await removeIfHeldBy(breaker, token);
  }
  return true;
}

async function removeIfHeldBy(file: string, token: string): Promise<void> {
  const state = await readLock(file).catch(() => undefined);
  if (state?.info?.token === token) await rm(file, { force: true });
}
