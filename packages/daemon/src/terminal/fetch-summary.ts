import path from 'node:path';
import { type CompletedEvent, type DaySummary, dateInZone, type FetchCommand } from '@tgfetch/core';

/**
 * What `tgfetch fetch` says at the end: the first line (`summaryLine`), then where the
 * files went and, day by day, what was written, skipped as already complete, fetched only
 * so far (today), cut by `--limit`, held only in part by the source (an export's last
 * day), not covered by the source, or not reached.
 */
export function fetchSummary(
  result: CompletedEvent,
  context: { command: FetchCommand; timeZone: string; now: number },
): string {
  const days = result.days;
  const limit = context.command.limit;
  const lines = [summaryLine(result, limit)];
  const folders = [
    ...new Set(
      days.filter((d) => d.file_path !== '').map((d) => path.dirname(path.dirname(d.file_path))),
    ),
  ];
  if (folders.length > 0) lines.push(`  files in     ${folders.join(', ')}`);
  const list = (label: string, items: string[]) => {
    if (items.length > 0) lines.push(`  ${label.padEnd(12)} ${items.join(', ')}`);
  };
  const withOutcome = (outcome: DaySummary['outcome']) =>
    days.filter((d) => outcomeOf(d) === outcome);
  const repaired = (d: DaySummary) => (d.repair === undefined ? '' : `, repaired: ${d.repair}`);
  list(
    'written',
    withOutcome('stored').map((d) => `${d.date} (${d.count}${repaired(d)})`),
  );
  list(
    'skipped',
    withOutcome('skipped').map((d) => `${d.date} (already complete)`),
  );
  const today = dateInZone(context.now, context.timeZone);
  const partial = withOutcome('partial');
  const cut = cutDay(result, limit);
  list(
    'so far',
    partial
      .filter((d) => d.date === today)
      .map((d) => `${d.date} (${d.count}, today: not complete)`),
  );
  list(
    'cut by limit',
    partial
      .filter((d) => d.date !== today && d === cut)
      .map((d) => `${d.date} (${d.count} of the day's newest)`),
  );
  list(
    'in part',
    partial
      .filter((d) => d.date !== today && d !== cut)
      .map((d) => `${d.date} (${d.count}, the source holds only part of this day; not complete)`),
  );
  list(
    'not covered',
    withOutcome('not_covered').map(
      (d) => `${d.date} (the source does not hold this day; not marked complete)`,
    ),
  );
  list(
    'not reached',
    withOutcome('not_reached').map((d) => `${d.date} (--limit ${limit})`),
  );
  return `${lines.join('\n')}\n`;
}

/**
 * The day `--limit` cut into: the oldest day written, when it is partial and the limit
 * can have run out (a walk stops storing days there). Other partial days of the past are
 * days the source holds only in part (see core's `SourceCoverage`).
 */
function cutDay(result: CompletedEvent, limit: number | undefined): DaySummary | undefined {
  if (limit === undefined || result.processed < limit) return undefined;
  const written = result.days.filter((d) => {
    const outcome = outcomeOf(d);
    return outcome === 'stored' || outcome === 'partial';
  });
  const oldest = written[written.length - 1];
  return oldest && outcomeOf(oldest) === 'partial' ? oldest : undefined;
}

/** A day of an older worker's event has no outcome: read it from its flags. */
function outcomeOf(day: DaySummary): DaySummary['outcome'] {
  if (day.outcome !== undefined) return day.outcome;
  if (day.skipped) return 'skipped';
  return day.complete ? 'stored' : 'partial';
}

/**
 * One line for a completed fetch: what was stored, what was already there, and what was
 * not: days the source does not cover, days the limit kept it from (newest first, so the
 * oldest are the ones left).
 */
export function summaryLine(result: CompletedEvent, limit: number | undefined): string {
  const count = (outcome: string) => result.days.filter((d) => outcomeOf(d) === outcome).length;
  const written = count('stored') + count('partial');
  const parts = [
    `${result.processed} messages in ${written} day(s) written`,
    `${count('skipped')} already complete`,
  ];
  const repaired = result.days.filter((d) => d.repair !== undefined).length;
  if (repaired > 0) parts.push(`${repaired} repaired`);
  const uncovered = result.days.filter((d) => d.outcome === 'not_covered').map((d) => d.date);
  if (uncovered.length > 0) {
    parts.push(`${uncovered.length} not covered by the source (${dateSpan(uncovered)})`);
  }
  const unreached = result.days.filter((d) => d.outcome === 'not_reached').map((d) => d.date);
  if (unreached.length > 0) {
    parts.push(
      `${unreached.length} not reached: the limit of ${limit ?? '?'} messages stopped it (${dateSpan(unreached)})`,
    );
  }
  return `completed ${result.requested_chat ?? result.chat}: ${parts.join(', ')}, ${result.duration_sec}s`;
}

function dateSpan(dates: string[]): string {
  const sorted = [...dates].sort();
  return sorted.length === 1 ? sorted[0]! : `${sorted[0]}..${sorted[sorted.length - 1]}`;
}
