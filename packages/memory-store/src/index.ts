export { MEMORY_STORE_ERROR_CODES, MemoryStoreErrorCode } from './errors.js';
export { type MemoryStoreOptions, type OpenMemoryStore, openMemoryStore } from './memory-store.js';
