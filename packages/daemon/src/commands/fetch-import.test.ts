import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import {
  createMemoryEventSink,
  createMemorySource,
  createVirtualClock,
  type DayDocument,
  parseCommand,
  runFetch,
  type TgMessage,
} from '@tgfetch/core';
import { createFsStore } from '@tgfetch/fs-store';
import { createExportSource } from '@tgfetch/telegram/export';
import {
  exportMessage,
  type RawMessage,
  singleChatExport,
  writeExport,
} from '@tgfetch/telegram/testing';
import { tempDir } from '@tgfetch/test-utils';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../cli/main.js';
import { captureContext } from '../testing/capture.js';

/**
 * Imports of Telegram Desktop exports as a user runs them (`tgfetch fetch --source
 * export:<file>`), onto real files: an export's last day is known only in part, so a
 * newer export or a live fetch completes it.
 */

const CHAT = '-1001234567890';
const at = (iso: string) => Date.parse(`${iso}Z`) / 1000;

/** The channel's history as a live Telegram would serve it: created, then posts. */
const CREATED = at('2026-07-01T08:00:00');
const POSTS = [
  '2026-07-01T09:00:00',
  '2026-07-02T13:00:00',
  '2026-07-03T07:30:00',
  '2026-07-04T18:00:00',
  '2026-07-05T09:00:00', // the older export's last post
  '2026-07-05T15:00:00', // later that day: only the newer export holds these
  '2026-07-05T21:40:00',
  '2026-07-06T10:00:00',
  '2026-07-07T11:00:00',
].map((iso, i) => exportMessage({ id: i + 2, unix: at(iso) }));
const OLDER_LAST = at('2026-07-05T09:00:00');

function creation(): RawMessage {
  const m = exportMessage({
    id: 1,
    unix: CREATED,
    text: '',
    extra: { action: 'create_channel', title: 'Test channel' },
  });
  m.type = 'service';
  m.actor_id = m.from_id;
  delete m.from_id;
  return m;
}

const ALL = [creation(), ...POSTS];
const older = ALL.filter((m) => Number(m.date_unixtime) <= OLDER_LAST);
/** Exported from the channel's start, or "From" a date and time chosen on the shared day. */
const NEWER = {
  'from the start': ALL,
  'from 2026-07-05 12:00': ALL.filter((m) => Number(m.date_unixtime) >= at('2026-07-05T12:00:00')),
};
const ids = (messages: RawMessage[]) => messages.map((m) => m.id as number);

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  ({ dir, cleanup } = await tempDir('tgfetch-import-'));
});
afterEach(async () => {
  await cleanup();
});

/** Every stored day of the data directory, by date. */
async function storedDays(dataDir: string): Promise<Map<string, DayDocument>> {
  const days = new Map<string, DayDocument>();
  const files = await readdir(dataDir, { recursive: true });
  for (const file of files.filter((f) => /discussions_[\d-]+\.json$/.test(f))) {
    const day = JSON.parse(await readFile(path.join(dataDir, file), 'utf8')) as DayDocument;
    days.set(day.date, day);
  }
  return days;
}

const storedIds = (days: Map<string, DayDocument>) =>
  [...days.values()].flatMap((d) => d.messages.map((m) => m.id)).sort((a, b) => a - b);

describe('importing Telegram Desktop exports', () => {
  const importFile = async (file: string, dataDir: string) => {
    const ctx = captureContext({ cwd: dir, env: {} });
    const argv = ['fetch', '--source', `export:${file}`, '--chat', CHAT];
    const code = await main(
      [...argv, '--from', '2026-07-01', '--to', '2026-07-07', '-o', dataDir, '--json'],
      ctx,
    );
    expect(code, ctx.err()).toBe(0);
    return JSON.parse(ctx.out()) as { days: { date: string; outcome: string }[] };
  };

  for (const [newerName, newer] of Object.entries(NEWER)) {
    it(`stores every post of two exports in either order (the newer ${newerName})`, async () => {
      const files = {
        older: await writeExport(dir, singleChatExport(older), 'older.json'),
        newer: await writeExport(dir, singleChatExport(newer), 'newer.json'),
      };
      for (const order of [
        ['older', 'newer'],
        ['newer', 'older'],
      ] as const) {
        const dataDir = path.join(dir, `data-${order.join('-')}`);
        const first = await importFile(files[order[0]], dataDir);
        await importFile(files[order[1]], dataDir);
        const days = await storedDays(dataDir);
        expect(storedIds(days), order.join(' then ')).toEqual(
          [...new Set([...ids(older), ...ids(newer)])].sort((a, b) => a - b),
        );
        // An export's last day is stored, but never as complete.
        const last = order[0] === 'older' ? '2026-07-05' : '2026-07-07';
        expect(first.days.find((d) => d.date === last)).toMatchObject({ outcome: 'partial' });
      }
    });
  }

  it('a fetch after an import completes its last day and reads no other day again', async () => {
    const dataDir = path.join(dir, 'data');
    const store = createFsStore({ dataDir });
    const file = await writeExport(dir, singleChatExport(older), 'older.json');
    const imported = createExportSource({ file });
    const parsed = parseCommand(
      {
        command: 'fetch',
        chat: CHAT,
        command_id: 'c1',
        mode: 'range',
        from: '2026-07-01',
        to: '2026-07-05',
      },
      { now: Date.parse('2026-08-01T00:00:00Z') },
    );
    if (!parsed.ok) throw parsed.error;
    const ports = { store, progress: store, events: createMemoryEventSink(), lock: store.lock };
    const options = { clock: createVirtualClock(Date.parse('2026-08-01T00:00:00Z')) };
    try {
      const first = await runFetch(parsed.command, { ...ports, source: imported }, options);
      if (first.event !== 'completed') throw new Error(JSON.stringify(first));
      // It opens with the channel's creation: its first day is whole, its last is not.
      expect(first.days.map((d) => [d.date, d.outcome])).toEqual([
        ['2026-07-05', 'partial'],
        ['2026-07-04', 'stored'],
        ['2026-07-03', 'stored'],
        ['2026-07-02', 'stored'],
        ['2026-07-01', 'stored'],
      ]);

      // A live Telegram stand-in: the whole history, no coverage (it knows everything).
      const live = createMemorySource({ [CHAT]: await messagesOf(ALL) });
      const fetched = await runFetch(parsed.command, { ...ports, source: live }, options);
      if (fetched.event !== 'completed') throw new Error(JSON.stringify(fetched));
      expect(fetched.days.map((d) => [d.date, d.outcome])).toEqual([
        ['2026-07-05', 'stored'],
        ['2026-07-04', 'skipped'],
        ['2026-07-03', 'skipped'],
        ['2026-07-02', 'skipped'],
        ['2026-07-01', 'skipped'],
      ]);
      expect(live.requests.map((r) => [r.from, r.to])).toEqual([
        [Date.parse('2026-07-05T00:00:00Z'), Date.parse('2026-07-06T00:00:00Z')],
      ]);
      const day = (await storedDays(dataDir)).get('2026-07-05');
      expect(day?.complete).toBe(true);
      expect(day?.messages.map((m) => m.id)).toEqual([6, 7, 8]);
    } finally {
      await imported.close();
      await store.close();
    }
  });

  /** The messages of an export as a source serves them (the newest first). */
  async function messagesOf(raw: RawMessage[]): Promise<TgMessage[]> {
    const source = createExportSource({
      file: await writeExport(dir, singleChatExport(raw), 'all.json'),
    });
    const out: TgMessage[] = [];
    try {
      const request = { chat: CHAT, from: 0, to: Date.parse('2100-01-01T00:00:00Z') };
      for await (const m of source.messages(request, new AbortController().signal)) out.push(m);
    } finally {
      await source.close();
    }
    return out;
  }
});
