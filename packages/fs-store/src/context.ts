import type { CorruptFileNotice } from './corrupt.js';
import type { DataDir } from './data-dir.js';
import type { ChatPlace, DayFormat } from './paths.js';

/**
 * What the day side and the progress side of one store share, made by `createFsStore`.
 * Its own module so that both sides depend on it and the factory depends on them, never
 * the other way round.
 */
export interface StoreContext {
  dir: DataDir;
  format: DayFormat;
  notify(notice: CorruptFileNotice): void;
  /** Runs `fn` holding the chat's write lock (in this process, then across processes). */
  withChatWrite<T>(place: ChatPlace, fn: (chatFolder: string) => Promise<T>): Promise<T>;
  /** Removes stale temp files in a folder, once per folder per store, best effort. */
  sweep(folder: string): Promise<void>;
}
