import type { DaySummary, EventSink, FetchEvent, RetryNotice } from '@tgfetch/core';

export interface Display extends EventSink {
  retry(notice: RetryNotice): void;
  stop(): void;
}

interface Output {
  write(text: string): unknown;
  isTTY?: boolean;
}

/**
 * What `tgfetch fetch` shows while it works. On a terminal: one live line (days done of
 * total, messages, rate, a flood-wait countdown). Elsewhere: one plain line per event, so
 * logs and CI output stay readable.
 */
export function createDisplay(out: Output, now: () => number = Date.now): Display {
  let total = 0;
  let done = 0;
  let messages = 0;
  let startedAt = now();
  let waitUntil = 0;
  let timer: ReturnType<typeof setInterval> | undefined;

  const line = () => {
    const seconds = Math.max((now() - startedAt) / 1000, 0.001);
    const rate = Math.round(messages / seconds);
    const wait = waitUntil > now() ? ` · flood wait ${Math.ceil((waitUntil - now()) / 1000)}s` : '';
    return `${done}/${total} days · ${messages} messages · ${rate} msg/s${wait}`;
  };
  const render = () => out.write(`\r\x1b[2K${line()}`);

  return {
    async publish(event: FetchEvent) {
      if (event.event === 'started') {
        total = event.dates.length;
        startedAt = now();
        if (out.isTTY) timer = setInterval(render, 250);
        else out.write(`started ${event.requested_chat ?? event.chat}: ${total} day(s)\n`);
      } else if (event.event === 'progress') {
        done++;
        messages = event.processed;
        if (!out.isTTY) {
          out.write(`${event.date}: ${dayText(event)}\n`);
        }
      }
      if (out.isTTY) render();
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
