import { readdir, readFile, rm, stat, truncate } from 'node:fs/promises';
import path from 'node:path';
import {
  type CompletedEvent,
  createMemoryEventSink,
  createMemorySource,
  createVirtualClock,
  type FetchPorts,
  runCommand,
} from '@tgfetch/core';
import { makeMessages } from '@tgfetch/core/testing';
import { tempDir } from '@tgfetch/test-utils';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type CorruptFileNotice, createFsStore, type FsStore } from './index.js';
import { ioBytesWritten } from './testing-fixtures/io-bytes.js';

/** The engine on real files: resumable runs, checked progress, zones, paths, write costs. */

const NOW = Date.parse('2025-11-08T12:00:00Z');
const CHAT = '@ru_python';
const history = makeMessages({
  chat: CHAT,
  start: Date.parse('2024-09-01T00:30:00Z'),
  count: 433 * 24,
  step: 3_600_000,
});

let dir: string;
let cleanup: () => Promise<void>;
let store: FsStore;
let notices: CorruptFileNotice[];

beforeEach(async () => {
  ({ dir, cleanup } = await tempDir());
  notices = [];
  store = createFsStore({
    dataDir: dir,
    displayDir: 'data',
    onCorruptFile: (notice) => notices.push(notice),
  });
});

afterEach(async () => {
  await store.close();
  await cleanup();
});

const ports = (): FetchPorts => ({
  source: createMemorySource({ [CHAT]: history }),
  store,
  progress: store,
  events: createMemoryEventSink(),
  lock: store.lock,
});
const options = { clock: createVirtualClock(NOW), workerId: 'w' };
const range = (extra: Record<string, unknown> = {}) => ({
  command: 'fetch',
  chat: CHAT,
  mode: 'range',
  from: '2025-11-01',
  to: '2025-11-05',
  ...extra,
});
const dayFile = (date: string) => path.join(dir, 'ru_python', '2025', `discussions_${date}.json`);

async function completed(input: Record<string, unknown>): Promise<CompletedEvent> {
  const result = await runCommand(input, ports(), options);
  if (result.event !== 'completed') throw new Error(JSON.stringify(result));
  return result;
}

describe('the engine on an fs store: days as they claim', () => {
  it('writes the files of a range, then skips them on a re-run', async () => {
    const first = await completed(range({ from: '2025-11-05', to: '2025-11-07' }));
    expect(first.days.map((d) => d.count)).toEqual([24, 24, 24]);
    for (const day of first.days) {
      const doc = JSON.parse(await readFile(dayFile(day.date), 'utf8'));
      expect(doc).toMatchObject({ chat: CHAT, date: day.date, complete: true, count: day.count });
    }
    const again = await completed(range({ from: '2025-11-05', to: '2025-11-07' }));
    expect(again.days.every((d) => d.skipped)).toBe(true);
    expect(await store.listDays(CHAT)).toEqual(['2025-11-05', '2025-11-06', '2025-11-07']);
  });

  it('shows file_path as the configured data directory joined with a relative location', async () => {
    const first = await completed(range());
    expect(first.days.at(-1)?.file_path).toBe('data/ru_python/2025/discussions_2025-11-01.json');
    const again = await completed(range());
    expect(again.days.every((d) => d.skipped && d.file_path.startsWith('data/ru_python/'))).toBe(
      true,
    );
    const records = await store.listProgress(CHAT);
    expect(records.map((r) => r.location)).toContain('ru_python/2025/discussions_2025-11-03.json');
  });

  it('fetches again a deleted day and a truncated one, and says so in its events', async () => {
    await completed(range());
    const whole = await readFile(dayFile('2025-11-03'), 'utf8');
    await rm(dayFile('2025-11-02'));
    await truncate(dayFile('2025-11-03'), Math.floor(whole.length / 2));
    const again = await completed(range());
    const by = (date: string) => again.days.find((d) => d.date === date)!;
    expect(by('2025-11-02')).toMatchObject({ outcome: 'stored', skipped: false });
    expect(by('2025-11-02').repair).toContain('no stored copy');
    expect(by('2025-11-03')).toMatchObject({ outcome: 'stored', skipped: false });
    expect(by('2025-11-03').repair).toContain('STORE_CORRUPT');
    expect(by('2025-11-03').repair).toContain('moved aside');
    expect(by('2025-11-01').outcome).toBe('skipped');
    expect(await readFile(dayFile('2025-11-03'), 'utf8')).toBe(whole);
    expect(notices.map((n) => path.basename(n.file))).toEqual(['discussions_2025-11-03.json']);
    const folder = await readdir(path.dirname(dayFile('2025-11-03')));
    expect(folder.filter((name) => name.includes('.corrupt-'))).toHaveLength(1);
  });

  it('refuses another zone for a stored chat, even with force, changing no file', async () => {
    await completed(range());
    const before = await readFile(dayFile('2025-11-03'), 'utf8');
    for (const force of [false, true]) {
      const other = await runCommand(
        range({ options: { tz: 'Asia/Tokyo', force } }),
        ports(),
        options,
      );
      expect(other).toMatchObject({ event: 'failed', error: { code: 'ZONE_CONFLICT' } });
    }
    expect(await readFile(dayFile('2025-11-03'), 'utf8')).toBe(before);
  });

  it('writes at most twice its day files for a long command', async () => {
    const before = await ioBytesWritten();
    const result = await completed({ command: 'fetch', chat: CHAT, mode: 'days', days: 400 });
    const written = (await ioBytesWritten()) - before;
    let dayBytes = 0;
    for (const day of result.days) {
      dayBytes += (await stat(path.join(dir, path.relative('data', day.file_path)))).size;
    }
    expect(result.days).toHaveLength(400);
    // Measured with this fixture: about 1.2x (progress is one short line a day).
    expect(written).toBeLessThanOrEqual(2 * dayBytes);
  });
});
