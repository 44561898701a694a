import path from 'node:path';
import { type CompletedEvent, dateInZone, type FetchCommand } from '@tgfetch/core';

/**
 * What `tgfetch fetch` says at the end: the first line as before (counts and time), then
 * where the files went and, day by day, what was written, skipped as already complete,
 * fetched only so far (today), not covered by the source, or cut or not reached because of
 * `--limit`.
 */
export function fetchSummary(
  result: CompletedEvent,
  context: { command: FetchCommand; planned: readonly string[]; timeZone: string; now: number },
): string {
  const days = result.days;
  const written = days.filter((d) => !d.skipped && d.complete);
  const skipped = days.filter((d) => d.skipped);
  const partial = days.filter((d) => !d.skipped && !d.complete);
  const stored = days.length - skipped.length;
  const lines = [
    `completed ${result.requested_chat ?? result.chat}: ${result.processed} messages, ${stored} day(s) written, ${skipped.length} already complete, ${result.duration_sec}s`,
  ];
  const folders = [...new Set(days.map((d) => path.dirname(path.dirname(d.file_path))))];
  if (folders.length > 0) lines.push(`  files in     ${folders.join(', ')}`);
  const list = (label: string, items: string[]) => {
    if (items.length > 0) lines.push(`  ${label.padEnd(12)} ${items.join(', ')}`);
  };
  list(
    'written',
    written.map((d) => `${d.date} (${d.count})`),
  );
  list(
    'skipped',
    skipped.map((d) => `${d.date} (already complete)`),
  );
  const today = dateInZone(context.now, context.timeZone);
  const limited = context.command.limit !== undefined && result.processed >= context.command.limit;
  const oldestStored = partial.map((d) => d.date).sort()[0];
  const reached = new Set(days.map((d) => d.date));
  list(
    'so far',
    partial
      .filter((d) => d.date === today)
      .map((d) => `${d.date} (${d.count}, today: not complete)`),
  );
  list(
    'cut by limit',
    partial
      .filter((d) => d.date !== today && limited && d.date === oldestStored)
      .map((d) => `${d.date} (${d.count} of the day's newest)`),
  );
  list(
    'not covered',
    partial
      .filter((d) => d.date !== today && !(limited && d.date === oldestStored))
      .map((d) => `${d.date} (the source does not hold this day; not marked complete)`),
  );
  list(
    'not reached',
    context.planned
      .filter((date) => !reached.has(date))
      .map((date) => `${date} (--limit ${context.command.limit})`),
  );
  return `${lines.join('\n')}\n`;
}
