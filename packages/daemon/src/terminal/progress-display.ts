import {
  addDays,
  type DaySummary,
  type EventSink,
  type FetchEvent,
  type RetryNotice,
  startOfDay,
} from '@tgfetch/core';

export interface Display extends EventSink {
  retry(notice: RetryNotice): void;
  /** A message the source handed over (counted before its day is stored). */
  message(time: number, id: number): void;
  stop(): void;
}

interface Output {
  write(text: string): unknown;
  isTTY?: boolean;
}

export interface DisplayOptions {
  /** Zone the command's days are cut in (for the ETA's time span). @default 'UTC' */
  timeZone?: string;
  /** @default Date.now */
  now?: () => number;
  /** Redraw interval on a terminal, ms. @default 250 */
  intervalMs?: number;
}

/** No ETA before this much work: the first requests say little about the rate. */
const ETA_AFTER_MS = 1_000;
const ETA_AFTER_FRACTION = 0.005;

/**
 * What `tgfetch fetch` shows while it works. On a terminal: one live line (days done of
 * total, messages counted as the source hands them over, rate, an ETA once the rate is
 * known, a flood-wait countdown). Elsewhere: one plain line per event, so logs and CI
 * output stay readable.
 *
 * The ETA comes from how much of the time span the walk has covered: history is read
 * newest first, so a message dated `t` means the span after `t` is done.
 */
export function createDisplay(out: Output, options: DisplayOptions = {}): Display {
  const now = options.now ?? Date.now;
  const timeZone = options.timeZone ?? 'UTC';
  let total = 0;
  let done = 0;
  let stored = 0;
  let inFlight = 0;
  let startedAt = now();
  let span: { from: number; to: number } | undefined;
  let oldestSeen = Number.POSITIVE_INFINITY;
  let lowestId = Number.POSITIVE_INFINITY;
  let skippedSpan = 0;
  let waitUntil = 0;
  let timer: ReturnType<typeof setInterval> | undefined;

  const covered = (): number => {
    if (!span || span.to <= span.from) return 0;
    const walked = Number.isFinite(oldestSeen) ? span.to - Math.max(oldestSeen, span.from) : 0;
    return Math.min(1, Math.max(0, (walked + skippedSpan) / (span.to - span.from)));
  };
  const eta = (elapsedMs: number): string => {
    const fraction = covered();
    if (elapsedMs < ETA_AFTER_MS || fraction < ETA_AFTER_FRACTION || fraction >= 1) return '';
    if (total > 0 && done >= total) return '';
    return ` · ETA ${duration((elapsedMs * (1 - fraction)) / fraction)}`;
  };
  const line = () => {
    const elapsed = now() - startedAt;
    const messages = stored + inFlight;
    const rate = Math.round(messages / Math.max(elapsed / 1000, 0.001));
    const wait = waitUntil > now() ? ` · flood wait ${Math.ceil((waitUntil - now()) / 1000)}s` : '';
    return `${done}/${total} days · ${messages} messages · ${rate} msg/s${eta(elapsed)}${wait}`;
  };
  const render = () => out.write(`\r\x1b[2K${line()}`);

  return {
    async publish(event: FetchEvent) {
      if (event.event === 'started') {
        total = event.dates.length;
        startedAt = now();
        // Dates may come newest first (as the engine walks them): the span is oldest..newest.
        const sorted = [...event.dates].sort();
        const first = sorted[0];
        const last = sorted.at(-1);
        if (first && last) {
          span = {
            from: startOfDay(first, timeZone),
            to: Math.min(now(), startOfDay(addDays(last, 1), timeZone)),
          };
        }
        if (out.isTTY) timer = setInterval(render, options.intervalMs ?? 250);
        else out.write(`started ${event.requested_chat ?? event.chat}: ${total} day(s)\n`);
      } else if (event.event === 'progress') {
        done++;
        // Messages counted here but not yet by the engine (the first of the next day) stay.
        inFlight = Math.max(0, stored + inFlight - event.processed);
        stored = event.processed;
        if (event.skipped && span) {
          // A day already complete is not walked: count its span as covered.
          const start = startOfDay(event.date, timeZone);
          const end = Math.min(span.to, startOfDay(addDays(event.date, 1), timeZone));
          skippedSpan += Math.max(0, end - start);
        }
        if (!out.isTTY) {
          out.write(`${event.date}: ${dayText(event)}\n`);
        }
      }
      if (out.isTTY) render();
    },
    message(time, id) {
      // As the engine does: history comes newest first, so a message not older than the
      // last one counted is a retry's repeat; and what falls outside the days is dropped.
      if (id >= lowestId) return;
      if (span && (time < span.from || time >= span.to + 60_000)) return;
      lowestId = id;
      inFlight++;
      if (time < oldestSeen) oldestSeen = time;
    },
    retry(notice) {
      waitUntil = notice.until;
      if (!out.isTTY) {
        out.write(
          `waiting ${Math.ceil(notice.delayMs / 1000)}s (${notice.error.code}, attempt ${notice.attempt})\n`,
        );
      }
    },
    stop() {
      if (timer) clearInterval(timer);
      if (out.isTTY) out.write(`\r\x1b[2K${line()}\n`);
    },
  };
}

function duration(ms: number): string {
  const seconds = Math.ceil(ms / 1000);
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m${String(seconds % 60).padStart(2, '0')}s`;
  return `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, '0')}m`;
}

/** What became of one day, for people: `listen` and `fetch` print it. */
export function dayText(day: DaySummary): string {
  const repaired = day.repair === undefined ? '' : ` (repaired: ${day.repair})`;
  switch (day.outcome) {
    case 'not_covered':
      return 'not covered by the source, nothing stored';
    case 'not_reached':
      return 'not reached: the limit stopped the command before it';
    case 'partial':
      return `${day.count} messages, not complete -> ${day.file_path}${repaired}`;
    default:
      return day.skipped
        ? `already complete -> ${day.file_path}`
        : `${day.count} messages -> ${day.file_path}${repaired}`;
  }
}
