import { CONSOLE_ERROR_CODES } from '@tgfetch/console';
import { CORE_ERROR_CODES, type ErrorCodeTable } from '@tgfetch/core';
import { REDIS_ERROR_CODES } from '@tgfetch/redis-transport';
import { SOURCES } from './sources.js';
import { STORES } from './stores.js';

/**
 * Every error code of the packages tgfetch is made of: core's first, then each source's and
 * each store's as their tables name them (a new adapter adds its codes with its entry), then
 * Redis' and the console's. A row two entries share to the letter (the Telegram package's
 * table holds the export's) is listed once. (Not exported from the index: it loads every adapter, which the
 * commands load only when they use one.)
 */
export async function errorCodes(): Promise<ErrorCodeTable> {
  const adapters = [...Object.values(SOURCES), ...Object.values(STORES)];
  const tables: ErrorCodeTable[] = [
    CORE_ERROR_CODES,
    ...(await Promise.all(adapters.map((adapter) => adapter.errorCodes()))),
    REDIS_ERROR_CODES,
    CONSOLE_ERROR_CODES,
  ];
  const seen = new Set<string>();
  return tables.flat().filter((row) => {
    const key = JSON.stringify(row);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

export const ERROR_TABLE_START = '<!-- error-codes:start -->';
export const ERROR_TABLE_END = '<!-- error-codes:end -->';

/** The table of error codes of docs/error-codes.md, between its markers. */
export function errorCodeReference(codes: ErrorCodeTable): string {
  const rows = codes.map(
    (c) => `| \`${c.code}\` | ${c.origin} | ${c.retryable ? 'yes' : 'no'} | ${c.meaning} |`,
  );
  return [
    ERROR_TABLE_START,
    '',
    '| code | from | retryable | meaning |',
    '| --- | --- | --- | --- |',
    ...rows,
    '',
    ERROR_TABLE_END,
  ].join('\n');
}
