import path from 'node:path';
import type { ChatLock } from '@tgfetch/core';
import { type DataDir, openDataDir } from './data-dir.js';
import { fromFsError } from './errors.js';
import { acquireFileLock, defaultFileLockOptions, type HeldLock } from './file-lock.js';
import { chatPlace } from './paths.js';

/** The file a command-long hold of a chat takes: `<dataDir>/<chat>/.lock`. */
export const CHAT_LOCK_FILE = '.lock';

export interface FsChatLockOptions {
  /** The data directory shared by the processes that must not fetch one chat at once. */
  dataDir: string;
  /** A hold not refreshed for this long (its holder hung or its host died) is taken over. @default 30000 */
  staleMs?: number;
  /** First delay between two tries while waiting. @default 10 */
  pollMinMs?: number;
  /** Longest delay between two tries while waiting. @default 250 */
  pollMaxMs?: number;
}

export interface FsChatLock extends ChatLock {
  /** Releases every hold still held through this lock. */
  close(): Promise<void>;
}

/**
 * Core's `ChatLock` across processes sharing `dataDir`: one holder per chat, whatever
 * process or host it runs in. A holder whose process died (same host) is replaced at once;
 * one that stopped refreshing its hold for `staleMs` is replaced too. Waiting polls with
 * growing delays and stops with an `AbortError` when `signal` aborts.
 */
export function createFsChatLock(options: FsChatLockOptions): FsChatLock {
  return chatLockOn(openDataDir(options.dataDir), options);
}

export function chatLockOn(dir: DataDir, options: Omit<FsChatLockOptions, 'dataDir'>): FsChatLock {
  const lockOptions = {
    staleMs: options.staleMs ?? defaultFileLockOptions.staleMs,
    pollMinMs: options.pollMinMs ?? defaultFileLockOptions.pollMinMs,
    pollMaxMs: options.pollMaxMs ?? defaultFileLockOptions.pollMaxMs,
  };
  const held = new Set<HeldLock>();
  return {
    async acquire(chat, signal) {
      const place = chatPlace(chat);
      let file = place.key;
      let hold: HeldLock;
      try {
        const folder = (await dir.chatFolder(place, true))!;
        file = path.join(folder, CHAT_LOCK_FILE);
        hold = await acquireFileLock(file, lockOptions, signal);
      } catch (error) {
        throw fromFsError(error, 'locking', file);
      }
      held.add(hold);
      return async () => {
        held.delete(hold);
        await hold.release();
      };
    },
    async close() {
      const all = [...held];
      held.clear();
      await Promise.all(all.map((hold) => hold.release()));
    },
  };
}
