import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { ResumePoint, ResumeStore } from '@tgfetch/core';
import { writeFileAtomic } from './atomic.js';
import { FsStoreErrorCode, fromFsError, storeError } from './errors.js';
import { readTextIfAny } from './read-text.js';

export interface FsResumeStoreOptions {
  /** The store's folder: points are kept in its `.resume` folder, one file per key. */
  dataDir: string;
}

/** Longest key kept: a resume key names an account (`telegram:<user id>`), not data. */
const MAX_KEY_LENGTH = 128;

/**
 * Resume points of live follow beside the day files, for a deployment without Redis: one
 * small JSON file per key in `<dataDir>/.resume/`, replaced atomically (temp file, fsync,
 * rename, folder fsync), so a power cut leaves the previous point or the new one. The
 * folder starts with a dot, so no chat listing takes it for a chat.
 */
export function createFsResumeStore(options: FsResumeStoreOptions): ResumeStore {
  const dir = path.join(options.dataDir, '.resume');
  const fileOf = (key: string) => path.join(dir, `${fileName(key)}.json`);
  return {
    async load(key) {
      const file = fileOf(key);
      const text = await readTextIfAny(file);
      if (text === undefined) return undefined;
      try {
        const point: unknown = JSON.parse(text);
        if (point === null || typeof point !== 'object' || Array.isArray(point)) {
          throw new TypeError('not a JSON object');
        }
        return point as ResumePoint;
      } catch (error) {
        throw storeError(
          FsStoreErrorCode.STORE_CORRUPT,
          `The resume point ${file} is unreadable (${(error as Error).message}); it is left as found`,
          { cause: error },
        );
      }
    },
    async save(key, point) {
      const file = fileOf(key);
      const text = JSON.stringify(point);
      if (point === null || typeof point !== 'object' || Array.isArray(point) || !text) {
        throw new TypeError('A resume point must be a JSON object');
      }
      try {
        await mkdir(dir, { recursive: true });
        await writeFileAtomic(file, `${text}\n`);
      } catch (error) {
        throw fromFsError(error, 'write', file);
      }
    },
  };
}

/**
 * A key as a file name: letters, digits, `_` and `-` kept, every other byte as `%XX`, so
 * two keys never share a file and none leaves the folder.
 */
function fileName(key: string): string {
  if (typeof key !== 'string' || key.length === 0 || key.length > MAX_KEY_LENGTH) {
    // A caller's mistake, not input from a producer: keys are made by the follower.
    throw new TypeError(`A resume key must be a string of 1 to ${MAX_KEY_LENGTH} characters`);
  }
  return [...Buffer.from(key, 'utf8')]
    .map((byte) => {
      const c = String.fromCharCode(byte);
      return /[A-Za-z0-9_-]/.test(c) ? c : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
    })
    .join('');
}
