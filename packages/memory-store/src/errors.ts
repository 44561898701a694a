import { type ErrorCodeTable, errorBuilder, errorCodeTable } from '@tgfetch/core';

/** Stable codes of the errors this store raises (besides those every store shares). */
export const MemoryStoreErrorCode = {
  MEMORY_STORE_FULL: 'MEMORY_STORE_FULL',
} as const;

export type MemoryStoreErrorCode = (typeof MemoryStoreErrorCode)[keyof typeof MemoryStoreErrorCode];

export const MEMORY_STORE_ERROR_CODES: ErrorCodeTable<MemoryStoreErrorCode> =
  errorCodeTable<MemoryStoreErrorCode>('memory-store', {
    // Days are only dropped with the process: a retry meets the same full store.
    MEMORY_STORE_FULL: {
      retryable: false,
      meaning: 'the memory store holds its most days already (MEMORY_STORE_MAX_DAYS)',
    },
  });

export const memoryStoreError = errorBuilder<MemoryStoreErrorCode>(MEMORY_STORE_ERROR_CODES);
