import type { ChatRef } from './chat.js';
import type { DayDocument, DayProgress, DayWriteResult } from './day.js';
import type { FetchEvent, WireEvent } from './events.js';
import type { TgMessage, TgPeer } from './message.js';
import type { IsoDate } from './time-zone.js';

/**
 * The ports: the engine talks to these four small interfaces (and an optional lock) and
 * never knows where messages come from or go. Each has an in-memory adapter in this package
 * and a conformance suite in `@tgfetch/core/testing`. What changes after a fetch (the live
 * side: `ChangeSource`, `ResumeStore`) is in `changes.ts`, and reaches the same stores
 * through `applyChanges`.
 */

/** A slice of one chat's history: messages with `from <= date < to`, newest first. */
export interface HistoryRequest {
  chat: ChatRef;
  /** Inclusive lower bound, epoch ms. */
  from: number;
  /** Exclusive upper bound, epoch ms. */
  to: number;
  /** Only messages with a smaller id: how a walk resumes after an error. */
  beforeId?: number;
  /**
   * The peer `beforeId` belongs to when it is not the chat (a migrated group's history):
   * the walk then resumes there, the chat's own messages being all newer.
   */
  beforePeer?: TgPeer;
  /** Stop after this many messages. */
  limit?: number;
}

/**
 * What a source holds of a chat: epoch ms of its oldest and newest message, or `null`
 * when it holds none. A day the span does not reach is not covered: the source does not
 * know it, which is not the same as knowing it is empty.
 *
 * The days between the day of `first` and the day of `last` are known whole. The two edge
 * days are known only in part: a snapshot (an export) does not say when in its last day it
 * was taken, so posts after `last` that day may exist; nor where in its first day it began
 * (Telegram Desktop exports from a chosen date and time), unless `fromStart` says nothing
 * came before `first`. An edge day is fetched and stored, but never as complete, so that a
 * newer snapshot or a live fetch completes it.
 */
export type SourceCoverage = {
  first: number;
  last: number;
  /**
   * `first` is the start of the chat's history (an export that opens with the chat's
   * creation): nothing came before it, so the day of `first` is known whole.
   * @default false
   */
  fromStart?: boolean;
} | null;

/**
 * Where a channel's comments are: its discussion group (`linked`), nowhere (`none`: not a
 * broadcast channel, or no group linked), or in a group this account cannot read
 * (`private`, with the error code that said so).
 */
export type Discussion =
  | { status: 'linked'; chat: ChatRef }
  | { status: 'none' }
  | { status: 'private'; chat?: ChatRef; reason: string };

/** A post whose comments are wanted. */
export interface CommentedPost {
  id: number;
  /** Epoch ms of the post. */
  date: number;
  /**
   * Its comments as Telegram counted them in a read of this command; absent when the count
   * may be old (a post of a day stored earlier): the source asks for it again.
   */
  replies?: number;
}

export interface CommentsRequest {
  /** The channel (canonical), whose discussion is `linked`. */
  chat: ChatRef;
  posts: readonly CommentedPost[];
}

/**
 * One step of a comments read: comments (messages of the discussion group, each with
 * `comment_of`), and posts read again for their current count (fresh copies, merged into
 * their days by id like any message).
 */
export interface CommentsBatch {
  comments: TgMessage[];
  posts: TgMessage[];
}

export interface MessageSource {
  /**
   * Yields the messages of the slice in descending id order (newest first, as Telegram
   * pages history). Errors are core error classes: `FloodWaitError`, `TransientError`,
   * `FatalError`. Stops promptly when `signal` aborts.
   */
  messages(request: HistoryRequest, signal: AbortSignal): AsyncIterable<TgMessage>;
  /**
   * The span of the chat this source knows (the coverage rule): days from the day of
   * `first` to the day of `last`, in the command's zone, are covered; others are neither
   * fetched nor stored. Its edge days are stored partial (see `SourceCoverage`). Absent
   * for a live source, which knows all history.
   */
  coverage?(chat: ChatRef, signal: AbortSignal): Promise<SourceCoverage>;
  /**
   * The canonical identity of a chat however it was named (`@name`, a link, a numeric id),
   * so that one chat has one folder, progress record, lock and event stream. The engine
   * asks before it locks or stores anything; a source without it takes the parsed ref as
   * canonical. Errors as for `messages` (an unknown chat is a `FatalError`).
   */
  resolveChat?(chat: ChatRef, signal: AbortSignal): Promise<ChatRef>;
  /**
   * Where the comments of a (canonical) chat's posts are. Optional, with `comments`: a
   * source without them reads no comments (`none`). Errors as for `messages`.
   */
  discussion?(chat: ChatRef, signal: AbortSignal): Promise<Discussion>;
  /**
   * The comments of the posts, now: every comment of every post whose thread exists, in
   * batches (the cheaper of reading thread by thread and walking the group, see
   * `commentReadCost`), each comment once or more (the engine merges by id). Errors as for
   * `messages`; after one, a retry reads again from the start.
   */
  comments?(request: CommentsRequest, signal: AbortSignal): AsyncIterable<CommentsBatch>;
  close?(): Promise<void>;
}

/**
 * A search of stored messages, for stores that can answer it (pg-store's full-text search)
 * and for those who scan (the console over day files): every field given must match.
 */
export interface MessageSearch {
  /**
   * Words of the text, in web search syntax (`python asyncio`, `"exact phrase"`, `-word`,
   * `a or b`): PostgreSQL full-text search with the `simple` configuration (no stemming,
   * any language). @default any text
   */
  text?: string;
  /** A sender: its id as `from_id` holds it, or a channel post's author (case-insensitive). @default anyone */
  sender?: string;
  /** One chat. @default every chat */
  chat?: ChatRef;
  /** First day, in each chat's zone. @default no bound */
  from?: IsoDate;
  /** Last day (inclusive), in each chat's zone. @default no bound */
  to?: IsoDate;
  /** Messages returned at most, newest first (1..500). @default 50 */
  limit?: number;
}

/** A message found, with the day it is stored in. */
export interface FoundMessage {
  chat: ChatRef;
  date: IsoDate;
  message: TgMessage;
}

export interface MessageSearchResult {
  messages: FoundMessage[];
  /** More messages match than `limit`. */
  more: boolean;
}

/**
 * The zone rule, which every store keeps: a chat is stored in one time zone, the zone of
 * its first stored day. A day is (chat, zone, date); a day of another zone for the same
 * chat is refused with `ZoneConflictError` (`ZONE_CONFLICT`) by `writeDay`,
 * `markComplete` and `completed`, so it is never served, skipped or merged. Another zone
 * goes to another store (another data directory).
 */
export interface MessageStore {
  /**
   * Stores one day whole or not at all, merged by message id with what is already stored
   * (see `mergeMessages`); a day stays complete once stored complete. `day.count` is the
   * number of fresh messages. Rejects with `ZONE_CONFLICT` when the chat is stored in
   * another zone than `day.time_zone`. A store that keeps progress too never records a day
   * here (that is `markComplete`'s, once per day): it only drops, or brings in line, a
   * record that its write makes untrue (another count or location), before a crash could
   * leave the two disagreeing.
   */
  writeDay(day: DayDocument): Promise<DayWriteResult>;
  /** The stored day, or undefined. A copy that cannot be read rejects (`STORE_CORRUPT`). */
  readDay(chat: ChatRef, date: IsoDate): Promise<DayDocument | undefined>;
  /**
   * The day each of `ids` is stored in, among the chat's own messages (not those of an
   * earlier peer: a migrated group's history): how a deletion, which Telegram names by id
   * only, finds its day (see `applyChanges`). Ids not stored are absent, never guessed.
   * The work must not grow with every day stored (an index, or a search over the days by
   * their id ranges: message ids grow with time). Optional: without it, a deletion reaches
   * only the days its batch touches anyway.
   */
  locate?(chat: ChatRef, ids: readonly number[]): Promise<ReadonlyMap<number, IsoDate>>;
  /**
   * The zone the chat is stored in (the zone rule), or undefined while nothing of it is
   * stored: where `applyChanges` cuts the days of a chat it did not fetch itself.
   */
  zoneOf?(chat: ChatRef): Promise<string | undefined>;
  /**
   * How events show a `location` (a file store joins its configured directory, so that
   * `ru_python/2025/…` reads `data/ru_python/2025/…`). Absent: the location as it is.
   */
  filePath?(location: string): string;
  close?(): Promise<void>;
}

export interface ProgressStore {
  /**
   * The days among `dates` recorded complete (days never fetched, or not complete, are
   * absent). With `timeZone`, rejects with `ZONE_CONFLICT` when the chat is stored in
   * another zone. The engine checks each record against the stored day before trusting it.
   */
  completed(
    chat: ChatRef,
    dates: readonly IsoDate[],
    timeZone?: string,
  ): Promise<ReadonlyMap<IsoDate, DayProgress>>;
  /**
   * Records a day as complete (a later record for the same date replaces it). Rejects with
   * `ZONE_CONFLICT` when `day.time_zone` is not the chat's zone. What one call writes must
   * not grow with the days already recorded: a long command calls it once a day.
   */
  markComplete(chat: ChatRef, day: DayProgress): Promise<void>;
  close?(): Promise<void>;
}

/**
 * Where a command's events go. Events are the command's only answer, so a failed
 * `publish` ends the command: the engine publishes nothing more (no `failed` event
 * through a sink that just failed), does not retry, and `runFetch` / `runCommand` reject
 * with the sink's error (as a `TgfetchError`). Days stored until then stay stored and
 * recorded; the caller hands the command out again (core's `createWorker` releases the
 * delivery, counted) and the re-run skips those days. A sink that can ride out a short
 * outage retries inside `publish`, within its own deadline.
 */
export interface EventSink {
  publish(event: FetchEvent): Promise<void>;
  close?(): Promise<void>;
}

/**
 * A sink that takes every event of the wire contract: a fetch command's, and those of live
 * changes (`messageEvents`), which go out on the same channel and stream. Failing
 * `publish` means the same as for `EventSink`.
 */
export interface WireEventSink extends EventSink {
  publish(event: WireEvent): Promise<void>;
}

/** Keeps two fetches off one chat. `acquire` resolves once the chat is ours. */
export interface ChatLock {
  acquire(chat: ChatRef, signal: AbortSignal): Promise<() => Promise<void>>;
}

/** Time, injectable so that retries and flood waits run in virtual time in tests. */
export interface Clock {
  now(): number;
  /** Resolves after `ms`, rejects with an `AbortError` as soon as `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}
