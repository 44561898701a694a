import { readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { type DayDocument, TgfetchError } from '@tgfetch/core';
import { makeMessages } from '@tgfetch/core/testing';
import { tempDir } from '@tgfetch/test-utils';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type CorruptFileNotice, createFsStore, type FsStore } from './index.js';

const CHAT = '@ru_python';
const DATE = '2025-11-07';
const START = Date.parse(`${DATE}T00:00:00Z`);
const messages = makeMessages({ chat: CHAT, start: START, count: 10, step: 3_600_000 });

function day(over: Partial<DayDocument> = {}): DayDocument {
  const list = over.messages ?? messages;
  return {
    chat: CHAT,
    date: DATE,
    time_zone: 'Europe/Moscow',
    fetched_at: '2025-11-08T00:00:05.000Z',
    complete: false,
    count: list.length,
    messages: list,
    ...over,
  };
}

let dir: string;
let cleanup: () => Promise<void>;
let store: FsStore;
let notices: CorruptFileNotice[];

beforeEach(async () => {
  ({ dir, cleanup } = await tempDir());
  notices = [];
  store = createFsStore({ dataDir: dir, onCorruptFile: (n) => notices.push(n) });
});

afterEach(async () => {
  await store.close();
  await cleanup();
});

const dayFile = (format = 'json') =>
  path.join(dir, 'ru_python', '2025', `discussions_${DATE}.${format}`);
const dayLocation = (format = 'json') => `ru_python/2025/discussions_${DATE}.${format}`;

describe('fs-store files', () => {
  it('writes the documented layout and reports the location relative to dataDir', async () => {
    const result = await store.writeDay(day());
    expect(result).toEqual({ count: 10, location: dayLocation() });
    expect(store.filePath(result.location)).toBe(dayFile());
    const shown = createFsStore({ dataDir: dir, displayDir: 'data' });
    expect(shown.filePath(result.location)).toBe('data/ru_python/2025/discussions_2025-11-07.json');
    await shown.close();
    const doc = JSON.parse(await readFile(dayFile(), 'utf8'));
    expect(Object.keys(doc)).toEqual([
      'chat',
      'date',
      'time_zone',
      'fetched_at',
      'complete',
      'count',
      'messages',
    ]);
    expect(doc).toMatchObject({ chat: CHAT, date: DATE, time_zone: 'Europe/Moscow', count: 10 });
  });

  it('writes jsonl as a metadata line and one message per line', async () => {
    const jsonl = createFsStore({ dataDir: dir, format: 'jsonl' });
    const result = await jsonl.writeDay(day());
    expect(result.location).toBe(dayLocation('jsonl'));
    const lines = (await readFile(dayFile('jsonl'), 'utf8')).trimEnd().split('\n');
    expect(lines).toHaveLength(11);
    expect(JSON.parse(lines[0]!)).toEqual({
      chat: CHAT,
      date: DATE,
      time_zone: 'Europe/Moscow',
      fetched_at: '2025-11-08T00:00:05.000Z',
      complete: false,
      count: 10,
    });
    expect(lines.slice(1).map((l) => JSON.parse(l).id)).toEqual(messages.map((m) => m.id));
    await jsonl.close();
  });

  it('normalises the chat, and keeps a merged day complete once it was', async () => {
    await store.writeDay(day({ chat: 'https://t.me/Ru_Python', complete: true }));
    await store.writeDay(day({ complete: false, messages: messages.slice(0, 2) }));
    const read = await store.readDay('@RU_PYTHON', DATE);
    expect(read).toMatchObject({ chat: CHAT, complete: true, count: 10 });
    expect(await store.listChats()).toEqual([CHAT]);
  });

  it('merges a day stored in the other format and removes that file', async () => {
    const jsonl = createFsStore({ dataDir: dir, format: 'jsonl' });
    await jsonl.writeDay(day({ messages: messages.slice(0, 5) }));
    await jsonl.close();
    const result = await store.writeDay(day({ messages: messages.slice(5) }));
    expect(result.count).toBe(10);
    expect(await readdir(path.dirname(dayFile()))).toEqual([`discussions_${DATE}.json`]);
  });

  it('moves a corrupt day file aside before writing, and says so', async () => {
    await store.writeDay(day());
    await writeFile(dayFile(), '{"chat":"@ru_python","messages":[{"id":1');
    await expect(store.readDay(CHAT, DATE)).rejects.toMatchObject({ code: 'STORE_CORRUPT' });
    const result = await store.writeDay(day({ messages: messages.slice(0, 3) }));
    expect(result.count).toBe(3);
    expect(notices).toHaveLength(1);
    expect(notices[0]?.file).toBe(dayFile());
    expect(await readFile(notices[0]!.movedTo, 'utf8')).toContain('"id":1');
    expect((await store.readDay(CHAT, DATE))?.count).toBe(3);
    expect(await store.listDays(CHAT)).toEqual([DATE]);
  });

  it('treats a day whose count disagrees with its messages as corrupt', async () => {
    await store.writeDay(day());
    const doc = JSON.parse(await readFile(dayFile(), 'utf8'));
    await writeFile(dayFile(), JSON.stringify({ ...doc, count: 3 }));
    await expect(store.readDay(CHAT, DATE)).rejects.toBeInstanceOf(TgfetchError);
  });

  it('lists chats and days, ignoring temp, corrupt-aside and foreign files', async () => {
    await store.writeDay(day());
    await store.writeDay(day({ date: '2024-12-31', messages: [] }));
    await store.writeDay(day({ chat: '-1001234567890', messages: [] }));
    const year = path.dirname(dayFile());
    await writeFile(path.join(year, `.discussions_2025-11-09.json.00000000-1.abc.tmp`), '{');
    await writeFile(path.join(year, `discussions_2025-11-10.json.corrupt-x`), '{');
    await writeFile(path.join(year, `discussions_2025-02-30.json`), '{}');
    await writeFile(path.join(dir, 'notes.txt'), 'hello');
    expect(await store.listChats()).toEqual(['-1001234567890', CHAT]);
    expect(await store.listDays(CHAT)).toEqual(['2024-12-31', DATE]);
    expect(await store.listDays('@never_seen')).toEqual([]);
    expect(await store.readDay('@never_seen', DATE)).toBeUndefined();
  });

  it('refuses work after close', async () => {
    await store.close();
    await expect(store.writeDay(day())).rejects.toMatchObject({ code: 'STORE_CLOSED' });
  });

  it('rejects a bad date and a day without messages', async () => {
    await expect(store.writeDay(day({ date: '2025-02-30' }))).rejects.toMatchObject({
      code: 'STORE_INVALID_DATE',
    });
    await expect(store.readDay(CHAT, '../../x')).rejects.toMatchObject({
      code: 'STORE_INVALID_DATE',
    });
    await expect(
      store.writeDay({ ...day(), messages: undefined } as unknown as DayDocument),
    ).rejects.toMatchObject({ code: 'STORE_INVALID_DAY' });
    const noId = { ...messages[0]!, id: undefined } as unknown as (typeof messages)[number];
    await expect(store.writeDay(day({ messages: [noId] }))).rejects.toMatchObject({
      code: 'STORE_INVALID_DAY',
    });
    await expect(store.writeDay(null as unknown as DayDocument)).rejects.toMatchObject({
      code: 'STORE_INVALID_DAY',
    });
    expect(await store.listDays(CHAT)).toEqual([]);
  });
});

describe('fs-store progress', () => {
  const progressFile = () => path.join(dir, 'ru_python', 'progress.json');
  const progressLog = () => path.join(dir, 'ru_python', 'progress.log');

  it('keeps a snapshot in <chat>/progress.json and each change as one line of progress.log', async () => {
    const result = await store.writeDay(day({ complete: true }));
    await store.markComplete(CHAT, {
      date: DATE,
      ...result,
      fetched_at: 'f1',
      time_zone: 'Europe/Moscow',
    });
    expect(JSON.parse(await readFile(progressFile(), 'utf8'))).toEqual({
      chat: CHAT,
      version: 2,
      time_zone: 'Europe/Moscow',
      days: {},
    });
    const lines = (await readFile(progressLog(), 'utf8')).trimEnd().split('\n');
    expect(lines.map((l) => JSON.parse(l))).toEqual([
      { date: DATE, count: 10, location: dayLocation(), fetched_at: 'f1' },
    ]);
    expect(await store.listProgress(CHAT)).toEqual([
      {
        date: DATE,
        count: 10,
        location: dayLocation(),
        fetched_at: 'f1',
        time_zone: 'Europe/Moscow',
      },
    ]);
  });

  it('drops the record a re-write makes untrue, leaving the one record to markComplete', async () => {
    const first = await store.writeDay(day({ complete: true, messages: messages.slice(0, 4) }));
    await store.markComplete(CHAT, { date: DATE, ...first, fetched_at: 'f1' });
    const again = await store.writeDay(day({ complete: true }));
    expect((await store.completed(CHAT, [DATE])).size).toBe(0);
    await store.markComplete(CHAT, { date: DATE, ...again, fetched_at: 'f2' });
    expect((await store.completed(CHAT, [DATE])).get(DATE)).toMatchObject({ count: 10 });
    const changes = (await readFile(progressLog(), 'utf8')).trimEnd().split('\n');
    expect(changes.map((l) => JSON.parse(l))).toEqual([
      { date: DATE, count: 4, location: dayLocation(), fetched_at: 'f1' },
      { date: DATE, drop: true },
      { date: DATE, count: 10, location: dayLocation(), fetched_at: 'f2' },
    ]);
  });

  it('moves a corrupt progress.json aside and rebuilds it from the day files', async () => {
    const done = await store.writeDay(day({ complete: true }));
    await store.writeDay(day({ date: '2025-11-08', complete: false }));
    await store.markComplete(CHAT, { date: DATE, ...done, fetched_at: 'f1' });
    await writeFile(progressFile(), '{"chat":"@ru_python","days":{"2025-');
    const found = await store.completed(CHAT, [DATE, '2025-11-08']);
    expect([...found.keys()]).toEqual([DATE]);
    expect(found.get(DATE)).toEqual({
      date: DATE,
      count: 10,
      location: dayLocation(),
      fetched_at: '2025-11-08T00:00:05.000Z',
      time_zone: 'Europe/Moscow',
    });
    expect(notices.map((n) => n.file)).toEqual([progressFile()]);
    expect(JSON.parse(await readFile(progressFile(), 'utf8')).days).toHaveProperty(DATE);
  });

  it('leaves out a log line cut by a crash and never glues the next one onto it', async () => {
    const done = await store.writeDay(day({ complete: true }));
    await store.markComplete(CHAT, { date: DATE, ...done, fetched_at: 'f1' });
    await writeFile(progressLog(), `${await readFile(progressLog(), 'utf8')}{"date":"2025-11-0`);
    expect([...(await store.completed(CHAT, [DATE])).keys()]).toEqual([DATE]);
    const next = await store.writeDay(day({ date: '2025-11-08', complete: true }));
    await store.markComplete(CHAT, { date: '2025-11-08', ...next, fetched_at: 'f2' });
    expect((await store.listProgress(CHAT)).map((d) => d.date)).toEqual([DATE, '2025-11-08']);
    expect(notices).toEqual([]);
  });

  it('reads a version 1 progress.json with absolute locations as relative ones', async () => {
    await store.writeDay(day({ complete: true }));
    const legacy = {
      chat: CHAT,
      version: 1,
      days: { [DATE]: { count: 10, location: dayFile(), fetched_at: 'f0' } },
    };
    await writeFile(progressFile(), JSON.stringify(legacy));
    await rm(progressLog(), { force: true });
    expect((await store.completed(CHAT, [DATE])).get(DATE)?.location).toBe(dayLocation());
  });

  it('folds the log into the snapshot: progress bytes grow linearly with the days', async () => {
    // The bytes the two progress files took in, from their sizes and the snapshot's inode
    // (a fold writes a new snapshot and renames it in place): the process's own write count
    // would also hold what the test runner sends meanwhile, which grows with the load.
    const files = async () => {
      const sized = async (file: string) => stat(file).catch(() => undefined);
      const [snapshot, log] = await Promise.all([sized(progressFile()), sized(progressLog())]);
      return { ino: snapshot?.ino, snapshot: snapshot?.size ?? 0, log: log?.size ?? 0 };
    };
    let total = 0;
    let last = await files();
    for (let i = 0; i < 400; i++) {
      const date = new Date(Date.UTC(2024, 0, 1) + i * 86_400_000).toISOString().slice(0, 10);
      const result = await store.writeDay(day({ date, complete: true, messages: [] }));
      await store.markComplete(CHAT, { date, ...result, fetched_at: 'f' });
      const now = await files();
      total +=
        (now.log >= last.log ? now.log - last.log : now.log) +
        (now.ino !== last.ino ? now.snapshot : 0);
      last = now;
    }
    const snapshot = (await readFile(progressFile(), 'utf8')).length;
    // Linear: all progress bytes of 400 days stay within a few snapshots' worth.
    expect(total).toBeGreaterThan(snapshot);
    expect(total).toBeLessThan(4 * snapshot + 64_000);
    expect(
      Object.keys(JSON.parse(await readFile(progressFile(), 'utf8')).days).length,
    ).toBeGreaterThan(300);
    expect(await store.listProgress(CHAT)).toHaveLength(400);
  });

  it('rejects a malformed progress record', async () => {
    await expect(
      store.markComplete(CHAT, { date: DATE, count: -1, location: 'x', fetched_at: 'y' }),
    ).rejects.toMatchObject({ code: 'STORE_INVALID_DAY' });
    await expect(store.completed(CHAT, ['yesterday'])).rejects.toMatchObject({
      code: 'STORE_INVALID_DATE',
    });
  });
});

describe('fs-store zones', () => {
  it('takes the zone of day files stored before zones were recorded', async () => {
    await store.writeDay(day());
    await rm(path.join(dir, 'ru_python', 'progress.json'));
    const fresh = createFsStore({ dataDir: dir });
    try {
      await expect(fresh.writeDay(day({ time_zone: 'UTC' }))).rejects.toMatchObject({
        code: 'ZONE_CONFLICT',
      });
      await expect(fresh.completed(CHAT, [DATE], 'UTC')).rejects.toMatchObject({
        code: 'ZONE_CONFLICT',
      });
      expect((await fresh.readDay(CHAT, DATE))?.time_zone).toBe('Europe/Moscow');
    } finally {
      await fresh.close();
    }
  });
});
