import { mkdir, realpath } from 'node:fs/promises';
import path from 'node:path';
import type { IsoDate } from '@tgfetch/core';
import { type ChatPlace, type DayFormat, dayFileName, safeFolder } from './paths.js';

/**
 * The data directory of one store or lock: its resolved location (the base of every
 * `location` we report) and its real path (what every folder is checked against).
 */
export interface DataDir {
  /** `dataDir` as given, made absolute against the working directory at creation. */
  readonly base: string;
  /** The real path of `dataDir` (created if missing). */
  root(): Promise<string>;
  /** The real path of a chat's folder, made when `create`; undefined when absent. */
  chatFolder(place: ChatPlace, create: boolean): Promise<string | undefined>;
  /** The real path of a year folder (`YYYY`) in a chat folder, made when `create`. */
  yearFolder(chatFolder: string, year: string, create: boolean): Promise<string | undefined>;
  /**
   * Where a day file lives relative to the data directory, `/`-separated
   * (`ru_python/2025/discussions_2025-11-07.json`): what progress records hold.
   */
  location(place: ChatPlace, date: IsoDate, format: DayFormat): string;
}

export function openDataDir(dataDir: string): DataDir {
  if (typeof dataDir !== 'string' || dataDir.length === 0) {
    throw new TypeError('dataDir must be a non-empty path');
  }
  const base = path.resolve(dataDir);
  let root: Promise<string> | undefined;
  const getRoot = () => {
    root ??= mkdir(base, { recursive: true })
      .then(() => realpath(base))
      .catch((error: unknown) => {
        root = undefined; // let a later call try again (the disk may come back)
        throw error;
      });
    return root;
  };
  return {
    base,
    root: getRoot,
    async chatFolder(place, create) {
      const real = await getRoot();
      return safeFolder(real, real, place.key, create);
    },
    async yearFolder(chatFolder, year, create) {
      return safeFolder(await getRoot(), chatFolder, year, create, chatFolder);
    },
    location(place, date, format) {
      return [place.key, date.slice(0, 4), dayFileName(date, format)].join('/');
    },
  };
}
