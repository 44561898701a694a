import { describe, expect, it } from 'vitest';
import { runFetch } from './engine.js';
import { commandFor, memoryPorts } from './engine-fixture.js';
import { FloodWaitError } from './errors.js';
import { createMemorySource, type MemorySourceOptions } from './memory/source.js';
import type { TgMessage } from './message.js';
import type { MessageSource, MessageStore, SourceCoverage } from './ports.js';
import { makeMessages } from './testing/messages.js';

/** Every stored day is exactly the day it claims: zones, coverage, checked progress, accounting. */

const NOW = Date.parse('2025-11-08T12:00:00Z');
const CHAT = '@days';
const HISTORY = makeMessages({
  chat: CHAT,
  start: Date.parse('2025-10-20T00:10:00Z'),
  count: 600,
  step: 53 * 60_000,
});

const command = (input: Record<string, unknown>) => commandFor(CHAT, NOW, input);
const setup = (sourceOptions: MemorySourceOptions = {}) =>
  memoryPorts(CHAT, HISTORY, NOW, sourceOptions);

/** A source that knows only the messages between two instants, like an export. */
function exportLike(messages: TgMessage[], fromStart?: boolean): MessageSource {
  const inner = createMemorySource({ [CHAT]: messages });
  const times = messages.map((m) => Date.parse(m.date));
  return {
    messages: (request, signal) => inner.messages(request, signal),
    coverage: async (): Promise<SourceCoverage> =>
      times.length === 0
        ? null
        : {
            first: Math.min(...times),
            last: Math.max(...times),
            ...(fromStart === undefined ? {} : { fromStart }),
          },
  };
}

const inDay = (date: string, zone = 'UTC') =>
  HISTORY.filter(
    (m) => new Date(m.date).toLocaleDateString('sv-SE', { timeZone: zone }) === date,
  ).map((m) => m.id);

describe('zones: a day is (chat, zone, date)', () => {
  it('refuses the same date in another zone, with and without force, leaving the day as it was', async () => {
    const t = setup();
    await runFetch(command({ mode: 'date', date: '2025-11-01' }), t.ports, t.options);
    const before = t.store.days();
    for (const force of [false, true]) {
      const other = await runFetch(
        command({ mode: 'date', date: '2025-11-01', options: { tz: 'Asia/Tokyo', force } }),
        t.ports,
        t.options,
      );
      expect(other).toMatchObject({ event: 'failed', error: { code: 'ZONE_CONFLICT' } });
    }
    expect(t.store.days()).toEqual(before);
    expect(before[0]?.messages.map((m) => m.id)).toEqual(inDay('2025-11-01'));
  });

  it('stores a chat first fetched in another zone with that zone’s window', async () => {
    const t = setup();
    await runFetch(
      command({ mode: 'date', date: '2025-11-01', options: { tz: 'Asia/Tokyo' } }),
      t.ports,
      t.options,
    );
    const day = await t.store.readDay(CHAT, '2025-11-01');
    expect(day?.time_zone).toBe('Asia/Tokyo');
    expect(day?.messages.map((m) => m.id)).toEqual(inDay('2025-11-01', 'Asia/Tokyo'));
  });
});

describe('coverage: a source may not know a day', () => {
  it('neither stores nor completes days outside an export, and a newer export fills them', async () => {
    const t = setup();
    const old = HISTORY.filter((m) => m.date < '2025-11-03');
    const first = await runFetch(
      command({ mode: 'range', from: '2025-10-18', to: '2025-11-05' }),
      { ...t.ports, source: exportLike(old) },
      t.options,
    );
    if (first.event !== 'completed') throw new Error(JSON.stringify(first));
    const outcome = (date: string) => first.days.find((d) => d.date === date)?.outcome;
    expect(outcome('2025-10-19')).toBe('not_covered'); // before its first post
    expect(outcome('2025-10-20')).toBe('partial'); // its first post's day: from that post on
    expect(outcome('2025-10-21')).toBe('stored');
    expect(outcome('2025-11-01')).toBe('stored');
    expect(outcome('2025-11-02')).toBe('partial'); // its last post's day: up to that post
    expect(outcome('2025-11-03')).toBe('not_covered'); // after its last post
    expect(first.days.find((d) => d.date === '2025-11-04')).toMatchObject({
      count: 0,
      file_path: '',
      complete: false,
      skipped: false,
    });
    expect(await t.store.readDay(CHAT, '2025-11-03')).toBeUndefined();
    expect((await t.progress.completed(CHAT, ['2025-10-19', '2025-11-03'])).size).toBe(0);

    const newer = await runFetch(
      command({ mode: 'range', from: '2025-10-18', to: '2025-11-05' }),
      { ...t.ports, source: exportLike(HISTORY) },
      t.options,
    );
    if (newer.event !== 'completed') throw new Error(JSON.stringify(newer));
    expect(newer.days.find((d) => d.date === '2025-11-03')).toMatchObject({ outcome: 'stored' });
    expect(newer.days.find((d) => d.date === '2025-11-02')).toMatchObject({ outcome: 'stored' });
    expect(newer.days.find((d) => d.date === '2025-11-01')).toMatchObject({ outcome: 'skipped' });
    expect((await t.store.readDay(CHAT, '2025-11-03'))?.messages.map((m) => m.id)).toEqual(
      inDay('2025-11-03'),
    );
  });

  it('stores the edge days of a span partial, so that a newer export or a live fetch completes them', async () => {
    const t = setup();
    const cut = Date.parse('2025-11-02T12:00:00Z');
    const range = command({ mode: 'range', from: '2025-10-20', to: '2025-11-02' });
    const older = HISTORY.filter((m) => Date.parse(m.date) < cut);
    const first = await runFetch(range, { ...t.ports, source: exportLike(older, true) }, t.options);
    if (first.event !== 'completed') throw new Error(JSON.stringify(first));
    // It opens with the chat's start: its first day is whole; its last is known up to `cut`.
    expect(first.days.map((d) => d.outcome)).toEqual(['partial', ...Array(13).fill('stored')]);
    expect(await t.store.readDay(CHAT, '2025-11-02')).toMatchObject({ complete: false });
    expect((await t.progress.completed(CHAT, ['2025-11-02'])).size).toBe(0);

    // A live source (no coverage) reads that one day again, none of the others.
    t.source.requests.length = 0;
    const live = await runFetch(range, t.ports, t.options);
    if (live.event !== 'completed') throw new Error(JSON.stringify(live));
    expect(live.days.map((d) => d.outcome)).toEqual(['stored', ...Array(13).fill('skipped')]);
    expect(t.source.requests.map((r) => [r.from, r.to])).toEqual([
      [Date.parse('2025-11-02T00:00:00Z'), Date.parse('2025-11-03T00:00:00Z')],
    ]);
    expect(await t.store.readDay(CHAT, '2025-11-02')).toMatchObject({
      complete: true,
      messages: inDay('2025-11-02').map((id) => expect.objectContaining({ id })),
    });

    // Without `fromStart` the first day is an edge day too.
    const u = setup();
    const start = await runFetch(range, { ...u.ports, source: exportLike(older) }, u.options);
    if (start.event !== 'completed') throw new Error(JSON.stringify(start));
    expect(start.days.at(-1)).toMatchObject({ date: '2025-10-20', outcome: 'partial' });
  });

  it('takes a source that holds nothing as covering nothing', async () => {
    const t = setup();
    const result = await runFetch(
      command({ mode: 'days', days: 2 }),
      { ...t.ports, source: exportLike([]) },
      t.options,
    );
    if (result.event !== 'completed') throw new Error('expected completed');
    expect(result.days.map((d) => d.outcome)).toEqual(['not_covered', 'not_covered']);
    expect(t.store.days()).toEqual([]);
  });
});

describe('progress is checked against the stored day before a day is skipped', () => {
  const withLoss = (store: MessageStore, lose: (date: string) => 'gone' | 'short' | undefined) => ({
    ...store,
    async readDay(chat: string, date: string) {
      const day = await store.readDay(chat, date);
      const loss = lose(date);
      if (!day || loss === undefined) return day;
      if (loss === 'gone') return undefined;
      return { ...day, messages: day.messages.slice(1), count: day.count - 1 };
    },
  });

  it('fetches again a day whose copy is missing or short, and says why', async () => {
    const t = setup();
    await runFetch(command({ mode: 'days', days: 3 }), t.ports, t.options);
    const store = withLoss(t.store, (date) =>
      date === '2025-11-07' ? 'gone' : date === '2025-11-06' ? 'short' : undefined,
    );
    t.source.requests.length = 0;
    const again = await runFetch(
      command({ mode: 'days', days: 3 }),
      { ...t.ports, store },
      t.options,
    );
    if (again.event !== 'completed') throw new Error(JSON.stringify(again));
    expect(again.days.map((d) => [d.date, d.outcome, d.repair !== undefined])).toEqual([
      ['2025-11-07', 'stored', true],
      ['2025-11-06', 'stored', true],
      ['2025-11-05', 'skipped', false],
    ]);
    expect(again.days[0]?.repair).toContain('no stored copy');
    expect(again.days[1]?.repair).toContain('progress recorded');
    expect(t.source.requests).toHaveLength(1);
  });
});

describe('accounting', () => {
  it('counts as processed exactly the messages of the days it stored, also when it fails', async () => {
    const first = inDay('2025-11-07').length;
    const t = setup({
      fault: (yielded) => (yielded === first + 3 ? new FloodWaitError(86_400) : undefined),
    });
    const result = await runFetch(command({ mode: 'days', days: 3 }), t.ports, t.options);
    expect(result.event).toBe('failed');
    const days = result.days ?? [];
    expect(days.map((d) => d.date)).toEqual(['2025-11-07']);
    expect(result.processed).toBe(first);
    expect(result.processed).toBe(days.reduce((n, d) => n + d.count, 0));
  });

  it('leaves skipped days out of processed', async () => {
    const t = setup();
    await runFetch(command({ mode: 'date', date: '2025-11-06' }), t.ports, t.options);
    const result = await runFetch(command({ mode: 'days', days: 2 }), t.ports, t.options);
    if (result.event !== 'completed') throw new Error('expected completed');
    expect(result.processed).toBe(inDay('2025-11-07').length);
    const stored = result.days.filter((d) => d.outcome === 'stored' || d.outcome === 'partial');
    expect(result.processed).toBe(stored.reduce((n, d) => n + d.count, 0));
  });

  it('shows locations through the store’s filePath', async () => {
    const t = setup();
    const store: MessageStore = { ...t.store, filePath: (location) => `shown/${location}` };
    const result = await runFetch(
      command({ mode: 'date', date: '2025-11-06' }),
      { ...t.ports, store },
      t.options,
    );
    if (result.event !== 'completed') throw new Error('expected completed');
    expect(result.days[0]?.file_path).toBe('shown/memory:days/2025-11-06');
  });
});
