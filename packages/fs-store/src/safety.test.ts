import { mkdir, readdir, symlink, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { DayDocument } from '@tgfetch/core';
import { tempDir } from '@tgfetch/test-utils';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { removeStaleTemps, tempName } from './atomic.js';
import { fromFsError } from './errors.js';
import { createFsStore, type FsStore } from './index.js';
import { hostTag } from './process-info.js';
import { deadPid } from './testing-fixtures/dead-pid.js';

const DATE = '2025-11-07';
const day = (chat: unknown): DayDocument => ({
  chat: chat as string,
  date: DATE,
  time_zone: 'UTC',
  fetched_at: '2025-11-08T00:00:00.000Z',
  complete: true,
  count: 0,
  messages: [],
});

let dir: string;
let outside: string;
let data: string;
let cleanups: Array<() => Promise<void>>;
let store: FsStore;

beforeEach(async () => {
  const a = await tempDir();
  const b = await tempDir('tgfetch-outside-');
  cleanups = [a.cleanup, b.cleanup];
  dir = a.dir;
  outside = b.dir;
  data = path.join(dir, 'data');
  store = createFsStore({ dataDir: data });
});

afterEach(async () => {
  await store.close();
  for (const cleanup of cleanups) await cleanup();
});

describe('path safety', () => {
  const hostile = [
    '../x',
    'a/b',
    '..',
    '.',
    '',
    '   ',
    'a\u0000b',
    'x'.repeat(300),
    `a${'b'.repeat(64)}`,
    '@../etc',
    'https://t.me/../../etc',
    '/etc/passwd',
    'C:\\x',
    '-0',
    42.5,
    null,
  ];

  it.each(hostile.map((chat) => [JSON.stringify(chat)?.slice(0, 40), chat]))(
    'rejects the chat %s everywhere',
    async (_, chat) => {
      const c = chat as string;
      await expect(store.writeDay(day(c))).rejects.toMatchObject({ code: 'STORE_INVALID_CHAT' });
      await expect(store.readDay(c, DATE)).rejects.toMatchObject({ code: 'STORE_INVALID_CHAT' });
      await expect(
        store.markComplete(c, { date: DATE, count: 0, location: 'x', fetched_at: 'y' }),
      ).rejects.toMatchObject({ code: 'STORE_INVALID_CHAT' });
      await expect(store.completed(c, [DATE])).rejects.toMatchObject({
        code: 'STORE_INVALID_CHAT',
      });
      await expect(store.lock.acquire(c, new AbortController().signal)).rejects.toMatchObject({
        code: 'STORE_INVALID_CHAT',
      });
    },
  );

  it('refuses a chat folder that is a symlink to outside, writing nothing there', async () => {
    await mkdir(data, { recursive: true });
    await symlink(outside, path.join(data, 'evil'));
    await expect(store.writeDay(day('@evil'))).rejects.toMatchObject({ code: 'PATH_ESCAPE' });
    await expect(
      store.markComplete('@evil', { date: DATE, count: 0, location: 'x', fetched_at: 'y' }),
    ).rejects.toMatchObject({ code: 'PATH_ESCAPE' });
    await expect(store.readDay('@evil', DATE)).rejects.toMatchObject({ code: 'PATH_ESCAPE' });
    await expect(store.lock.acquire('@evil', new AbortController().signal)).rejects.toMatchObject({
      code: 'PATH_ESCAPE',
    });
    expect(await store.listChats()).toEqual([]);
    expect(await readdir(outside)).toEqual([]);
  });

  it('refuses a dangling chat symlink instead of creating its target', async () => {
    await mkdir(data, { recursive: true });
    await symlink(path.join(outside, 'made'), path.join(data, 'evil'));
    await expect(store.writeDay(day('@evil'))).rejects.toMatchObject({ code: 'PATH_ESCAPE' });
    expect(await readdir(outside)).toEqual([]);
  });

  it('refuses a year folder that is a symlink to outside', async () => {
    await mkdir(path.join(data, 'evil'), { recursive: true });
    await symlink(outside, path.join(data, 'evil', '2025'));
    await expect(store.writeDay(day('@evil'))).rejects.toMatchObject({ code: 'PATH_ESCAPE' });
    await expect(store.listDays('@evil')).rejects.toMatchObject({ code: 'PATH_ESCAPE' });
    expect(await readdir(outside)).toEqual([]);
  });

  it('refuses to read a day file or progress that links outside', async () => {
    await mkdir(path.join(data, 'evil', '2025'), { recursive: true });
    await writeFile(path.join(outside, 'secret.json'), '{"days":{}}');
    await symlink(
      path.join(outside, 'secret.json'),
      path.join(data, 'evil', '2025', `discussions_${DATE}.json`),
    );
    await symlink(path.join(outside, 'secret.json'), path.join(data, 'evil', 'progress.json'));
    await expect(store.readDay('@evil', DATE)).rejects.toMatchObject({ code: 'PATH_ESCAPE' });
    await expect(store.completed('@evil', [DATE])).rejects.toMatchObject({ code: 'PATH_ESCAPE' });
  });

  it('refuses a chat folder that links to another chat folder, merging nothing', async () => {
    await store.writeDay(day('@real_chat'));
    await symlink(path.join(data, 'real_chat'), path.join(data, 'alias'));
    await expect(store.writeDay(day('@alias'))).rejects.toMatchObject({ code: 'PATH_ESCAPE' });
    await expect(store.readDay('@alias', DATE)).rejects.toMatchObject({ code: 'PATH_ESCAPE' });
    await expect(store.completed('@alias', [DATE])).rejects.toMatchObject({ code: 'PATH_ESCAPE' });
    expect(await store.listChats()).toEqual(['@real_chat']);
    expect((await store.readDay('@real_chat', DATE))?.chat).toBe('@real_chat');
  });

  it('refuses a year folder that links into another chat folder', async () => {
    await store.writeDay(day('@real_chat'));
    await mkdir(path.join(data, 'other'), { recursive: true });
    await symlink(path.join(data, 'real_chat', '2025'), path.join(data, 'other', '2025'));
    await expect(store.writeDay(day('@other'))).rejects.toMatchObject({ code: 'PATH_ESCAPE' });
    expect(await readdir(path.join(data, 'real_chat', '2025'))).toEqual([
      `discussions_${DATE}.json`,
    ]);
  });
});

describe('left-over temp files', () => {
  it('removes those of dead writers and old ones, keeps live and foreign young ones', async () => {
    const folder = path.join(dir, 'f');
    await mkdir(folder);
    const pid = await deadPid();
    const dead = `.discussions_${DATE}.json.${hostTag()}-${pid}.0a1b.tmp`;
    const live = tempName(`discussions_${DATE}.json`);
    const foreign = `.discussions_${DATE}.json.ffffffff-1.0a1b.tmp`;
    const old = `.discussions_${DATE}.json.eeeeeeee-1.0a1b.tmp`;
    for (const name of [dead, live, foreign, old]) await writeFile(path.join(folder, name), '{');
    const past = new Date(Date.now() - 3_600_000);
    await utimes(path.join(folder, old), past, past);
    expect(await removeStaleTemps(folder, 600_000)).toBe(2);
    expect((await readdir(folder)).sort()).toEqual([foreign, live].sort());
  });
});

describe('fs errors', () => {
  const errno = (code: string) => Object.assign(new Error(`${code}: failed`), { code });

  it.each([
    ['EROFS', 'STORE_READ_ONLY', false],
    ['EACCES', 'STORE_READ_ONLY', false],
    ['EPERM', 'STORE_READ_ONLY', false],
    ['ENOSPC', 'STORE_FULL', true],
    ['EDQUOT', 'STORE_FULL', true],
    ['EIO', 'STORE_IO', true],
  ])('translates %s into %s', (code, expected, retryable) => {
    const error = fromFsError(errno(code), 'writing', 'x.json');
    // The class follows the table's retryable flag.
    const name = retryable ? 'TransientError' : 'FatalError';
    expect(error).toMatchObject({ name, code: expected, retryable });
    expect(error.message).toContain('x.json');
  });

  it('reports a data directory that cannot be made', async () => {
    await writeFile(path.join(dir, 'file'), 'not a folder');
    const bad = createFsStore({ dataDir: path.join(dir, 'file', 'data') });
    await expect(bad.writeDay(day('@chat'))).rejects.toMatchObject({ code: 'STORE_IO' });
    await bad.close();
  });
});
