import { type AppliedDay, type AppliedMessage, ChangedDays } from './changed-days.js';
import type { DeletedMessagesChange, MessageChange } from './changes.js';
import type { ChatRef } from './chat.js';
import { systemClock } from './clock.js';
import { messageTime, type TgMessage } from './message.js';
import type { Clock, MessageStore, ProgressStore } from './ports.js';
import type { IsoDate } from './time-zone.js';

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

/** Deleted ids no store holds (in `chat`, or in none of `among`): reported, never invented. */
export interface UnlocatedDeletion {
  chat?: ChatRef;
  among?: readonly ChatRef[];
  ids: number[];
  at: number;
}

export type { AppliedDay, AppliedKind, AppliedMessage } from './changed-days.js';

export interface ApplyResult {
  /** The days that changed, chat by chat in the order the changes named them, then by date. */
  days: AppliedDay[];
  /**
   * Every message the changes named, as stored after them, chat by chat then by day and id:
   * what to announce (events, the messages stream). Applying again reports them again.
   */
  messages: AppliedMessage[];
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
 * loses nothing; holding the chat's `ChatLock` while applying also keeps the fetch's
 * progress record and this one from crossing.
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
  const messages: AppliedMessage[] = [];
  for (const [chat, ops] of plan) {
    const zone = (await ports.store.zoneOf?.(chat)) ?? zoneOption(options, chat);
    const work = new ChangedDays(ports.store, chat, zone);
    for (const op of ops) {
      if (op.kind === 'put') await work.put(op.message, op.change);
      else {
        const missed = await work.delete(op.ids, op.at, op.days);
        if (missed.length > 0) unlocated.push({ chat, ids: missed, at: op.at });
      }
    }
    days.push(...(await work.store(ports.progress, fetchedAt)));
    messages.push(...work.touched());
  }
  return { days, messages, unlocated };
}

type ChatOp =
  | { kind: 'put'; change: 'new' | 'edited'; message: TgMessage }
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
      opsOf(change.chat).push({ kind: 'put', change: change.kind, message: change.message });
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
