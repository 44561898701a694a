import { expect } from 'vitest';
import { type ApplyOptions, type ApplyPorts, applyChanges } from '../apply-changes.js';
import type { MessageChange } from '../changes.js';
import type { ChatRef } from '../chat.js';
import {
  compareMessages,
  isoSeconds,
  mergeMessage,
  type TgMessage,
  tombstone,
} from '../message.js';
import { dateInZone, type IsoDate } from '../time-zone.js';

/**
 * What every stored day of `chat` must be after any change: as many messages as it counts,
 * one per id in order, in the chat's zone, and a complete day recorded with its count.
 */
export async function checkArchive(
  ports: ApplyPorts,
  chat: ChatRef,
  dates: readonly IsoDate[],
  zone: string,
): Promise<void> {
  const records = await ports.progress.completed(chat, dates, zone);
  for (const date of dates) {
    const day = await ports.store.readDay(chat, date);
    if (!day) continue;
    expect(day.time_zone).toBe(zone);
    expect(day.count).toBe(day.messages.length);
    const ids = day.messages.map((m) => m.id);
    expect(ids).toEqual([...new Set(ids)].sort((a, b) => a - b));
    if (day.complete) expect(records.get(date)?.count, `record of ${date}`).toBe(day.count);
  }
}

export interface ScenarioSetting {
  chat: ChatRef;
  /** A chat the store holds nothing of: deletions that name no chat look there first. */
  other: ChatRef;
  zone: string;
  options: ApplyOptions;
}

const POSTS = 30;
const FIRST = Date.parse('2025-11-05T15:30:00Z');
const EDITS = Date.parse('2025-11-09T00:00:00Z');
const SEEN = Date.parse('2025-11-10T00:00:00Z');

/**
 * One random history of a chat (the `seed` decides): thirty posts over three days of
 * `zone`, ids growing with time; the first day fetched complete, the second in part; then
 * posts arriving, edits, deletions (naming the chat or not), stale replays of earlier
 * changes and history re-fetches (some from a snapshot older than the deletions), cut into
 * batches at random. After every batch the store
 * must hold what folding the same changes with `mergeMessage` gives, and the ids no day
 * held must come back unlocated.
 */
export async function runScenario(
  ports: ApplyPorts,
  seed: number,
  setting: ScenarioSetting,
): Promise<void> {
  const { chat, zone } = setting;
  const random = mulberry32(seed);
  const pick = (n: number) => Math.floor(random() * n);
  const version = new Array<number>(POSTS + 1).fill(0);
  const gone = new Set<number>();
  const post = (id: number): TgMessage => ({
    id,
    date: isoSeconds(FIRST + (id - 1) * 140 * 60_000),
    chat,
    type: 'message',
    from_id: 1000 + (id % 5),
    text: `post ${id} v${version[id]}`,
    ...(version[id]! > 0 ? { edit_date: isoSeconds(EDITS + version[id]! * 60_000) } : {}),
  });
  const dateOf = (id: number) => dateInZone(FIRST + (id - 1) * 140 * 60_000, zone);
  const ids = Array.from({ length: POSTS }, (_, i) => i + 1);
  const dates = [...new Set(ids.map(dateOf))];
  expect(dates.length).toBe(3);

  const model = new Map<IsoDate, Map<number, TgMessage>>();
  const complete = new Set<IsoDate>();
  const dayOf = (date: IsoDate) => model.get(date) ?? model.set(date, new Map()).get(date)!;

  /**
   * What the engine does: the day's history as Telegram has it now (or, `stale`, as a
   * snapshot taken before the deletions: an export), and its record.
   */
  const fetch = async (date: IsoDate, whole: boolean, upTo = POSTS, stale = false) => {
    const fresh = ids
      .filter((id) => dateOf(id) === date && id <= upTo && (stale || !gone.has(id)))
      .map(post);
    const result = await ports.store.writeDay({
      chat,
      date,
      time_zone: zone,
      fetched_at: new Date(SEEN).toISOString(),
      complete: whole,
      count: fresh.length,
      messages: fresh,
    });
    if (whole) {
      await ports.progress.markComplete(chat, {
        date,
        count: result.count,
        location: result.location,
        fetched_at: new Date(SEEN).toISOString(),
        time_zone: zone,
      });
    }
    const day = dayOf(date);
    for (const m of fresh) day.set(m.id, day.has(m.id) ? mergeMessage(day.get(m.id)!, m) : m);
    if (whole) complete.add(date);
  };

  let pending: MessageChange[] = [];
  const sent: MessageChange[] = [];
  const flush = async () => {
    const expectedUnlocated: number[] = [];
    for (const change of pending) {
      if (change.kind !== 'deleted') {
        const day = dayOf(dateOf(change.message.id));
        const old = day.get(change.message.id);
        day.set(change.message.id, old ? mergeMessage(old, change.message) : change.message);
        continue;
      }
      for (const id of new Set(change.ids)) {
        const day = [...model.values()].find((d) => d.has(id));
        if (day) day.set(id, tombstone(day.get(id)!, change.at));
        else expectedUnlocated.push(id);
      }
    }
    const result = await applyChanges(ports, pending, setting.options);
    pending = [];
    expect(result.unlocated.flatMap((u) => u.ids).sort((a, b) => a - b)).toEqual(
      expectedUnlocated.sort((a, b) => a - b),
    );
    for (const date of dates) {
      const stored = await ports.store.readDay(chat, date);
      const expected = [...(model.get(date)?.values() ?? [])].sort(compareMessages);
      expect(stored?.messages ?? [], `seed ${seed}, ${date}`).toEqual(expected);
      if (stored)
        expect(stored.complete, `seed ${seed}, ${date} complete`).toBe(complete.has(date));
    }
    for (const day of result.days) {
      expect((await ports.store.readDay(chat, day.date))?.count).toBe(day.count);
    }
    await checkArchive(ports, chat, dates, zone);
  };
  const send = (change: MessageChange) => {
    pending.push(change);
    sent.push(change);
  };

  // A post of each of the first two days was deleted before the fetch (so the fetch lacks
  // it), its `new` still to come late: a complete day that grows.
  for (const date of dates.slice(0, 2)) {
    const of = ids.filter((id) => dateOf(id) === date);
    const id = of[1 + pick(of.length - 1)]!;
    sent.push({ kind: 'new', chat, message: post(id) });
    gone.add(id);
  }
  await fetch(dates[0]!, true);
  await fetch(dates[1]!, false, ids.filter((id) => dateOf(id) === dates[1]).at(2));
  for (let step = 0; step < 24; step++) {
    const roll = random();
    const alive = ids.filter((id) => !gone.has(id));
    if (roll < 0.3) {
      // Now and then a late copy of a post deleted since (a deletion seen before its post).
      const from = random() < 0.3 || alive.length === 0 ? ids : alive;
      send({ kind: 'new', chat, message: post(from[pick(from.length)]!) });
    } else if (roll < 0.55 && alive.length > 0) {
      const id = alive[pick(alive.length)]!;
      version[id]!++;
      send({ kind: 'edited', chat, message: post(id) });
    } else if (roll < 0.7) {
      const doomed = Array.from({ length: 1 + pick(3) }, () => ids[pick(ids.length)]!);
      for (const id of doomed) gone.add(id);
      const at = SEEN + step * 1000;
      send(
        random() < 0.5
          ? { kind: 'deleted', chat, ids: doomed, at }
          : { kind: 'deleted', among: [setting.other, chat], ids: doomed, at },
      );
    } else if (roll < 0.85 && sent.length > 0) {
      send(structuredClone(sent[pick(sent.length)]!));
    } else {
      await flush();
      const d = pick(dates.length);
      await fetch(dates[d]!, d < 2, POSTS, random() < 0.3);
    }
    if (random() < 0.35) await flush();
  }
  await flush();
}

/** A small seeded generator: the same seed, the same scenario. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
