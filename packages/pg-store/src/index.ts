export { createPgChatLock, type PgChatLock, type PgChatLockOptions } from './chat-lock.js';
export { dayLocation } from './days.js';
export { PG_STORE_ERROR_CODES, PgStoreErrorCode, toPgError } from './errors.js';
export { MIGRATIONS, type MigrateResult, type Migration, SCHEMA_VERSION } from './migrations.js';
export { type MessageRow, messageRow, peerOf, uniqueRows } from './rows.js';
export { DEFAULT_SCHEMA } from './sql.js';
export { migratePg, openPgStore, type PgStore, type PgStoreOptions } from './store.js';
export { inTransaction } from './transaction.js';
export { type UpsertResult, upsertMessages } from './upsert.js';

export const name = '@tgfetch/pg-store';
