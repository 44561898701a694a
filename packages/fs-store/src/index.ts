/**
 * The public surface: the store's factory, the cross-process chat lock's factory, their
 * options, and the codes of the errors they raise (core `TgfetchError`s) with their table. Everything else
 * is internal and may change in any release.
 */
export { createFsChatLock, type FsChatLock, type FsChatLockOptions } from './chat-lock.js';
export type { CorruptFileNotice } from './corrupt.js';
export { FS_STORE_ERROR_CODES, FsStoreErrorCode } from './errors.js';
export { createFsStore, type FsStore, type FsStoreOptions } from './fs-store.js';
export type { DayFormat } from './paths.js';
export { createFileRateMemory, type FileRateMemoryOptions } from './rate-memory.js';
export { createFsResumeStore, type FsResumeStoreOptions } from './resume-store.js';
