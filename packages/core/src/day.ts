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
