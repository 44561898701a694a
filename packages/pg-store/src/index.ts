// The search's shapes are core's, so any store or console can speak them.
export type { FoundMessage, MessageSearch, MessageSearchResult } from '@tgfetch/core';
export { createPgChatLock, type PgChatLock, type PgChatLockOptions } from './chat-lock.js';
export { PG_STORE_ERROR_CODES, PgStoreErrorCode } from './errors.js';
export {
  openPgMessageSink,
  type PgMessageSink,
  type PgMessageSinkOptions,
  type PgSinkMessage,
  type PgSinkResult,
} from './message-sink.js';
export type { MigrateResult } from './migrations.js';
export { MAX_SEARCH_TEXT } from './search.js';
export { migratePg, openPgStore, type PgStore, type PgStoreOptions } from './store.js';
