import { describe, expect, it } from 'vitest';
import { type ApplyOptions, applyChanges } from '../apply-changes.js';
import type { MessageChange } from '../changes.js';
import type { DayDocument } from '../day.js';
import { isoSeconds, type TgMessage, tombstone } from '../message.js';
import type { MessageStore, ProgressStore } from '../ports.js';
import { dateInZone } from '../time-zone.js';
import { checkArchive, runScenario } from './apply-scenario.js';
import { makeMessages } from './messages.js';

export interface ApplyFixture {
  store: MessageStore;
  progress: ProgressStore;
  cleanup?: () => Promise<void>;
  /** Random scenarios to run (each a few dozen writes). @default 12 */
  runs?: number;
}

const CHAT = '@applied';
const OTHER = '@elsewhere';
const ZONE = 'Asia/Tokyo';
/** 2025-11-07 in Tokyo: [2025-11-06T15:00Z, 2025-11-07T15:00Z). */
const DATE = '2025-11-07';
const START = Date.parse('2025-11-06T15:00:00Z');
const AT = Date.parse('2025-11-09T12:00:00Z');

function tokyoDay(messages: TgMessage[], over: Partial<DayDocument> = {}): DayDocument {
  return {
    chat: CHAT,
    date: DATE,
    time_zone: ZONE,
    fetched_at: '2025-11-07T15:00:05.000Z',
    complete: true,
    count: messages.length,
    messages,
    ...over,
  };
}

/**
 * `applyChanges` against a store and its progress: changes merge into the day of each
 * message in the chat's zone, deletions become sticky tombstones found by id, a complete
 * day stays complete with a true count and record, a replay changes nothing, and random
 * orderings of posts, edits, deletions, replays and history re-fetches end as the reference
 * merge (`mergeMessage`) says, however the changes are cut into batches.
 */
export function describeChangeApplier(name: string, setup: () => Promise<ApplyFixture>): void {
  describe(`applyChanges conformance: ${name}`, () => {
    const withFixture = (fn: (f: ApplyFixture) => Promise<void>) => async () => {
      const fixture = await setup();
      try {
        await fn(fixture);
      } finally {
        await fixture.cleanup?.();
      }
    };
    const messages = makeMessages({
      chat: CHAT,
      start: START + 60_000,
      count: 20,
      step: 3_600_000,
    });
    /** The stored zone decides when the store can tell it; else the caller must give it. */
    const options = (f: ApplyFixture): ApplyOptions => ({
      timeZone: f.store.zoneOf ? 'UTC' : ZONE,
      clock: { now: () => AT, sleep: async () => undefined },
    });
    /** Stores a complete day as the engine does: the day, then its record. */
    const fetched = async (f: ApplyFixture, day: DayDocument) => {
      const result = await f.store.writeDay(day);
      if (day.complete) {
        await f.progress.markComplete(day.chat, {
          date: day.date,
          count: result.count,
          location: result.location,
          fetched_at: day.fetched_at,
          time_zone: day.time_zone,
        });
      }
      return result;
    };

    it(
      "merges a new message into its day in the chat's zone; a day only changes made is partial",
      withFixture(async (f) => {
        await fetched(f, tokyoDay(messages));
        const late = {
          ...messages[0]!,
          id: 21,
          date: isoSeconds(START + 20 * 3_600_000),
          text: 'late',
        };
        const next = {
          ...messages[0]!,
          id: 22,
          date: isoSeconds(START + 30 * 3_600_000),
          text: 'next day',
        };
        expect(dateInZone(Date.parse(next.date), ZONE)).toBe('2025-11-08');
        const result = await applyChanges(
          f,
          [
            { kind: 'new', chat: CHAT, message: late },
            { kind: 'new', chat: CHAT, message: next },
          ],
          options(f),
        );
        expect(result.unlocated).toEqual([]);
        expect(result.days.map((d) => [d.date, d.time_zone, d.count, d.complete, d.new])).toEqual([
          [DATE, ZONE, 21, true, 1],
          ['2025-11-08', ZONE, 1, false, 1],
        ]);
        const day = await f.store.readDay(CHAT, DATE);
        expect(day).toMatchObject({ complete: true, count: 21, time_zone: ZONE });
        expect(day?.messages.at(-1)).toEqual(late);
        expect(await f.store.readDay(CHAT, '2025-11-08')).toMatchObject({
          complete: false,
          count: 1,
          time_zone: ZONE,
        });
        const record = (await f.progress.completed(CHAT, [DATE, '2025-11-08'], ZONE)).get(DATE);
        expect(record).toMatchObject({ count: 21, location: result.days[0]!.location });
        expect((await f.progress.completed(CHAT, ['2025-11-08'], ZONE)).size).toBe(0);
      }),
    );

    it(
      'cuts the days of a chat the store holds nothing of in the zone it is given',
      withFixture(async (f) => {
        const m = { ...messages[0]!, chat: OTHER, date: '2025-11-07T16:00:00Z' };
        const result = await applyChanges(f, [{ kind: 'new', chat: OTHER, message: m }], {
          timeZone: (chat) => (chat === OTHER ? 'America/New_York' : 'UTC'),
        });
        expect(result.days).toMatchObject([
          { chat: OTHER, date: '2025-11-07', time_zone: 'America/New_York', complete: false },
        ]);
        if (f.store.zoneOf) expect(await f.store.zoneOf(OTHER)).toBe('America/New_York');
      }),
    );

    it(
      'keeps a complete day complete under edits, its count and record true',
      withFixture(async (f) => {
        await fetched(f, tokyoDay(messages));
        const edit = { ...messages[4]!, text: 'edited', edit_date: '2025-11-08T00:00:00Z' };
        const stale = { ...messages[4]!, text: 'stale' };
        const result = await applyChanges(
          f,
          [
            { kind: 'edited', chat: CHAT, message: edit },
            { kind: 'edited', chat: CHAT, message: stale },
          ],
          options(f),
        );
        expect(result.days).toMatchObject([
          { date: DATE, count: 20, edited: 1, new: 0, complete: true },
        ]);
        const day = await f.store.readDay(CHAT, DATE);
        expect(day?.complete).toBe(true);
        expect(day?.messages[4]).toEqual(edit);
        const record = (await f.progress.completed(CHAT, [DATE], ZONE)).get(DATE);
        expect(record).toMatchObject({ count: 20, location: result.days[0]!.location });
        // An edit the day already holds changes nothing, and writes nothing.
        expect(
          (await applyChanges(f, [{ kind: 'edited', chat: CHAT, message: edit }], options(f))).days,
        ).toEqual([]);
      }),
    );

    it(
      'marks deleted messages as tombstones, found by id, and reports the ids it holds nowhere',
      withFixture(async (f) => {
        await fetched(f, tokyoDay(messages));
        const result = await applyChanges(
          f,
          [{ kind: 'deleted', chat: CHAT, ids: [3, 17, 9999], at: AT }],
          options(f),
        );
        expect(result.days).toMatchObject([{ date: DATE, count: 20, deleted: 2, complete: true }]);
        expect(result.unlocated).toEqual([{ chat: CHAT, ids: [9999], at: AT }]);
        const day = await f.store.readDay(CHAT, DATE);
        expect(day?.count).toBe(20);
        expect(day?.messages.filter((m) => m.deleted).map((m) => m.id)).toEqual([3, 17]);
        expect(day?.messages[2]).toEqual(tombstone(messages[2]!, AT));
        expect((await f.progress.completed(CHAT, [DATE], ZONE)).get(DATE)?.count).toBe(20);
      }),
    );

    it(
      'keeps a tombstone through a late new, a later edit and a history re-fetch',
      withFixture(async (f) => {
        await fetched(f, tokyoDay(messages));
        await applyChanges(f, [{ kind: 'deleted', chat: CHAT, ids: [5], at: AT }], options(f));
        const edit = { ...messages[4]!, text: 'edited', edit_date: '2025-11-08T00:00:00Z' };
        await applyChanges(
          f,
          [
            { kind: 'new', chat: CHAT, message: messages[4]! },
            { kind: 'edited', chat: CHAT, message: edit },
          ],
          options(f),
        );
        await fetched(f, tokyoDay(messages.filter((m) => m.id !== 5)));
        await fetched(f, tokyoDay(messages));
        const day = await f.store.readDay(CHAT, DATE);
        expect(day?.messages[4]).toEqual(tombstone(edit, AT));
        expect(day?.count).toBe(20);
        await checkArchive(f, CHAT, [DATE], ZONE);
      }),
    );

    it(
      'applies a batch in order: posted then deleted, and deletions that name no chat',
      withFixture(async (f) => {
        await fetched(f, tokyoDay(messages));
        const posted = { ...messages[0]!, id: 50, date: isoSeconds(START + 21 * 3_600_000) };
        const changes: MessageChange[] = [
          { kind: 'new', chat: CHAT, message: posted },
          { kind: 'deleted', among: [OTHER, CHAT], ids: [50, 2, 777], at: AT },
        ];
        const result = await applyChanges(f, changes, options(f));
        expect(result.days).toMatchObject([
          { chat: CHAT, date: DATE, count: 21, new: 1, deleted: 2 },
        ]);
        expect(result.unlocated).toEqual([{ among: [OTHER, CHAT], ids: [777], at: AT }]);
        const day = await f.store.readDay(CHAT, DATE);
        expect(day?.messages.filter((m) => m.deleted).map((m) => m.id)).toEqual([2, 50]);
        await checkArchive(f, CHAT, [DATE], ZONE);
      }),
    );

    it(
      'records a complete day again when a crash came between its write and its record',
      withFixture(async (f) => {
        await fetched(f, tokyoDay(messages));
        const late = { ...messages[0]!, id: 21, date: isoSeconds(START + 20 * 3_600_000) };
        const changes: MessageChange[] = [{ kind: 'new', chat: CHAT, message: late }];
        const crash = new Error('killed between the day and its record');
        const dying: ProgressStore = {
          completed: (...args) => f.progress.completed(...args),
          markComplete: async () => {
            throw crash;
          },
        };
        // It dies recording the day, unless the store brought the record in line itself.
        const died = await applyChanges(
          { store: f.store, progress: dying },
          changes,
          options(f),
        ).then(
          () => undefined,
          (error: unknown) => error,
        );
        if (died !== undefined) expect(died).toBe(crash);
        const record = (await f.progress.completed(CHAT, [DATE], ZONE)).get(DATE);
        // A store that keeps days and progress together never leaves the record untrue.
        if ((f.store as unknown) === f.progress)
          expect(record === undefined || record.count === 21).toBe(true);
        const replay = await applyChanges(f, changes, options(f));
        expect(replay.days).toEqual([]);
        expect((await f.progress.completed(CHAT, [DATE], ZONE)).get(DATE)?.count).toBe(21);
        await checkArchive(f, CHAT, [DATE], ZONE);
      }),
    );

    it(
      'changes nothing when the same changes come again',
      withFixture(async (f) => {
        await fetched(f, tokyoDay(messages));
        const changes: MessageChange[] = [
          {
            kind: 'new',
            chat: CHAT,
            message: { ...messages[0]!, id: 30, date: isoSeconds(START + 86_000_000) },
          },
          {
            kind: 'edited',
            chat: CHAT,
            message: { ...messages[1]!, edit_date: '2025-11-08T00:00:00Z' },
          },
          { kind: 'deleted', chat: CHAT, ids: [7], at: AT },
        ];
        await applyChanges(f, changes, options(f));
        const before = await f.store.readDay(CHAT, DATE);
        const again = await applyChanges(f, changes, {
          ...options(f),
          clock: { now: () => AT + 1, sleep: async () => undefined },
        });
        expect(again.days).toEqual([]);
        expect(await f.store.readDay(CHAT, DATE)).toEqual(before);
      }),
    );

    it(
      'ends as the reference merge says, whatever the order and however the changes are batched',
      withFixture(async (f) => {
        const runs = f.runs ?? 12;
        for (let seed = 1; seed <= runs; seed++) {
          await runScenario(f, seed, {
            chat: `@run_${seed}`,
            other: OTHER,
            zone: ZONE,
            options: options(f),
          });
        }
      }),
    );
  });
}
