import type { ChatRef } from './chat.js';
import type { DayDocument, DayProgress, DayWriteResult } from './day.js';
import type { FetchEvent } from './events.js';
import type { TgMessage } from './message.js';
import type { IsoDate } from './time-zone.js';

/**
 * The ports: the engine talks to these four small interfaces (and an optional lock) and
 * never knows where messages come from or go. Each has an in-memory adapter in this package
 * and a conformance suite in `@tgfetch/core/testing`.
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
  /** Stop after this many messages. */
  limit?: number;
}

export interface MessageSource {
  /**
   * Yields the messages of the slice in descending id order (newest first, as Telegram
   * pages history). Errors are core error classes: `FloodWaitError`, `TransientError`,
   * `FatalError`. Stops promptly when `signal` aborts.
   */
  messages(request: HistoryRequest, signal: AbortSignal): AsyncIterable<TgMessage>;
  close?(): Promise<void>;
}

export interface MessageStore {
  /**
   * Stores one day whole or not at all, merged by message id with what is already stored
   * (see `mergeMessages`). `day.count` is the number of fresh messages.
   */
  writeDay(day: DayDocument): Promise<DayWriteResult>;
  readDay(chat: ChatRef, date: IsoDate): Promise<DayDocument | undefined>;
  close?(): Promise<void>;
}

export interface ProgressStore {
  /** The complete days among `dates` (days never fetched, or not complete, are absent). */
  completed(chat: ChatRef, dates: readonly IsoDate[]): Promise<ReadonlyMap<IsoDate, DayProgress>>;
  /** Records a day as complete (a later record for the same date replaces it). */
  markComplete(chat: ChatRef, day: DayProgress): Promise<void>;
  close?(): Promise<void>;
}

export interface EventSink {
  publish(event: FetchEvent): Promise<void>;
  close?(): Promise<void>;
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
