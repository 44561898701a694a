import type { Clock, TgMessage } from '@tgfetch/core';
import type { Api } from 'telegram';
import type { ChatPlan } from './chat-plan.js';

export interface SimulatedLiveOptions {
  /**
   * Events (posts, edits, deletions) per second of the simulated clock while running: over
   * all chats, or per chat in a `shared` history. @default 1
   */
  eventsPerSecond?: number;
  /** Share of events that edit a live message. @default 0.2 */
  editShare?: number;
  /** Share of events that delete live messages. @default 0.1 */
  deleteShare?: number;
  /** Share of pushed updates that never arrive (seeded). @default 0 */
  dropRatio?: number;
  /** Channels (usernames) Telegram does not push for, as for a big channel not open. @default [] */
  silentChats?: string[];
  /**
   * More pts than this behind: `updates.channelDifferenceTooLong`. @default 500; 100,000 in
   * a `shared` history (Telegram's documented usual bound)
   */
  tooLongAfter?: number;
  /** The `timeout` of a channel difference, seconds. @default 30 */
  timeoutSec?: number;
  /**
   * Start changing a channel (at `eventsPerSecond`, with the chats already started) once
   * its difference is first asked, that is once someone follows it. The changes are this
   * process's own: another process does not know them (see `shared`). @default false
   */
  startWhenFollowed?: boolean;
  /**
   * A timeline every process shares: event n (from 1) happens at `epochMs + n / eventsPerSecond`
   * in one of `chats`, decided by the seed alone. A simulated Telegram made at any time
   * first replays, without pushing, the events already past, then pushes each one at its
   * time; so followers killed and restarted meet the same Telegram, and a checker made
   * after `untilMs` knows the truth they must reach. Starts by itself; `post`, `edit`,
   * `remove` and `start` are not for use with it.
   */
  timeline?: { epochMs: number; chats: string[]; untilMs?: number };
  /**
   * A live history that is a function of the wall clock and the seed alone, the same in
   * every process without a file: from `anchorMs` on, every chat posts, edits and deletes
   * at `eventsPerSecond` (each chat on its own, whichever others exist), and each of its
   * live messages is removed `autoDeleteSec` after it was posted (the chat's auto-delete
   * timer, as Telegram's `ttl_period`), which keeps a chat's live history short however
   * long ago it began. A follower restarted in another process catches up on what it
   * missed with the difference calls. The generated history ends at `anchorMs` (the
   * simulated Telegram's `now`, unless given). Pushes for a chat start once its history
   * or difference is asked; `post`, `edit`, `remove`, `step` and `start` are not for use
   * with it. `tgfetch follow --source simulated` runs on one.
   */
  shared?: SharedLiveOptions;
}

export interface SharedLiveOptions {
  /**
   * When the live history begins, epoch ms. @default the simulated Telegram's `now` when
   * given, else 2026-01-01T00:00:00Z
   */
  anchorMs?: number;
  /** How long a live message lives, seconds (0: forever). @default 300 */
  autoDeleteSec?: number;
}

/** What the simulated Telegram does live, on its clock (see `SimulatedTelegram.live`). */
export interface SimulatedLive {
  /** Posts a message to `chat` now; returns its id. */
  post(chat: string): number;
  /** Edits live message `id` of `chat` (the newest one when omitted); false when there is none. */
  edit(chat: string, id?: number): boolean;
  /** Deletes live messages of `chat` (the oldest one when omitted); false when there is none. */
  remove(chat: string, ids?: number[]): boolean;
  /** One seeded event (a post, an edit or a deletion) in one of `chats`. */
  step(chats: readonly string[]): void;
  /**
   * Runs `step` over these chats (and those started before) at `eventsPerSecond` on the
   * clock until `signal` aborts or `stop()`.
   */
  start(chats: readonly string[], signal?: AbortSignal): void;
  /** Stops changing and pushing (a `shared` history stops pushing; its truth goes on). */
  stop(): void;
  /** The channel's pts now (1 before any live event). */
  pts(chat: string): number;
  /**
   * Live messages of `chat` as they are now, mapped: id → message; only those posted at or
   * after `sinceMs` when given (a `shared` history: since this simulated Telegram was made,
   * unless given).
   */
  truth(chat: string, sinceMs?: number): Map<number, TgMessage>;
  /**
   * The ids posted live in `chat` so far, deleted or not, ascending; only those posted at
   * or after `sinceMs` when given (a `shared` history: since this simulated Telegram was
   * made, unless given).
   */
  posted(chat: string, sinceMs?: number): number[];
  /** When live message `id` of `chat` was posted, epoch ms; undefined for one never posted live. */
  postedAt(chat: string, id: number): number | undefined;
  /** Updates pushed and dropped so far. */
  readonly pushed: number;
  readonly dropped: number;
}

/** A page of live history: ids in (`minId`, `offsetId` / `maxId`), newest first. */
export interface LiveHistoryQuery {
  offsetId: number;
  minId: number;
  maxId: number;
  /** At most this many. @default all */
  limit?: number;
}

export interface LiveChats extends SimulatedLive {
  /** The live messages of the channel between `minId` and `maxId` (exclusive), newest first. */
  history(plan: ChatPlan, query: LiveHistoryQuery): Api.Message[];
  getChannelDifference(
    request: Api.updates.GetChannelDifference,
  ): Api.updates.TypeChannelDifference;
  getState(): Api.updates.State;
  getDifference(request: Api.updates.GetDifference): Api.updates.TypeDifference;
}

/** What a live side needs of the simulated Telegram around it. */
export interface LiveDeps {
  seed: number;
  clock: Clock;
  plan(name: string): ChatPlan;
  byChannelId(id: string): ChatPlan | undefined;
  push(updates: Api.TypeUpdates): void;
}
