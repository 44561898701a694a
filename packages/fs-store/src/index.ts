export { fsyncDir, isTempName, removeStaleTemps, writeFileAtomic } from './atomic.js';
export {
  CHAT_LOCK_FILE,
  createFsChatLock,
  type FsChatLock,
  type FsChatLockOptions,
} from './chat-lock.js';
export { decodeDay, encodeDay } from './day-file.js';
export { FsStoreErrorCode, fromFsError } from './errors.js';
export { acquireFileLock, type FileLockOptions, type HeldLock } from './file-lock.js';
export { type DayFormat, dayFileName, parseDayFileName } from './paths.js';
export type { ProgressFile } from './progress-file.js';
export { PROGRESS_FILE } from './progress-files.js';
export {
  type CorruptFileNotice,
  createFsStore,
  type FsStore,
  type FsStoreOptions,
  WRITE_LOCK_FILE,
} from './store.js';

export const name = '@tgfetch/fs-store';
