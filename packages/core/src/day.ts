import type { ChatRef } from './chat.js';
import type { TgMessage } from './message.js';
import type { IsoDate } from './time-zone.js';

/** One calendar day of a plan, as a half-open interval of epoch milliseconds. */
export interface DayWindow {
  date: IsoDate;
  /** First instant of the day (inclusive), epoch ms. */
  start: number;
  /** First instant of the next day (exclusive), epoch ms. */
  end: number;
  /** The day had ended when it was planned: a fetch of it can be complete. */
  ended: boolean;
}

/**
 * What a store keeps for one chat and day: the document written to
 * `<dataDir>/<chat>/<YYYY>/discussions_<date>.json`.
 */
export interface DayDocument {
  chat: ChatRef;
  date: IsoDate;
  time_zone: string;
  /** ISO-8601 UTC of the fetch (or of the changes applied: `applyChanges`) that wrote it last. */
  fetched_at: string;
  /**
   * The whole day was fetched after it had ended (not cut by `limit`, not today) from a
   * source that holds it whole (not an edge day of an export: see `SourceCoverage`).
   * Changes applied later keep it complete.
   */
  complete: boolean;
  /** Messages in the day, tombstones (deleted messages) included. */
  count: number;
  messages: TgMessage[];
  /**
   * The comments of the day's posts (a broadcast channel's): when they were last read, or
   * why there are none. Absent: never asked. A write without it keeps the stored record
   * (see `mergeDayComments`).
   */
  comments?: DayComments;
}

/**
 * What a day records of its posts' comments:
 * - `complete`: every comment of the day's posts written before `read_at` is stored;
 * - `partial`: a read began at `read_at` and stopped before the end (`reason`: the error code);
 * - `none`: the chat has no comments to read (not a broadcast channel, no discussion group
 *   linked, or a source that reads none);
 * - `private`: the discussion group exists but this account cannot read it (`reason`);
 * - `off`: comments were not asked for.
 */
export const COMMENT_STATUSES = ['complete', 'partial', 'none', 'private', 'off'] as const;
export type CommentStatus = (typeof COMMENT_STATUSES)[number];

export interface DayComments {
  status: CommentStatus;
  /** The discussion group (canonical chat) the comments are stored under. */
  chat?: ChatRef;
  /** When the last read of the comments began, ISO-8601 UTC. */
  read_at?: string;
  /** Comments of the day's posts that read found (complete or partial). */
  count?: number;
  /** Why the read is partial, or the group private: an error code. */
  reason?: string;
}

/**
 * The comments record a write leaves: the fresh one, unless it says nothing (absent), or
 * only that comments were not asked for this time (`off`) where a record already says
 * more. A later run without comments never erases what an earlier one read.
 */
export function mergeDayComments(
  stored: DayComments | undefined,
  fresh: DayComments | undefined,
): DayComments | undefined {
  if (fresh === undefined) return stored;
  if (fresh.status === 'off' && stored !== undefined) return stored;
  return fresh;
}

/** What a store reports after writing a day. */
export interface DayWriteResult {
  /** Messages in the day after merging with what was already stored. */
  count: number;
  /**
   * Where the day lives, relative to the store's root: a path under the data directory for
   * file stores (`ru_python/2025/discussions_2025-11-07.json`), a URI-like key for others.
   * Never an absolute path of one machine: data moves, consumers run elsewhere.
   */
  location: string;
  /** What the store repaired on the way (a corrupt copy moved aside), for the day's event. */
  repairs?: string[];
}

/** A complete day in the progress record. */
export interface DayProgress {
  date: IsoDate;
  count: number;
  location: string;
  fetched_at: string;
  /** The zone the day was cut in (see the zone rule in ports.ts). */
  time_zone?: string;
}
