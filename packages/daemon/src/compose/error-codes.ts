import { CONSOLE_ERROR_CODES } from '@tgfetch/console';
import { CORE_ERROR_CODES, type ErrorCodeTable } from '@tgfetch/core';
import { FS_STORE_ERROR_CODES } from '@tgfetch/fs-store';
import { PG_STORE_ERROR_CODES } from '@tgfetch/pg-store';
import { REDIS_ERROR_CODES } from '@tgfetch/redis-transport';
import { TELEGRAM_ERROR_CODES } from '@tgfetch/telegram/errors';

/**
 * Every error code of the packages tgfetch is made of: each package's own table, core's
 * first. A new adapter adds its table here and nowhere else. (Not exported from the index:
 * it loads every adapter, which the commands load only when they use one.)
 */
export const ERROR_CODES: ErrorCodeTable = [
  ...CORE_ERROR_CODES,
  ...TELEGRAM_ERROR_CODES,
  ...FS_STORE_ERROR_CODES,
  ...PG_STORE_ERROR_CODES,
  ...REDIS_ERROR_CODES,
  ...CONSOLE_ERROR_CODES,
];

export const ERROR_TABLE_START = '<!-- error-codes:start -->';
export const ERROR_TABLE_END = '<!-- error-codes:end -->';

/** The table of error codes of docs/error-codes.md, between its markers. */
export function errorCodeReference(): string {
  const rows = ERROR_CODES.map(
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
