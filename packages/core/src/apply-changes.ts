import type { DeletedMessagesChange, MessageChange } from './changes.js';
import type { ChatRef } from './chat.js';
import { systemClock } from './clock.js';
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
import type { Clock, MessageStore, ProgressStore } from './ports.js';
import { dateInZone, type IsoDate } from './time-zone.js';

export interface ApplyPorts {
  store: MessageStore;
  progress: ProgressStore;
}

export interface ApplyOptions {
  /**
   * The zone of a chat the store holds nothing of yet, or of every chat when the store
   * cannot tell (no `MessageStore.zoneOf`); a function chooses per chat. A chat the store
   * holds is cut in its stored zone (the zone rule). @default 'UTC'
   */
  timeZone?: string | ((chat: ChatRef) => string);
  /** Gives `fetched_at` of the days written. @default systemClock */
  clock?: Clock;
}

/** A day the changes touched, as it is now stored. */
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

/** Deleted ids no store holds (in `chat`, or in none of `among`): reported, never invented. */
export interface UnlocatedDeletion {
  chat?: ChatRef;
  among?: readonly ChatRef[];
  ids: number[];
  at: number;
}

export interface ApplyResult {
  /** The days that changed, chat by chat in the order the changes named them, then by date. */
  days: AppliedDay[];
  unlocated: UnlocatedDeletion[];
}

/**
 * Applies changes (from a `ChangeSource`) to any store, in order: a new or edited message is
 * merged into its day in the chat's zone (`mergeMessage`: the later edit wins); deleted
 * messages become tombstones (`deleted: true`, `deleted_at`) in the days that hold them,
 * found with `MessageStore.locate`, and stay so. Each touched day is read, merged and
 * written whole with `writeDay`, then, when it was complete, recorded with `markComplete`
 * under its new count and location: the engine's order, so a crash in between leaves a
 * record dropped (the day is fetched again), never an untrue one. A day the changes alone
 * made is stored partial: nothing says the rest of it was seen.
 *
 * Applying the same changes again changes nothing (and repairs a record a crash dropped),
 * so a caller persists a batch's resume point after this resolves and replays on doubt.
 * Stores merge every write with what they hold, so a fetch of the same chat meanwhile
 * loses nothing; its chat lock keeps its progress records exact too.
 */
export async function applyChanges(
  ports: ApplyPorts,
  changes: readonly MessageChange[],
  options: ApplyOptions = {},
): Promise<ApplyResult> {
  const fetchedAt = new Date((options.clock ?? systemClock).now()).toISOString();
  const unlocated: UnlocatedDeletion[] = [];
  const plan = await planByChat(ports.store, changes, unlocated);
  const days: AppliedDay[] = [];
  for (const [chat, ops] of plan) {
    const zone = (await ports.store.zoneOf?.(chat)) ?? zoneOption(options, chat);
    const work = new ChatWork(ports.store, chat, zone);
    for (const op of ops) {
      if (op.kind === 'put') await work.put(op.message);
      else {
        const missed = await work.delete(op.ids, op.at, op.days);
        if (missed.length > 0) unlocated.push({ chat, ids: missed, at: op.at });
      }
    }
    days.push(...(await work.store(ports.progress, fetchedAt)));
  }
  return { days, unlocated };
}

type ChatOp =
  | { kind: 'put'; message: TgMessage }
  | { kind: 'delete'; ids: number[]; at: number; days?: ReadonlyMap<number, IsoDate> };

/**
 * The changes as operations per chat, in order. A deletion that names no chat goes to the
 * first chat of its `among` that holds each id (in this batch's messages before it, or in
 * the store); ids none holds are reported unlocated at once.
 */
async function planByChat(
  store: MessageStore,
  changes: readonly MessageChange[],
  unlocated: UnlocatedDeletion[],
): Promise<Map<ChatRef, ChatOp[]>> {
  const plan = new Map<ChatRef, ChatOp[]>();
  const opsOf = (chat: ChatRef) => {
    const ops = plan.get(chat) ?? [];
    plan.set(chat, ops);
    return ops;
  };
  /** Own message ids each chat gets in this batch so far. */
  const putIds = new Map<ChatRef, Set<number>>();
  for (const change of changes) {
    if (change.kind !== 'deleted') {
      checkMessage(change.message);
      opsOf(change.chat).push({ kind: 'put', message: change.message });
      if (change.message.peer === undefined) {
        const ids = putIds.get(change.chat) ?? new Set<number>();
        putIds.set(change.chat, ids);
        ids.add(change.message.id);
      }
      continue;
    }
    const ids = checkDeletion(change);
    if (change.chat !== undefined) {
      opsOf(change.chat).push({ kind: 'delete', ids, at: change.at });
      continue;
    }
    let left = ids;
    for (const chat of change.among ?? []) {
      if (left.length === 0) break;
      const put = putIds.get(chat);
      const here = left.filter((id) => put?.has(id));
      const rest = left.filter((id) => !put?.has(id));
      const days = rest.length > 0 ? ((await store.locate?.(chat, rest)) ?? new Map()) : new Map();
      const found = [...here, ...rest.filter((id) => days.has(id))];
      if (found.length > 0) opsOf(chat).push({ kind: 'delete', ids: found, at: change.at, days });
      left = rest.filter((id) => !days.has(id));
    }
    if (left.length > 0) {
      unlocated.push({
        ...(change.among ? { among: change.among } : {}),
        ids: left,
        at: change.at,
      });
    }
  }
  return plan;
}

/** One stored day being changed: what it held, and what it holds now (by `messageKey`). */
interface WorkDay {
  date: IsoDate;
  before: DayDocument | undefined;
  was: Map<string, TgMessage>;
  now: Map<string, TgMessage>;
}

/** The days of one chat that a batch touches, read once, written once. */
class ChatWork {
  readonly #days = new Map<IsoDate, WorkDay>();
  readonly #store: MessageStore;
  readonly #chat: ChatRef;
  readonly #zone: string;

  constructor(store: MessageStore, chat: ChatRef, zone: string) {
    this.#store = store;
    this.#chat = chat;
    this.#zone = zone;
  }

  async put(message: TgMessage): Promise<void> {
    const day = await this.#load(dateInZone(messageTime(message), this.#zone));
    const key = messageKey(message);
    const old = day.now.get(key);
    day.now.set(key, old ? mergeMessage(old, message) : message);
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
      else day.now.set(`${id}`, tombstone(message, at));
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

function zoneOption(options: ApplyOptions, chat: ChatRef): string {
  const { timeZone } = options;
  return typeof timeZone === 'function' ? timeZone(chat) : (timeZone ?? 'UTC');
}

function checkMessage(message: TgMessage): void {
  if (
    typeof message !== 'object' ||
    message === null ||
    !Number.isSafeInteger(message.id) ||
    !Number.isFinite(messageTime(message))
  ) {
    throw new TypeError(`Not a message: ${JSON.stringify(message)?.slice(0, 200)}`);
  }
}

function checkDeletion(change: DeletedMessagesChange): number[] {
  if (!Array.isArray(change.ids) || !change.ids.every((id) => Number.isSafeInteger(id))) {
    throw new TypeError('A deletion needs integer message ids');
  }
  if (!Number.isFinite(change.at)) throw new TypeError('A deletion needs its time (at, epoch ms)');
  return [...new Set(change.ids)];
}
