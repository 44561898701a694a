import type { Schedule } from '@tgfetch/core';
import type { ScheduleView } from '@tgfetch/redis-transport';

/**
 * What `tgfetch schedule` shows of a stored schedule: JSON with ISO-8601 times (snake case,
 * as the wire contract spells fields), a table row for `list`, the lines of `show`.
 */

const iso = (ms: number | undefined) => (ms === undefined ? null : new Date(ms).toISOString());
/** `2025-11-08 06:00:07Z`: seconds are enough on a terminal. */
const short = (ms: number | undefined) =>
  ms === undefined ? '-' : `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')}Z`;

export interface ScheduleJson {
  name: string;
  schedule: Schedule;
  paused: boolean;
  next_run: string | null;
  due_at: string | null;
  last_run: { tick: string; pushed_at: string; command_ids: string[]; missed: number } | null;
  last_outcome: {
    status: 'pending' | 'completed' | 'failed';
    commands: Array<{ command_id: string; status: string; code?: string }>;
  } | null;
  created_at: string;
  updated_at: string;
}

export function scheduleJson(view: ScheduleView): ScheduleJson {
  const { lastRun, lastOutcome } = view;
  return {
    name: view.schedule.name,
    schedule: view.schedule,
    paused: view.schedule.paused,
    next_run: iso(view.nextTick),
    due_at: iso(view.dueAt),
    last_run: lastRun
      ? {
          tick: new Date(lastRun.tick).toISOString(),
          pushed_at: new Date(lastRun.pushedAt).toISOString(),
          command_ids: lastRun.commandIds,
          missed: lastRun.missed,
        }
      : null,
    last_outcome: lastOutcome
      ? {
          status: lastOutcome.status,
          commands: lastOutcome.commands.map((c) => ({
            command_id: c.commandId,
            status: c.status,
            ...(c.code === undefined ? {} : { code: c.code }),
          })),
        }
      : null,
    created_at: new Date(view.createdAt).toISOString(),
    updated_at: new Date(view.updatedAt).toISOString(),
  };
}

/** `every 1h`, `cron 0 6 * * * Europe/Berlin`. */
export function triggerText(schedule: Schedule): string {
  return schedule.every === undefined
    ? `cron ${schedule.cron} ${schedule.tz}`
    : `every ${schedule.every}`;
}

/** `completed`, `pending 1/3`, `failed CHAT_PRIVATE`, `-` before the first run. */
export function outcomeText(view: ScheduleView): string {
  const outcome = view.lastOutcome;
  if (!outcome) return '-';
  if (outcome.status === 'completed') return 'completed';
  if (outcome.status === 'failed') {
    const codes = [...new Set(outcome.commands.flatMap((c) => (c.code ? [c.code] : [])))];
    return `failed ${codes.join(',')}`.trim();
  }
  const ended = outcome.commands.filter((c) => c.status === 'completed' || c.status === 'failed');
  return `pending ${ended.length}/${outcome.commands.length}`;
}

/** The next run when it ticks, `paused` when not: its due time (the tick plus its jitter). */
function nextText(view: ScheduleView): string {
  return view.schedule.paused ? 'paused' : short(view.dueAt);
}

/** `list`: one row per schedule, columns aligned. */
export function scheduleTable(views: readonly ScheduleView[]): string {
  const header = ['NAME', 'NEXT RUN', 'LAST RUN', 'OUTCOME', 'TRIGGER', 'CHATS'];
  const rows = views.map((view) => [
    view.schedule.name,
    nextText(view),
    short(view.lastRun?.pushedAt),
    outcomeText(view),
    triggerText(view.schedule),
    String(view.schedule.chats.length),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  return [header, ...rows]
    .map((cells) =>
      cells
        .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/** `show`: the schedule and its last run, a field a line. */
export function scheduleLines(view: ScheduleView): string {
  const s = view.schedule;
  const days =
    s.days === 'since_last_run' ? `since the last run (at most ${s.max_days ?? 7})` : `${s.days}`;
  const options = Object.entries(s.options)
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(' ');
  const lines = [
    `${s.name}${s.paused ? ' (paused)' : ''}`,
    `  trigger   ${triggerText(s)}`,
    `  chats     ${s.chats.join(' ')}`,
    `  days      ${days}${options ? `, ${options}` : ''}${s.strategy ? `, ${s.strategy}` : ''}${s.limit ? `, limit ${s.limit}` : ''}`,
    `  next run  ${nextText(view)}${view.nextTick !== undefined && view.dueAt !== view.nextTick ? ` (tick ${short(view.nextTick)})` : ''}`,
  ];
  const run = view.lastRun;
  if (!run) lines.push('  last run  -');
  else {
    lines.push(
      `  last run  ${short(run.pushedAt)} (tick ${short(run.tick)}${run.missed > 0 ? `, ${run.missed} missed ticks with it` : ''})`,
      `  outcome   ${outcomeText(view)}`,
    );
    for (const c of view.lastOutcome?.commands ?? []) {
      lines.push(`    ${c.commandId}  ${c.status}${c.code ? ` ${c.code}` : ''}`);
    }
  }
  return lines.join('\n');
}
