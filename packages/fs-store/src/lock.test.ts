import { readFile, stat, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { AbortError } from '@tgfetch/core';
import { tempDir } from '@tgfetch/test-utils';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CHAT_LOCK_FILE, createFsChatLock, type FsChatLock } from './chat-lock.js';
import { acquireFileLock } from './file-lock.js';
import { hostTag } from './process-info.js';
import { useChild } from './testing-fixtures/child-runner.js';
import { deadPid } from './testing-fixtures/dead-pid.js';

const CHAT = '@locked';
const never = () => new AbortController().signal;

let dir: string;
let cleanup: () => Promise<void>;
let lock: FsChatLock;
const lockFile = () => path.join(dir, 'locked', CHAT_LOCK_FILE);
const holder = async () => JSON.parse(await readFile(lockFile(), 'utf8'));

beforeEach(async () => {
  ({ dir, cleanup } = await tempDir());
  lock = createFsChatLock({ dataDir: dir, pollMinMs: 2, pollMaxMs: 20 });
});

afterEach(async () => {
  await lock.close();
  await cleanup();
});

async function plantLock(info: Record<string, unknown>, ageMs = 0) {
  const release = await lock.acquire(CHAT, never());
  await release();
  await writeFile(lockFile(), JSON.stringify({ token: 'planted', acquired_at: 'x', ...info }));
  const when = new Date(Date.now() - ageMs);
  await utimes(lockFile(), when, when);
}

describe('fs chat lock', () => {
  it('writes pid, host and token, and removes the file on release', async () => {
    const release = await lock.acquire(CHAT, never());
    expect(await holder()).toMatchObject({ pid: process.pid, host: hostTag() });
    await release();
    await expect(stat(lockFile())).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('keeps a second holder out until the first releases', async () => {
    const order: string[] = [];
    const first = await lock.acquire(CHAT, never());
    const second = lock.acquire(CHAT, never()).then((release) => {
      order.push('second');
      return release;
    });
    // Real work while holding: the second acquire polls meanwhile.
    for (let i = 0; i < 5; i++) await holder();
    order.push('first released');
    await first();
    await (await second)();
    expect(order).toEqual(['first released', 'second']);
  });

  it('takes over a lock left by a dead process', async () => {
    await plantLock({ pid: await deadPid(), host: hostTag() });
    const release = await lock.acquire(CHAT, never());
    expect((await holder()).pid).toBe(process.pid);
    await release();
  });

  it('takes over a lock from another host only once it is older than staleMs', async () => {
    const stale = createFsChatLock({ dataDir: dir, staleMs: 1_000, pollMinMs: 2 });
    await plantLock({ pid: 1, host: 'ffffffff' }, 5_000);
    const release = await stale.acquire(CHAT, never());
    expect((await holder()).pid).toBe(process.pid);
    await release();

    await plantLock({ pid: 1, host: 'ffffffff' });
    await expect(stale.acquire(CHAT, AbortSignal.timeout(50))).rejects.toBeInstanceOf(AbortError);
    expect((await holder()).token).toBe('planted');
    await stale.close();
  });

  it('stops waiting when the signal aborts, and at once when it already has', async () => {
    const release = await lock.acquire(CHAT, never());
    const controller = new AbortController();
    const waiting = lock.acquire(CHAT, controller.signal);
    controller.abort();
    await expect(waiting).rejects.toMatchObject({ code: 'ABORTED' });
    await expect(lock.acquire('@other', controller.signal)).rejects.toBeInstanceOf(AbortError);
    await release();
  });

  it('lets exactly one of many waiters through a dead holder at a time', async () => {
    await plantLock({ pid: await deadPid(), host: hostTag() });
    const locks = Array.from({ length: 6 }, () =>
      createFsChatLock({ dataDir: dir, pollMinMs: 1, pollMaxMs: 5 }),
    );
    let inside = 0;
    let most = 0;
    await Promise.all(
      locks.map(async (l) => {
        const release = await l.acquire(CHAT, never());
        inside++;
        most = Math.max(most, inside);
        await holder();
        await holder();
        inside--;
        await release();
      }),
    );
    expect(most).toBe(1);
    await Promise.all(locks.map((l) => l.close()));
  });

  it('refreshes a held lock so that it never looks stale', async () => {
    const file = path.join(dir, 'refresh.lock');
    const held = await acquireFileLock(file, { staleMs: 60, pollMinMs: 1, pollMaxMs: 5 });
    const first = (await stat(file)).mtimeMs;
    const deadline = Date.now() + 5_000;
    while ((await stat(file)).mtimeMs === first && Date.now() < deadline) {
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect((await stat(file)).mtimeMs).toBeGreaterThan(first);
    expect(held.lost).toBe(false);
    await held.release();
  });

  it('gives up with LOCK_TIMEOUT when told to', async () => {
    const file = path.join(dir, 'busy.lock');
    const held = await acquireFileLock(file, { staleMs: 30_000, pollMinMs: 1, pollMaxMs: 5 });
    await expect(
      acquireFileLock(file, { staleMs: 30_000, pollMinMs: 1, pollMaxMs: 5, timeoutMs: 30 }),
    ).rejects.toMatchObject({ code: 'LOCK_TIMEOUT', retryable: true });
    await held.release();
  });
});

describe('fs chat lock across processes', () => {
  const bundled = useChild();

  it('is held by a live process and taken over once it is killed', async () => {
    const child = bundled.spawn('hold', dir, CHAT);
    await child.waitFor((c) => c.jsonLines().length > 0, { what: 'the lock to be held' });
    expect((await holder()).pid).toBe(child.child.pid);
    await expect(lock.acquire(CHAT, AbortSignal.timeout(100))).rejects.toBeInstanceOf(AbortError);
    const waiting = lock.acquire(CHAT, never());
    child.child.kill('SIGKILL');
    await child.exited;
    const release = await waiting;
    expect((await holder()).pid).toBe(process.pid);
    await release();
  });
});
