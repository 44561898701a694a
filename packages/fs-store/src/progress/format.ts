import path from 'node:path';
import type { ChatRef, DayProgress, IsoDate } from '@tgfetch/core';
import { isIsoDate } from '@tgfetch/core';

/**
 * A chat's progress is two files in its folder:
 *
 * - `progress.json`, a snapshot:
 *   ```json
 *   { "chat": "@ru_python", "version": 2, "time_zone": "UTC",
 *     "days": { "2025-11-07": { "count": 20, "location": "ru_python/2025/discussions_2025-11-07.json",
 *                               "fetched_at": "2025-11-08T00:00:05.000Z" } } }
 *   ```
 * - `progress.log`, the changes since, one JSON object a line: a day recorded
 *   (`{"date", "count", "location", "fetched_at"}`), a day dropped (`{"date", "drop": true}`)
 *   or the chat's zone claimed (`{"time_zone"}`).
 *
 * Recording a day appends one line, so what a day costs does not grow with the days before
 * it; the log is folded into the snapshot once it is as big as the snapshot, so the bytes
 * written stay linear in the days. Locations are relative to the data directory.
 */
export interface ProgressFile {
  chat: ChatRef;
  version: 2;
  /** The chat's zone (the zone rule); absent until its first day is stored. */
  time_zone?: string;
  days: Record<IsoDate, Omit<DayProgress, 'date' | 'time_zone'>>;
}

export type ProgressChange =
  | { date: IsoDate; count: number; location: string; fetched_at: string }
  | { date: IsoDate; drop: true }
  | { time_zone: string };

export function emptyProgress(chat: ChatRef): ProgressFile {
  return { chat, version: 2, days: {} };
}

export function encodeProgress(progress: ProgressFile): string {
  const days: ProgressFile['days'] = {};
  for (const date of Object.keys(progress.days).sort()) {
    const day = progress.days[date]!;
    days[date] = { count: day.count, location: day.location, fetched_at: day.fetched_at };
  }
  const zone = progress.time_zone === undefined ? {} : { time_zone: progress.time_zone };
  return `${JSON.stringify({ chat: progress.chat, version: 2, ...zone, days }, null, 2)}\n`;
}

/**
 * Parses progress.json (version 1, with absolute locations, too: they are made relative to
 * `base` when they lie under it); throws a plain Error when it is not one.
 */
export function decodeProgress(text: string, base: string): ProgressFile {
  const doc = JSON.parse(text) as Partial<ProgressFile> | null;
  if (typeof doc !== 'object' || doc === null || typeof doc.days !== 'object' || !doc.days) {
    throw new Error('not a progress record');
  }
  if (doc.time_zone !== undefined && typeof doc.time_zone !== 'string') {
    throw new Error('time_zone is not a string');
  }
  const progress: ProgressFile = { ...emptyProgress(String(doc.chat)) };
  if (doc.time_zone !== undefined) progress.time_zone = doc.time_zone;
  for (const [date, day] of Object.entries(doc.days)) {
    const change = { date, ...day };
    if (!isRecord(change)) throw new Error(`bad record for ${date}`);
    applyChange(progress, { ...change, location: relativeLocation(change.location, base) });
  }
  return progress;
}

export function encodeChange(change: ProgressChange): string {
  return `${JSON.stringify(change)}\n`;
}

/**
 * Applies the lines of progress.log. A last line without its newline is an append cut by a
 * crash (its fsync never returned): it is left out, and the next append cuts it off. Any
 * other line that does not parse throws.
 */
export function replayLog(progress: ProgressFile, text: string, base: string): void {
  const lines = text.split('\n');
  lines.pop();
  for (const line of lines) {
    if (line !== '') applyChange(progress, parseChange(line, base));
  }
}

export function applyChange(progress: ProgressFile, change: ProgressChange): void {
  if ('time_zone' in change) progress.time_zone = change.time_zone;
  else if ('drop' in change) delete progress.days[change.date];
  else {
    progress.days[change.date] = {
      count: change.count,
      location: change.location,
      fetched_at: change.fetched_at,
    };
  }
}

export function progressRecord(progress: ProgressFile, date: IsoDate): DayProgress | undefined {
  const day = progress.days[date];
  if (!day) return undefined;
  const zone = progress.time_zone === undefined ? {} : { time_zone: progress.time_zone };
  return { date, count: day.count, location: day.location, fetched_at: day.fetched_at, ...zone };
}

function parseChange(line: string, base: string): ProgressChange {
  const value = JSON.parse(line) as Record<string, unknown> | null;
  if (typeof value !== 'object' || value === null) throw new Error('a log line is not an object');
  if (typeof value.time_zone === 'string' && value.date === undefined) {
    return { time_zone: value.time_zone };
  }
  if (typeof value.date === 'string' && isIsoDate(value.date) && value.drop === true) {
    return { date: value.date, drop: true };
  }
  if (!isRecord(value)) throw new Error(`bad log line ${line.slice(0, 80)}`);
  return { ...value, location: relativeLocation(value.location, base) };
}

function isRecord(
  value: Record<string, unknown>,
): value is { date: IsoDate; count: number; location: string; fetched_at: string } {
  return (
    typeof value.date === 'string' &&
    isIsoDate(value.date) &&
    Number.isSafeInteger(value.count) &&
    (value.count as number) >= 0 &&
    typeof value.location === 'string' &&
    typeof value.fetched_at === 'string'
  );
}

/** Records written before locations were relative held absolute paths under the data directory. */
function relativeLocation(location: string, base: string): string {
  if (!path.isAbsolute(location)) return location;
  const relative = path.relative(base, location);
  if (relative.startsWith('..') || path.isAbsolute(relative)) return location;
  return relative.split(path.sep).join('/');
}
