import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { type HistoryRequest, isoSeconds, TgfetchError, type TgMessage } from '@tgfetch/core';
import { describeMessageSource } from '@tgfetch/core/testing';
import { tempDir } from '@tgfetch/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import {
  accountExport,
  exportMessage,
  type RawMessage,
  singleChatExport,
  writeExport,
} from '../testing/desktop-export.js';
import { ExportError } from './errors.js';
import { listExportChats } from './list-chats.js';
import { createExportSource, type ExportSource } from './source.js';

const START = Date.UTC(2024, 0, 1) / 1000;
const CHAT = '-1001234567890';

/** `count` messages, one every 47 minutes, ids with gaps (deleted posts), some services. */
function history(count: number, options: { old?: boolean; offsetHours?: number } = {}) {
  return Array.from({ length: count }, (_, i): RawMessage => {
    const spec = {
      id: 1 + i * 2,
      unix: START + i * 47 * 60,
      localOffsetHours: options.offsetHours ?? 0,
      old: options.old ?? false,
    };
    if (i % 10 !== 3) return exportMessage(spec);
    const m = exportMessage({
      ...spec,
      text: '',
      extra: { action: 'pin_message', message_id: spec.id - 2 },
    });
    m.type = 'service';
    m.actor_id = m.from_id;
    delete m.from_id;
    return m;
  });
}

async function collect(source: ExportSource, request: Partial<HistoryRequest> = {}) {
  const out: TgMessage[] = [];
  const full = { chat: CHAT, from: 0, to: Date.UTC(2100, 0, 1), ...request };
  for await (const m of source.messages(full, new AbortController().signal)) out.push(m);
  return out;
}

async function failure(run: () => Promise<unknown>): Promise<TgfetchError> {
  const error = await run().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TgfetchError);
  return error as TgfetchError;
}

describeMessageSource(
  'Telegram Desktop export',
  async () => {
    const { dir, cleanup } = await tempDir('tgfetch-export-');
    const raw = history(120);
    const file = await writeExport(dir, singleChatExport(raw));
    // A tiny chunk size makes every value straddle reads.
    const source = createExportSource({ file, chunkSize: 97 });
    const expected = raw.map((m) => ({
      id: m.id as number,
      date: isoSeconds(Number(m.date_unixtime) * 1000),
      chat: CHAT,
      text: '',
    }));
    return {
      source,
      chat: CHAT,
      messages: expected,
      cleanup: async () => {
        await source.close();
        await cleanup();
      },
    };
  },
  { unknownChat: '@somebody_else' },
);

describe('createExportSource', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0)) await c();
  });
  const setup = async (value: unknown, options: Record<string, unknown> = {}) => {
    const { dir, cleanup } = await tempDir('tgfetch-export-');
    const file = await writeExport(dir, value);
    const source = createExportSource({ file, ...options });
    cleanups.push(async () => {
      await source.close();
      await cleanup();
    });
    return { source, file, dir };
  };

  it('serves a current single-chat export under its marked id, with services and edits', async () => {
    const raw = history(30);
    raw[5]!.edited = '2024-02-01T00:00:00';
    raw[5]!.edited_unixtime = String(Date.UTC(2024, 1, 1) / 1000);
    const { source } = await setup(singleChatExport(raw));
    const info = await source.open();
    expect(info).toMatchObject({ chat: CHAT, id: 1234567890, name: 'Test channel', messages: 30 });
    const got = await collect(source);
    expect(got.map((m) => m.id)).toEqual(raw.map((m) => m.id as number).reverse());
    const pinned = got.find((m) => m.id === 7)!;
    expect(pinned).toMatchObject({
      type: 'service',
      action: { type: 'pin_message', message_id: 5 },
    });
    expect(got.find((m) => m.id === 11)!.edit_date).toBe('2024-02-01T00:00:00Z');
    expect(got.every((m) => m.chat === CHAT)).toBe(true);
  });

  it('says which span it covers: from its first post to its last, nothing when empty', async () => {
    const raw = history(30);
    const { source } = await setup(singleChatExport(raw));
    const signal = new AbortController().signal;
    expect(await source.coverage(CHAT, signal)).toEqual({
      first: START * 1000,
      last: (START + 29 * 47 * 60) * 1000,
    });
    expect((await failure(() => source.coverage('@somebody_else', signal))).code).toBe(
      'CHAT_NOT_FOUND',
    );
    const empty = await setup(singleChatExport([]));
    expect(await empty.source.coverage(CHAT, signal)).toBeNull();
  });

  it('says it holds the chat from its start only when it opens with the chat’s creation', async () => {
    const signal = new AbortController().signal;
    const service = (action: string, unix: number) => {
      const m = exportMessage({ id: 1, unix, text: '', extra: { action, title: 'Test' } });
      m.type = 'service';
      return m;
    };
    const posts = history(5).slice(1);
    const opened = (action: string, unix = START) =>
      setup(singleChatExport([service(action, unix), ...posts]));
    for (const action of ['create_channel', 'create_group']) {
      const { source } = await opened(action);
      expect(await source.coverage(CHAT, signal)).toEqual({
        first: START * 1000,
        last: (START + 4 * 47 * 60) * 1000,
        fromStart: true,
      });
    }
    // A migrated supergroup's history goes on in its basic group; a later creation is no start.
    const migrated = await opened('migrate_from_group');
    expect(await migrated.source.coverage(CHAT, signal)).not.toHaveProperty('fromStart');
    const late = await opened('create_channel', START + 5 * 47 * 60);
    expect(await late.source.coverage(CHAT, signal)).not.toHaveProperty('fromStart');
  });

  it('reads an old export (no date_unixtime) in the given time zone', async () => {
    // Exported on a machine in Moscow (UTC+3): naive dates are 3 hours ahead.
    const raw = history(60, { old: true, offsetHours: 3 });
    expect(raw[0]!.date_unixtime).toBeUndefined();
    const { source } = await setup(singleChatExport(raw), { timeZone: 'Europe/Moscow' });
    const got = await collect(source);
    expect(got.at(-1)!.date).toBe(isoSeconds(START * 1000));
    // The day boundary is where Moscow's day starts, not UTC's.
    const day = await collect(source, {
      from: Date.UTC(2024, 0, 1, 21),
      to: Date.UTC(2024, 0, 2, 21),
    });
    const inWindow = (i: number) =>
      (START + i * 47 * 60) * 1000 >= Date.UTC(2024, 0, 1, 21) &&
      (START + i * 47 * 60) * 1000 < Date.UTC(2024, 0, 2, 21);
    const expected = raw.filter((_, i) => inWindow(i)).map((m) => m.id);
    expect(expected.length).toBeGreaterThan(20);
    expect(day.map((m) => m.id)).toEqual(expected.reverse());
    for (const m of day)
      expect(m.date >= '2024-01-01T21:00:00Z' && m.date < '2024-01-02T21:00:00Z').toBe(true);
    const utc = createExportSource({ file: (await setup(singleChatExport(raw))).file });
    cleanups.push(() => utc.close());
    expect((await collect(utc)).at(-1)!.date).toBe(isoSeconds((START + 3 * 3600) * 1000));
  });

  it('serves a chat chosen from a full-account export', async () => {
    const chats = [
      { name: 'Alice', type: 'personal_chat', id: 111, messages: history(5) },
      { name: 'News', type: 'public_channel', id: 1234567890, messages: history(40) },
      { name: 'Group', type: 'private_group', id: 333, messages: [] },
    ];
    const left = [{ name: 'Old', type: 'private_supergroup', id: 444, messages: history(3) }];
    const { source, file } = await setup(accountExport(chats, left), { chat: CHAT });
    expect((await collect(source)).length).toBe(40);
    expect(await listExportChats(file)).toMatchObject([
      { chat: '111', name: 'Alice', section: 'chats', messages: 5 },
      { chat: CHAT, name: 'News', messages: 40 },
      { chat: '-333', name: 'Group', messages: 0, first: undefined },
      { chat: '-100444', name: 'Old', section: 'left_chats', messages: 3 },
    ]);
    // By name, filed under a username the export cannot know.
    const named = createExportSource({ file, exportChat: 'Old', chat: '@old_group' });
    cleanups.push(() => named.close());
    expect(await named.open()).toMatchObject({ chat: '@old_group', id: 444 });
    expect((await collect(named, { chat: '@old_group' })).map((m) => m.chat)).toEqual(
      Array(3).fill('@old_group'),
    );
    // By the bare id as exported.
    const bare = createExportSource({ file, exportChat: 111 });
    cleanups.push(() => bare.close());
    expect((await bare.open()).chat).toBe('111');

    const ambiguous = await failure(() => createExportSource({ file }).open());
    expect(ambiguous.code).toBe('EXPORT_AMBIGUOUS');
    expect(ambiguous.message).toContain('4 chats');
    expect(ambiguous.message).toContain(`${CHAT} "News"`);
    const missing = await failure(() => createExportSource({ file, chat: '-100999' }).open());
    expect(missing.code).toBe('EXPORT_CHAT_NOT_FOUND');
    expect(missing.message).toContain('-100444 "Old"');
  });

  it('takes the only chat of a full export without being told', async () => {
    const { source } = await setup(
      accountExport([{ name: 'Solo', type: 'bot_chat', id: 5, messages: history(4) }]),
    );
    expect((await source.open()).chat).toBe('5');
  });

  it('fails a request for another chat, and after close', async () => {
    const { source } = await setup(singleChatExport(history(3)));
    const other = await failure(() => collect(source, { chat: '-1009' }));
    expect(other).toMatchObject({ code: 'CHAT_NOT_FOUND', retryable: false });
    await source.close();
    expect((await failure(() => collect(source))).code).toBe('SOURCE_CLOSED');
  });

  it('says EXPORT_NOT_FOUND for a missing file and EXPORT_UNREADABLE for a folder', async () => {
    const { dir } = await setup(singleChatExport([]));
    const missing = await failure(() =>
      createExportSource({ file: path.join(dir, 'nope.json') }).open(),
    );
    expect(missing).toMatchObject({
      name: 'ExportError',
      code: 'EXPORT_NOT_FOUND',
      retryable: false,
    });
    await mkdir(path.join(dir, 'folder.json'));
    const folder = await failure(() => listExportChats(path.join(dir, 'folder.json')));
    expect(folder.code).toBe('EXPORT_UNREADABLE');
  });

  it('reads text split at every byte of multi-byte characters (chunk size 1 to 5)', async () => {
    const raw = [
      exportMessage({ id: 1, unix: START, text: ['川陀😀 ', { type: 'bold', text: 'عَلَىٰ' }, ' ж'] }),
    ];
    const { file } = await setup(singleChatExport(raw, { name: 'Канал 📚' }));
    for (const chunkSize of [1, 2, 3, 4, 5]) {
      const source = createExportSource({ file, chunkSize });
      cleanups.push(() => source.close());
      expect((await source.open()).name).toBe('Канал 📚');
      const [m] = await collect(source);
      expect(m!.text).toBe('川陀😀 عَلَىٰ ж');
      expect(m!.entities).toEqual([{ type: 'bold', offset: 5, length: 6 }]);
    }
  });
});

describe('malformed exports', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0)) await c();
  });
  const invalid = async (text: string, chunkSize = 7) => {
    const { dir, cleanup } = await tempDir('tgfetch-export-');
    cleanups.push(cleanup);
    const file = path.join(dir, 'result.json');
    await (await import('node:fs/promises')).writeFile(file, text);
    const error = await failure(() => createExportSource({ file, chunkSize }).open());
    expect(error).toBeInstanceOf(ExportError);
    expect(error.code).toBe('EXPORT_INVALID');
    expect(error.retryable).toBe(false);
    expect(error.stack).toBeDefined();
    return error as ExportError;
  };
  const good = JSON.stringify(singleChatExport(history(3)), null, 1);

  it('reports a truncated file at its end', async () => {
    const text = good.slice(0, good.length - 40);
    const error = await invalid(text);
    expect(error.position?.offset).toBe(Buffer.byteLength(text));
    expect(error.message).toMatch(/unexpected end of input.* at line \d+, column \d+ \(byte \d+\)/);
  });

  it('reports a bad token with its line and column (columns count characters)', async () => {
    const error = await invalid('{\n "name": "Канал",\n "messages": [\n  {"id": 1, oops}\n ]\n}');
    expect(error.position).toEqual({ line: 4, column: 13, offset: 52 });
    expect(error.message).toContain('unexpected "o" where a key was expected at line 4, column 13');
  });

  it.each([
    ['[]', 'the export is not an object'],
    ['"text"', 'the export is not a JSON object'],
    ['{"name": "x", "messages": {}}', '"messages" is not an array'],
    ['{"messages": [1]}', 'a message is not an object'],
    ['{"messages": [[]]}', 'a message is not an object'],
    ['{"messages": [{"date_unixtime": "1"}]}', 'a message has no integer "id"'],
    ['{"messages": [{"id": 1, "date": "soon"}]}', 'message 1 has no valid "date"'],
    ['{"chats": {"list": {}}}', '"chats.list" is not an array'],
    ['{"about": "x", "contacts": {}}', 'not a Telegram Desktop JSON export'],
  ])('rejects the shape of %j', async (text, reason) => {
    const error = await invalid(text);
    expect(error.message).toContain(reason);
    expect(error.position?.line).toBe(1);
  });
});
