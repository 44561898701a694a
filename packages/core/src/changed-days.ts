import type { ChatRef } from './chat.js';
import type { DayDocument, DayProgress } from './day.js';
import { sameJson } from './json-equal.js';
import {
  compareMessages,
  mergeMessage,
  messageKey,
  messageTime,
  type TgMessage,
  tombstone,
} from './message.js';
import type { MessageStore, ProgressStore } from './ports.js';
import { dateInZone, type IsoDate } from './time-zone.js';

/** A day the changes touched, as it is now stored (see `applyChanges`). */
export interface AppliedDay {
  chat: ChatRef;
  date: IsoDate;
  time_zone: string;
  /** Messages in the day now, tombstones included. */
  count: number;
  location: string;
  /** The day was complete before, and stays so (a day made by changes alone is partial). */
  complete: boolean;
  /** Messages the day did not hold before. */
  new: number;
  /** Messages the day held, now in another version. */
  edited: number;
  /** Messages the day held (or just got) that became tombstones. */
  deleted: number;
}

/** How a batch changed a message, as `applyChanges` reports it (see `AppliedMessage`). */
export type AppliedKind = 'new' | 'edited' | 'deleted';

/**
 * A message a batch named, as it is stored after it (a deleted one is its tombstone), with
 * the day it is in. Reported whether or not this application changed the copy stored, so
 * that a batch applied again after a crash announces its messages again: announcements are
 * at least once, never missing.
 */
export interface AppliedMessage {
  kind: AppliedKind;
  chat: ChatRef;
  date: IsoDate;
  time_zone: string;
  message: TgMessage;
}

/** Within one batch a deletion outranks a post, and a post an edit (of a message not yet seen). */
const RANK: Record<AppliedKind, number> = { edited: 0, new: 1, deleted: 2 };

/** One stored day being changed: what it held, and what it holds now (by `messageKey`). */
interface WorkDay {
  date: IsoDate;
  before: DayDocument | undefined;
  was: Map<string, TgMessage>;
  now: Map<string, TgMessage>;
}

/** The days of one chat that a batch touches, read once, written once. */
export class ChangedDays {
  readonly #days = new Map<IsoDate, WorkDay>();
  readonly #store: MessageStore;
  readonly #chat: ChatRef;
  readonly #zone: string;
  /** The messages the batch named: key → kind and day. */
  readonly #touched = new Map<string, { kind: AppliedKind; date: IsoDate }>();

  constructor(store: MessageStore, chat: ChatRef, zone: string) {
    this.#store = store;
    this.#chat = chat;
    this.#zone = zone;
  }

  async put(message: TgMessage, kind: 'new' | 'edited' = 'new'): Promise<void> {
    const day = await this.#load(dateInZone(messageTime(message), this.#zone));
    const key = messageKey(message);
    const old = day.now.get(key);
    day.now.set(key, old ? mergeMessage(old, message) : message);
    this.#touch(key, kind, day.date);
  }

  /** The messages the batch named, as they are now, by day then id. */
  touched(): AppliedMessage[] {
    const out: AppliedMessage[] = [];
    for (const [key, { kind, date }] of this.#touched) {
      const message = this.#days.get(date)?.now.get(key);
      if (message) out.push({ kind, chat: this.#chat, date, time_zone: this.#zone, message });
    }
    return out.sort((a, b) =>
      a.date === b.date ? compareMessages(a.message, b.message) : a.date < b.date ? -1 : 1,
    );
  }

  #touch(key: string, kind: AppliedKind, date: IsoDate): void {
    const had = this.#touched.get(key);
    if (!had || RANK[kind] >= RANK[had.kind]) this.#touched.set(key, { kind, date });
  }

  /** Marks the ids' messages deleted; returns the ids found in no day. */
  async delete(ids: readonly number[], at: number, known?: ReadonlyMap<number, IsoDate>) {
    const inHand = (id: number) => [...this.#days.values()].find((d) => d.now.has(`${id}`));
    const rest = ids.filter((id) => !inHand(id));
    const asked = rest.filter((id) => !known?.has(id));
    const located = asked.length > 0 ? await this.#store.locate?.(this.#chat, asked) : undefined;
    const missed: number[] = [];
    for (const id of ids) {
      const date = known?.get(id) ?? located?.get(id);
      const day = inHand(id) ?? (date === undefined ? undefined : await this.#load(date));
      const message = day?.now.get(`${id}`);
      if (!day || !message) missed.push(id);
      else {
        day.now.set(`${id}`, tombstone(message, at));
        this.#touch(`${id}`, 'deleted', day.date);
      }
    }
    return missed;
  }

  /**
   * Writes the days that changed, then records those that were complete (see
   * `applyChanges` for the order); a complete day whose record a crash dropped is
   * recorded again.
   */
  async store(progress: ProgressStore, fetchedAt: string): Promise<AppliedDay[]> {
    const applied: AppliedDay[] = [];
    const complete: Array<{ day: WorkDay; record: DayProgress | undefined }> = [];
    for (const day of [...this.#days.values()].sort((a, b) => (a.date < b.date ? -1 : 1))) {
      const diff = diffDay(day);
      const changed = diff.new + diff.edited + diff.deleted > 0;
      if (!changed && !day.before?.complete) continue;
      let record: DayProgress | undefined;
      if (changed) {
        const result = await this.#store.writeDay({
          chat: this.#chat,
          date: day.date,
          time_zone: this.#zone,
          fetched_at: fetchedAt,
          complete: false,
          count: diff.messages.length,
          messages: diff.messages,
        });
        const wasComplete = day.before?.complete === true;
        applied.push({
          chat: this.#chat,
          date: day.date,
          time_zone: this.#zone,
          count: result.count,
          location: result.location,
          complete: wasComplete,
          new: diff.new,
          edited: diff.edited,
          deleted: diff.deleted,
        });
        if (!wasComplete) continue;
        record = {
          date: day.date,
          count: result.count,
          location: result.location,
          fetched_at: fetchedAt,
          time_zone: this.#zone,
        };
      }
      complete.push({ day, record });
    }
    if (complete.length === 0) return applied;
    const recorded = await progress.completed(
      this.#chat,
      complete.map((c) => c.day.date),
      this.#zone,
    );
    for (const { day, record } of complete) {
      const stored = recorded.get(day.date);
      if (record) {
        if (stored?.count !== record.count || stored.location !== record.location) {
          await progress.markComplete(this.#chat, record);
        }
      } else if (day.before && stored?.count !== day.before.count) {
        await this.#restoreRecord(progress, day.before);
      }
    }
    return applied;
  }

  /** A complete day left without its record (a crash after its write): recorded again. */
  async #restoreRecord(progress: ProgressStore, before: DayDocument): Promise<void> {
    const result = await this.#store.writeDay({ ...before, messages: [], count: 0 });
    await progress.markComplete(this.#chat, {
      date: before.date,
      count: result.count,
      location: result.location,
      fetched_at: before.fetched_at,
      time_zone: this.#zone,
    });
  }

  async #load(date: IsoDate): Promise<WorkDay> {
    const known = this.#days.get(date);
    if (known) return known;
    const before = await this.#store.readDay(this.#chat, date);
    const was = new Map((before?.messages ?? []).map((m) => [messageKey(m), m]));
    const day = { date, before, was, now: new Map(was) };
    this.#days.set(date, day);
    return day;
  }
}

/** What changed in a day, and the messages to hand to `writeDay` (only those). */
function diffDay(day: WorkDay) {
  const messages: TgMessage[] = [];
  let added = 0;
  let edited = 0;
  let deleted = 0;
  for (const [key, message] of day.now) {
    const old = day.was.get(key);
    if (old === message) continue;
    const killed = message.deleted === true && old?.deleted !== true;
    if (old === undefined) added++;
    else if (!killed && sameJson(old, message)) continue;
    else if (!killed) edited++;
    if (killed) deleted++;
    messages.push(message);
  }
  return { messages: messages.sort(compareMessages), new: added, edited, deleted };
}
