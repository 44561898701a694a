import type { FetchEvent } from '@tgfetch/core';

/** The per-day events of the contract before v1, for consumers written against it. */
export interface LegacyFetchComplete {
  event: 'fetch_complete';
  chat: string;
  date: string;
  message_count: number;
  file_path: string;
  duration_seconds: number;
  timestamp: string;
  service: string;
  worker_id: string;
  command_id: string;
}

export interface LegacyFetchFailed {
  event: 'fetch_failed';
  chat: string;
  /** The first day not stored (null when the command never got as far as its days). */
  date: string | null;
  error: string;
  timestamp: string;
  service: string;
  worker_id: string;
  command_id: string;
}

export type LegacyEvent = LegacyFetchComplete | LegacyFetchFailed;

/** The chat as the older events spell it: without a leading `@`. */
const legacyChat = (chat: string | null) => (chat ?? '').replace(/^@/, '');

/**
 * One `fetch_complete` per finished day (from `progress`), one `fetch_failed` per day not
 * stored (a `progress` of a day not covered or not reached) and per day the failed command
 * left unstored (from `failed`; one without a date when it planned none).
 * `plannedDates` are the days of the `started` event, when known.
 */
export function legacyEvents(
  event: FetchEvent,
  service: string,
  plannedDates?: readonly string[],
): LegacyEvent[] {
  const common = {
    chat: legacyChat(event.chat),
    timestamp: event.ts,
    service,
    worker_id: event.worker_id,
    command_id: event.command_id,
  };
  if (event.event === 'progress') {
    // A day the command did not store is no fetch_complete: the older contract's consumers
    // would read its empty file_path as a stored day.
    if (event.outcome === 'not_covered' || event.outcome === 'not_reached') {
      const why =
        event.outcome === 'not_covered'
          ? 'not covered by the source: nothing stored'
          : 'not reached: the limit stopped the command first';
      return [{ event: 'fetch_failed', ...common, date: event.date, error: why }];
    }
    return [
      {
        event: 'fetch_complete',
        ...common,
        date: event.date,
        message_count: event.count,
        file_path: event.file_path,
        duration_seconds: event.duration_sec,
      },
    ];
  }
  if (event.event !== 'failed') return [];
  const stored = new Set((event.days ?? []).map((d) => d.date));
  const missing = (plannedDates ?? []).filter((date) => !stored.has(date));
  const dates = missing.length > 0 ? missing : [null];
  return dates.map((date) => ({
    event: 'fetch_failed',
    ...common,
    date,
    error: event.error.message,
  }));
}
