import { createHash } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { asLearnedRate, checkRateRecord, type RateMemory } from '@tgfetch/core';
import { writeFileAtomic } from './atomic.js';
import { fromFsError } from './errors.js';
import { readTextIfAny } from './read-text.js';

export interface FileRateMemoryOptions {
  /** The folder of the rate files, one per account (`<account>.json`); made when missing. */
  dir: string;
}

/** A file name for any account: its own when it is a plain name (a user id), else a digest. */
const fileOf = (dir: string, account: string) =>
  path.join(
    dir,
    /^[A-Za-z0-9_-]{1,128}$/.test(account)
      ? `${account}.json`
      : `sha1-${createHash('sha1').update(account).digest('hex')}.json`,
  );

/**
 * Core's `RateMemory` in files: one small JSON file per account, replaced atomically. A
 * file that is not a rate (cut short, edited) is no rate: the pacer learns it again.
 */
export function createFileRateMemory(options: FileRateMemoryOptions): RateMemory {
  const { dir } = options;
  return {
    async load(account) {
      const file = fileOf(dir, account);
      const text = await readTextIfAny(file);
      if (text === undefined) return undefined;
      try {
        return asLearnedRate(JSON.parse(text));
      } catch {
        return undefined;
      }
    },
    async save(account, rate) {
      checkRateRecord(account, rate);
      const file = fileOf(dir, account);
      const { requestsPerSecond, burst, learnedAt, basisSec } = rate;
      const record = { requestsPerSecond, burst, learnedAt, basisSec };
      try {
        await mkdir(dir, { recursive: true });
        await writeFileAtomic(file, `${JSON.stringify(record)}\n`);
      } catch (error) {
        throw fromFsError(error, 'write', file);
      }
    },
  };
}
