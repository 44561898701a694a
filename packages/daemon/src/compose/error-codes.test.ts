import { readFileSync, writeFileSync } from 'node:fs';
import { CommandErrorCode, type ErrorCodeInfo, type ErrorCodeTable } from '@tgfetch/core';
import { FsStoreErrorCode } from '@tgfetch/fs-store';
import { PgStoreErrorCode } from '@tgfetch/pg-store';
import { RedisErrorCode } from '@tgfetch/redis-transport';
import { workspacePackages } from '@tgfetch/test-utils';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  ERROR_TABLE_END,
  ERROR_TABLE_START,
  errorCodeReference,
  errorCodes,
} from './error-codes.js';

/**
 * The one table of error codes, concatenated from each package's own: every code a
 * package declares, once, in docs/error-codes.md. `UPDATE_DOCS=1 pnpm vitest run
 * packages/daemon/src/compose/error-codes.test.ts` rewrites that page's table.
 */

const pageFile = new URL('../../../../docs/error-codes.md', import.meta.url);

/**
 * Every entry point of every library package, as each package's exports name them, so that
 * a new adapter's codes are checked without anyone listing them here. The daemon is the one
 * that concatenates; test helpers raise nothing users see.
 */
const entries: Record<string, object> = {};
let ERROR_CODES: ErrorCodeTable = [];
beforeAll(async () => {
  ERROR_CODES = await errorCodes();
  for (const pkg of workspacePackages()) {
    if (pkg.private || pkg.name === '@tgfetch/daemon') continue;
    for (const [specifier, source] of Object.entries(pkg.entries)) {
      if (!specifier.endsWith('/testing')) entries[specifier] = await import(source);
    }
  }
  expect(Object.keys(entries)).toEqual(
    expect.arrayContaining(['@tgfetch/core', '@tgfetch/telegram/errors', '@tgfetch/pg-store']),
  );
});

/** Each entry point's exports named like `FooErrorCode` (constants) or `FOO_ERROR_CODES` (tables). */
function exportsNamed(pattern: RegExp): [string, unknown][] {
  return Object.entries(entries).flatMap(([entry, module]) =>
    Object.entries(module)
      .filter(([name]) => pattern.test(name))
      .map(([name, value]): [string, unknown] => [`${entry} ${name}`, value]),
  );
}

describe('error codes', () => {
  const listed: string[] = [];
  beforeAll(() => {
    listed.push(...ERROR_CODES.map((c) => c.code));
  });

  it('lists each code once', () => {
    expect(listed.length).toBeGreaterThan(60);
    expect(listed.filter((code, i) => listed.indexOf(code) !== i)).toEqual([]);
  });

  it('lists every code of every package’s error constants', () => {
    const constants = exportsNamed(/^[A-Z][A-Za-z]*ErrorCode$/);
    expect(constants.map(([name]) => name)).toEqual(
      expect.arrayContaining([
        '@tgfetch/core CommandErrorCode',
        '@tgfetch/telegram LoginErrorCode',
        '@tgfetch/redis-transport RedisErrorCode',
      ]),
    );
    for (const [name, constant] of constants) {
      for (const [key, code] of Object.entries(constant as Record<string, string>)) {
        expect(code, `${name}.${key}`).toBe(key);
        expect(listed, `${name}.${key}`).toContain(code);
      }
    }
  });

  it('holds every package’s table, and no row that no constant declares', () => {
    const tables = exportsNamed(/^[A-Z_]+_ERROR_CODES$/);
    expect(tables.map(([name]) => name)).toEqual(
      expect.arrayContaining([
        '@tgfetch/core CORE_ERROR_CODES',
        '@tgfetch/fs-store FS_STORE_ERROR_CODES',
      ]),
    );
    for (const [name, table] of tables) {
      for (const row of table as ErrorCodeInfo[]) expect(ERROR_CODES, name).toContainEqual(row);
    }
    const declared = new Set(
      exportsNamed(/^[A-Z][A-Za-z]*ErrorCode$/).flatMap(([, c]) => Object.values(c as object)),
    );
    expect(listed.filter((code) => !declared.has(code))).toEqual([]);
  });

  it('writes every code in one key style, and every row in full', () => {
    for (const row of ERROR_CODES) {
      expect(row.code).toMatch(/^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$/);
      expect(row.origin).toMatch(/^[a-z-]+$/);
      expect(typeof row.retryable).toBe('boolean');
      expect(row.meaning.length, row.code).toBeGreaterThan(10);
      expect(row.meaning, row.code).not.toContain('|');
    }
  });

  it('gives TIMEOUT one meaning: Telegram timed out (the client gives up with WAIT_TIMEOUT)', () => {
    expect(RedisErrorCode.WAIT_TIMEOUT).toBe('WAIT_TIMEOUT');
    expect(ERROR_CODES.find((c) => c.code === 'TIMEOUT')?.origin).toBe('telegram');
    expect(ERROR_CODES.find((c) => c.code === 'WAIT_TIMEOUT')?.origin).toBe('producer');
  });

  it('gives a chat or date refused by a store other codes than a command refused by the parser', () => {
    const parser = new Set<string>(Object.values(CommandErrorCode));
    for (const codes of [FsStoreErrorCode, PgStoreErrorCode]) {
      for (const code of Object.values(codes)) expect(parser.has(code), code).toBe(false);
    }
  });

  it('is the table of docs/error-codes.md', () => {
    let page = readFileSync(pageFile, 'utf8');
    const start = page.indexOf(ERROR_TABLE_START);
    const end = page.indexOf(ERROR_TABLE_END) + ERROR_TABLE_END.length;
    expect(start).toBeGreaterThan(0);
    const fresh = errorCodeReference(ERROR_CODES);
    if (process.env.UPDATE_DOCS) {
      page = page.slice(0, start) + fresh + page.slice(end);
      writeFileSync(pageFile, page);
    }
    expect(page.slice(start, page.indexOf(ERROR_TABLE_END) + ERROR_TABLE_END.length)).toBe(fresh);
  });
});
