import { describe, expect, it } from 'vitest';
import type { DayComments, DayDocument } from '../day.js';
import { isoSeconds, type TgMessage, tombstone } from '../message.js';
import type { MessageStore, ProgressStore } from '../ports.js';
import { addDays } from '../time-zone.js';
import { makeDay, makeMessages } from './messages.js';

export interface StoreFixture<T> {
  store: T;
  cleanup?: () => Promise<void>;
}

const CHAT = '@conformance';
const DATE = '2025-11-07';
const START = Date.parse(`${DATE}T00:00:00Z`);

function day(messages: TgMessage[], over: Partial<DayDocument> = {}): DayDocument {
  return makeDay(CHAT, DATE, messages, over);
}

/**
 * The `MessageStore` contract: whole days in and out, merged by id, edits replace older
 * copies, tombstones stay, messages sorted by id, empty days kept, chats and dates
 * independent, one zone per chat (ZONE_CONFLICT), locations relative to the store's root;
 * and, for a store that has them, `locate` and `zoneOf`.
 */
export interface MessageStoreSuiteOptions {
  /**
   * The store keeps each day's comments record (`DayDocument.comments`) as `mergeDayComments`
   * says: checked when true. A store that drops it loses only the record (the comments
   * themselves are messages of their group, and every run with comments reads them again).
   * @default false
   */
  dayComments?: boolean;
}

export function describeMessageStore(
  name: string,
  setup: () => Promise<StoreFixture<MessageStore>>,
  options: MessageStoreSuiteOptions = {},
): void {
  describe(`MessageStore conformance: ${name}`, () => {
    const withStore = (fn: (store: MessageStore) => Promise<void>) => async () => {
      const fixture = await setup();
      try {
        await fn(fixture.store);
      } finally {
        await fixture.cleanup?.();
      }
    };
    const messages = makeMessages({ chat: CHAT, start: START, count: 20, step: 3_600_000 });

    it(
      'reads back a written day',
      withStore(async (store) => {
        const result = await store.writeDay(day(messages));
        expect(result.count).toBe(20);
        expect(typeof result.location).toBe('string');
        const read = await store.readDay(CHAT, DATE);
        expect(read?.messages).toEqual(messages);
        expect(read).toMatchObject({
          chat: CHAT,
          date: DATE,
          count: 20,
          complete: true,
          time_zone: 'UTC',
        });
      }),
    );

    it(
      'returns undefined for a day never written',
      withStore(async (store) => {
        expect(await store.readDay(CHAT, '2020-01-01')).toBeUndefined();
      }),
    );

    it(
      'sorts messages by id whatever order they come in',
      withStore(async (store) => {
        await store.writeDay(day([...messages].reverse()));
        const read = await store.readDay(CHAT, DATE);
        expect(read?.messages.map((m) => m.id)).toEqual(messages.map((m) => m.id));
      }),
    );

    it(
      'adds nothing twice when the same day is written again',
      withStore(async (store) => {
        await store.writeDay(day(messages));
        const again = await store.writeDay(day(messages));
        expect(again.count).toBe(20);
        expect((await store.readDay(CHAT, DATE))?.messages).toEqual(messages);
      }),
    );

    it(
      'merges a partial write with what is stored',
      withStore(async (store) => {
        await store.writeDay(day(messages.slice(0, 12)));
        const result = await store.writeDay(day(messages.slice(8)));
        expect(result.count).toBe(20);
        expect((await store.readDay(CHAT, DATE))?.messages.map((m) => m.id)).toEqual(
          messages.map((m) => m.id),
        );
      }),
    );

    it(
      'replaces a message seen again with a newer edit, and keeps a newer edit',
      withStore(async (store) => {
        await store.writeDay(day(messages));
        const edited = { ...messages[3]!, text: 'edited', edit_date: '2025-11-07T23:00:00Z' };
        await store.writeDay(day([edited]));
        expect((await store.readDay(CHAT, DATE))?.messages[3]).toEqual(edited);
        const stale = { ...messages[3]! };
        await store.writeDay(day([stale]));
        expect((await store.readDay(CHAT, DATE))?.messages[3]?.text).toBe('edited');
      }),
    );

    it(
      'keeps an empty day',
      withStore(async (store) => {
        const result = await store.writeDay(day([], { date: '2025-11-06' }));
        expect(result.count).toBe(0);
        const read = await store.readDay(CHAT, '2025-11-06');
        expect(read?.messages).toEqual([]);
        expect(read?.count).toBe(0);
      }),
    );

    it(
      'keeps chats and dates apart',
      withStore(async (store) => {
        await store.writeDay(day(messages));
        const other = makeMessages({ chat: '@other_chat', start: START, count: 3 });
        await store.writeDay(day(other, { chat: '@other_chat' }));
        await store.writeDay(day([], { date: '2025-11-08' }));
        expect((await store.readDay(CHAT, DATE))?.count).toBe(20);
        expect((await store.readDay('@other_chat', DATE))?.count).toBe(3);
        expect((await store.readDay(CHAT, '2025-11-08'))?.count).toBe(0);
      }),
    );

    it(
      'keeps a chat in one zone: a day of another zone is refused, nothing changed (ZONE_CONFLICT)',
      withStore(async (store) => {
        await store.writeDay(day(messages.slice(0, 5)));
        const tokyo = day(messages, { time_zone: 'Asia/Tokyo' });
        await expect(store.writeDay(tokyo)).rejects.toMatchObject({ code: 'ZONE_CONFLICT' });
        await expect(store.writeDay({ ...tokyo, date: '2025-11-08' })).rejects.toMatchObject({
          code: 'ZONE_CONFLICT',
        });
        const read = await store.readDay(CHAT, DATE);
        expect(read?.time_zone).toBe('UTC');
        expect(read?.count).toBe(5);
        expect(await store.readDay(CHAT, '2025-11-08')).toBeUndefined();
        // Another chat may live in another zone.
        await store.writeDay({ ...tokyo, chat: '@other_chat' });
        expect((await store.readDay('@other_chat', DATE))?.time_zone).toBe('Asia/Tokyo');
      }),
    );

    it(
      'reports locations relative to its root, never an absolute path',
      withStore(async (store) => {
        const { location } = await store.writeDay(day(messages));
        expect(location).not.toMatch(/^([/\\]|[A-Za-z]:[/\\])/);
        expect(location.length).toBeGreaterThan(0);
      }),
    );

    it(
      'keeps a deleted message as a tombstone, whatever copy of it comes later',
      withStore(async (store) => {
        await store.writeDay(day(messages));
        const at = START + 2 * 86_400_000;
        await store.writeDay(day([tombstone(messages[3]!, at)], { complete: false }));
        const edited = { ...messages[3]!, text: 'edited', edit_date: '2025-11-07T23:00:00Z' };
        await store.writeDay(day([messages[3]!, edited]));
        await store.writeDay(day([tombstone(messages[3]!, at + 60_000)]));
        const read = await store.readDay(CHAT, DATE);
        expect(read?.count).toBe(20);
        expect(read?.complete).toBe(true);
        expect(read?.messages[3]).toEqual({ ...tombstone(edited, at) });
        // A re-fetch of the day that no longer has the message keeps the tombstone.
        await store.writeDay(day(messages.filter((m) => m.id !== messages[3]!.id)));
        expect((await store.readDay(CHAT, DATE))?.messages[3]).toMatchObject({
          deleted: true,
          deleted_at: isoSeconds(at),
        });
      }),
    );

    it(
      "locates stored ids by their day, the chat's own messages only (when it can)",
      withStore(async (store) => {
        if (!store.locate) return;
        // Twelve days of five messages (ids 1..60, growing with time), an empty day, and a
        // day holding only messages of an earlier peer (a migrated group) with clashing ids.
        const dates: string[] = [];
        for (let i = 0; i < 14; i++) {
          const date = addDays('2025-10-01', i);
          dates.push(date);
          const start = Date.parse(`${date}T08:00:00Z`);
          const own =
            i < 12 ? makeMessages({ chat: CHAT, start, count: 5, firstId: 1 + 5 * i }) : [];
          const peer = { kind: 'chat' as const, id: 777 };
          const migrated =
            i === 13
              ? makeMessages({ chat: CHAT, start, count: 3, firstId: 2 }).map((m) => ({
                  ...m,
                  peer,
                }))
              : [];
          await store.writeDay(day([...own, ...migrated], { date }));
        }
        await store.writeDay(
          day(makeMessages({ chat: '@other_chat', start: START, count: 80 }), {
            chat: '@other_chat',
          }),
        );
        const ids = [1, 5, 6, 33, 60, 61, 0, 1000, 33];
        const found = await store.locate(CHAT, ids);
        expect(Object.fromEntries([...found].sort((a, b) => a[0] - b[0]))).toEqual({
          1: dates[0],
          5: dates[0],
          6: dates[1],
          33: dates[6],
          60: dates[11],
        });
        for (let id = 1; id <= 60; id++) {
          expect((await store.locate(CHAT, [id])).get(id)).toBe(dates[Math.floor((id - 1) / 5)]);
        }
        expect((await store.locate('@never_stored', [1, 2])).size).toBe(0);
        expect((await store.locate(CHAT, [])).size).toBe(0);
      }),
    );

    it(
      'tells the zone a chat is stored in (when it can)',
      withStore(async (store) => {
        if (!store.zoneOf) return;
        expect(await store.zoneOf(CHAT)).toBeUndefined();
        await store.writeDay(day(messages, { time_zone: 'Asia/Tokyo' }));
        expect(await store.zoneOf(CHAT)).toBe('Asia/Tokyo');
        expect(await store.zoneOf('@other_chat')).toBeUndefined();
      }),
    );

    // Registered only for stores that claim it, so that others have nothing skipped.
    if (options.dayComments === true)
      it(
        "keeps a day's comments record: replaced by a newer one, kept by a write without one or with off",
        withStore(async (store) => {
          const read: DayComments = {
            status: 'complete',
            chat: '-1001',
            read_at: isoSeconds(START),
            count: 4,
          };
          await store.writeDay(day(messages, { comments: { status: 'off' } }));
          expect((await store.readDay(CHAT, DATE))?.comments).toEqual({ status: 'off' });
          await store.writeDay(day([], { comments: read }));
          expect((await store.readDay(CHAT, DATE))?.comments).toEqual(read);
          await store.writeDay(day(messages.slice(0, 3)));
          await store.writeDay(day([], { comments: { status: 'off' } }));
          const kept = await store.readDay(CHAT, DATE);
          expect(kept?.comments).toEqual(read);
          expect(kept?.count).toBe(20);
          const later: DayComments = {
            status: 'partial',
            read_at: isoSeconds(START + 1000),
            count: 1,
            reason: 'X',
          };
          await store.writeDay(day([], { comments: later }));
          expect((await store.readDay(CHAT, DATE))?.comments).toEqual(later);
          expect((await store.readDay(CHAT, '2025-11-08'))?.comments).toBeUndefined();
          await store.writeDay(day(messages, { date: '2025-11-08' }));
          expect((await store.readDay(CHAT, '2025-11-08'))?.comments).toBeUndefined();
        }),
      );

    it(
      'takes days written concurrently',
      withStore(async (store) => {
        const dates = ['2025-10-01', '2025-10-02', '2025-10-03', '2025-10-04'];
        await Promise.all(dates.map((date) => store.writeDay(day(messages, { date }))));
        for (const date of dates) expect((await store.readDay(CHAT, date))?.count).toBe(20);
      }),
    );
  });
}

/**
 * The `ProgressStore` contract: complete days recorded per chat, replaced per date, one
 * zone per chat.
 */
export function describeProgressStore(
  name: string,
  setup: () => Promise<StoreFixture<ProgressStore>>,
): void {
  describe(`ProgressStore conformance: ${name}`, () => {
    const withStore = (fn: (store: ProgressStore) => Promise<void>) => async () => {
      const fixture = await setup();
      try {
        await fn(fixture.store);
      } finally {
        await fixture.cleanup?.();
      }
    };
    const record = (date: string, count = 5) => ({
      date,
      count,
      location: `somewhere/${date}`,
      fetched_at: '2025-11-08T00:00:00.000Z',
    });

    it(
      'knows nothing of a new chat',
      withStore(async (store) => {
        expect((await store.completed(CHAT, [DATE])).size).toBe(0);
      }),
    );

    it(
      'returns the complete days among those asked',
      withStore(async (store) => {
        await store.markComplete(CHAT, record('2025-11-01'));
        await store.markComplete(CHAT, record('2025-11-03', 7));
        const done = await store.completed(CHAT, ['2025-11-01', '2025-11-02', '2025-11-03']);
        expect([...done.keys()].sort()).toEqual(['2025-11-01', '2025-11-03']);
        expect(done.get('2025-11-03')).toEqual(record('2025-11-03', 7));
        expect((await store.completed(CHAT, ['2025-11-02'])).size).toBe(0);
      }),
    );

    it(
      'replaces the record of a day marked again',
      withStore(async (store) => {
        await store.markComplete(CHAT, record(DATE, 1));
        await store.markComplete(CHAT, record(DATE, 9));
        expect((await store.completed(CHAT, [DATE])).get(DATE)?.count).toBe(9);
      }),
    );

    it(
      'keeps chats apart',
      withStore(async (store) => {
        await store.markComplete(CHAT, record(DATE));
        expect((await store.completed('@other_chat', [DATE])).size).toBe(0);
        expect((await store.completed('-1001234567890', [DATE])).size).toBe(0);
      }),
    );

    it(
      'keeps a chat in one zone: another zone is refused when asked or marked (ZONE_CONFLICT)',
      withStore(async (store) => {
        await store.markComplete(CHAT, { ...record(DATE), time_zone: 'UTC' });
        await expect(store.completed(CHAT, [DATE], 'Asia/Tokyo')).rejects.toMatchObject({
          code: 'ZONE_CONFLICT',
        });
        await expect(
          store.markComplete(CHAT, { ...record('2025-11-08'), time_zone: 'Asia/Tokyo' }),
        ).rejects.toMatchObject({ code: 'ZONE_CONFLICT' });
        expect((await store.completed(CHAT, [DATE, '2025-11-08'], 'UTC')).size).toBe(1);
        expect((await store.completed('@other_chat', [DATE], 'Asia/Tokyo')).size).toBe(0);
      }),
    );

    it(
      'takes concurrent marks of one chat without losing any',
      withStore(async (store) => {
        const dates = Array.from(
          { length: 12 },
          (_, i) => `2025-09-${String(i + 1).padStart(2, '0')}`,
        );
        await Promise.all(dates.map((date) => store.markComplete(CHAT, record(date))));
        expect((await store.completed(CHAT, dates)).size).toBe(dates.length);
      }),
    );
  });
}
