/**
 * The codes every store raises for the same reasons, whatever it stores in: input the store
 * refuses (`STORE_`-prefixed, so that a chat or date that reached a store invalid is not
 * mistaken for a command refused by the parser, `INVALID_CHAT`) and use after close. Each
 * store's own code table spreads these and adds its own.
 */
export const StoreErrorCode = {
  STORE_INVALID_CHAT: 'STORE_INVALID_CHAT',
  STORE_INVALID_DATE: 'STORE_INVALID_DATE',
  STORE_INVALID_DAY: 'STORE_INVALID_DAY',
  STORE_CLOSED: 'STORE_CLOSED',
} as const;

export type StoreErrorCode = (typeof StoreErrorCode)[keyof typeof StoreErrorCode];
