import { readFileSync } from 'node:fs';
import { CommandErrorCode, DeliveryErrorCode, ERROR_CODES } from '@tgfetch/core';
import { FsStoreErrorCode } from '@tgfetch/fs-store';
import { PgStoreErrorCode } from '@tgfetch/pg-store';
import { RedisErrorCode } from '@tgfetch/redis-transport';
import { LoginErrorCode, TelegramErrorCode } from '@tgfetch/telegram';
import { ExportErrorCode } from '@tgfetch/telegram/export';
import { describe, expect, it } from 'vitest';

/** The one table of error codes: every package's codes, in the README and the event schema. */

const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');

/** The rows of the README table between `<!-- name:start -->` and `<!-- name:end -->`, as cells. */
function readmeTable(name: string): string[][] {
  const start = readme.indexOf(`<!-- ${name}:start -->`);
  const end = readme.indexOf(`<!-- ${name}:end -->`);
  expect(start).toBeGreaterThan(0);
  return readme
    .slice(start, end)
    .split('\n')
    .filter((line) => line.startsWith('|'))
    .slice(2)
    .map((line) =>
      line
        .slice(1, -1)
        .split('|')
        .map((cell) => cell.trim()),
    );
}

describe('error codes', () => {
  it('lists every code any package raises, once', () => {
    const raised = [
      ...Object.values(CommandErrorCode),
      ...Object.values(DeliveryErrorCode),
      ...Object.values(TelegramErrorCode),
      ...Object.values(LoginErrorCode),
      ...Object.values(ExportErrorCode),
      ...Object.values(FsStoreErrorCode),
      ...Object.values(PgStoreErrorCode),
      ...Object.values(RedisErrorCode),
      'FLOOD_WAIT',
      'ABORTED',
      'UNEXPECTED',
      'SOURCE_CLOSED',
    ];
    const listed = ERROR_CODES.map((c) => c.code);
    expect(new Set(listed).size).toBe(listed.length);
    for (const code of raised) expect(listed, code).toContain(code);
  });

  it('gives TIMEOUT one meaning: Telegram timed out (the client gives up with WAIT_TIMEOUT)', () => {
    expect(RedisErrorCode.WAIT_TIMEOUT).toBe('WAIT_TIMEOUT');
    expect(TelegramErrorCode.TIMEOUT).toBe('TIMEOUT');
    expect(ERROR_CODES.find((c) => c.code === 'TIMEOUT')?.source).toBe('telegram');
  });

  it('gives a chat or date refused by a store other codes than a command refused by the parser', () => {
    const parser = new Set<string>(Object.values(CommandErrorCode));
    for (const codes of [FsStoreErrorCode, PgStoreErrorCode]) {
      for (const code of Object.values(codes)) expect(parser.has(code), code).toBe(false);
    }
  });

  it('is the table of the README, with meaning and retryable', () => {
    expect(readmeTable('error-codes')).toEqual(
      ERROR_CODES.map((c) => [`\`${c.code}\``, c.source, c.retryable ? 'yes' : 'no', c.meaning]),
    );
  });
});
