import type { ChatRef } from './chat.js';
import type { TgMessage } from './message.js';

/**
 * Changes, not snapshots: the live side of the archive. A `ChangeSource` yields what
 * happens to chats after they were fetched (a message posted, edited, deleted), in batches
 * that each carry the point to resume after; `applyChanges` merges them into any store;
 * a `ResumeStore` keeps the point once what it covers is stored. Each port has an in-memory
 * adapter in this package and a conformance suite in `@tgfetch/core/testing`.
 */

/** A message posted after the chat was fetched (or one a fetch missed). */
export interface NewMessageChange {
  kind: 'new';
  chat: ChatRef;
  message: TgMessage;
}

/** A message's new version: it carries its `edit_date`, and replaces an older copy only. */
export interface EditedMessageChange {
  kind: 'edited';
  chat: ChatRef;
  message: TgMessage;
}

/**
 * Messages deleted in Telegram, by id: they become tombstones where they are stored. Telegram
 * names no date, so the store finds the day of each id (`MessageStore.locate`).
 *
 * A channel's deletion names the channel (`chat`). A private chat's or a basic group's names
 * no chat at all: their ids are unique across the account's private chats and basic groups,
 * so the source gives the chats they may belong to (`among`, those it follows) and each id
 * is marked in the first of them that stores it. Ids of an earlier peer's messages (a
 * migrated group's history) are not meant: only the chat's own.
 */
export interface DeletedMessagesChange {
  kind: 'deleted';
  /** The chat, when the source knows it. */
  chat?: ChatRef;
  /** Without `chat`: the chats the ids may belong to, in the order they are looked for. */
  among?: readonly ChatRef[];
  ids: readonly number[];
  /** When the deletion was seen, epoch ms: the tombstones' `deleted_at`. */
  at: number;
}

export type MessageChange = NewMessageChange | EditedMessageChange | DeletedMessagesChange;

/** A JSON value: what a resume point may hold, so that any store can keep it as text. */
export type JsonValue =
  | string
  | number
  | boolean
  | null
  | JsonValue[]
  | { [key: string]: JsonValue };

/**
 * Where a source is in its stream of changes, owned by the source and opaque to everyone
 * else (Telegram's update state: `pts` per channel, `pts/qts/date/seq` for the account).
 * It survives `JSON.stringify` and `JSON.parse` unchanged.
 */
export type ResumePoint = { [key: string]: JsonValue };

/**
 * Changes in source order, and the point to resume after them. The point is valid to
 * persist once every change of this batch and of the batches before it is applied (stored):
 * persisting it earlier could skip changes after a crash; persisting it later only repeats
 * some, which applying makes harmless. A batch may hold no changes (the point moved over
 * changes of chats not followed).
 */
export interface ChangeBatch {
  changes: MessageChange[];
  resume: ResumePoint;
}

export interface ChangeRequest {
  /** The chats to follow; changes of others are not yielded (nor named in `among`). */
  chats: readonly ChatRef[];
  /**
   * Resume after this point (a batch's `resume`, as persisted): no change of that batch or
   * before comes again, and none after it is left out, gaps being closed by the source
   * (Telegram's difference calls), never assumed away. Absent: from the source's current
   * state, with changes made after the call.
   */
  from?: ResumePoint;
}

export interface ChangeSource {
  /**
   * Yields batches in order, as they come, until `signal` aborts (a live stream does not
   * end on its own): then it stops promptly, ending or rejecting with `AbortError`. Errors
   * are core error classes (`FloodWaitError`, `TransientError`, `FatalError`); after one, a
   * caller resumes with a new call from the last point it persisted. A point the source
   * cannot resume from (another source's or account's) is refused with a non-retryable
   * error.
   */
  changes(request: ChangeRequest, signal: AbortSignal): AsyncIterable<ChangeBatch>;
  close?(): Promise<void>;
}

/**
 * Keeps resume points, one per key (an account: Telegram's update state is the account's,
 * for all its chats). `save` replaces the point of its key whole, and resolves once it is
 * durable as the store knows durability; `load` gives what was saved last, or undefined.
 */
export interface ResumeStore {
  load(key: string): Promise<ResumePoint | undefined>;
  save(key: string, point: ResumePoint): Promise<void>;
  close?(): Promise<void>;
}
