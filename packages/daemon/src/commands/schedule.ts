import { parseSchedule, SCHEDULE_ACTIONS } from '@tgfetch/core';
import { openConnection, type RedisSchedules } from '@tgfetch/redis-transport';
import { UsageError } from '../cli/args.js';
import type { CliContext } from '../cli/context.js';
import { EXIT } from '../cli/exit-codes.js';
import type { FlagName, FlagsOf } from '../cli/flags.js';
import { openSchedules, redisOptions } from '../compose/redis.js';
import { redisClientSettings, reportRedisProblems } from '../compose/redis-client.js';
import { scheduleJson, scheduleLines, scheduleTable, triggerText } from '../schedules/view.js';
import { daysGroup } from '../settings/days.js';
import { queueGroup } from '../settings/queue.js';
import { redisGroup } from '../settings/redis.js';
import { schedulesGroup } from '../settings/schedules.js';

/** What `schedule` reads: where the store is, the queue its ticks fit, the default zone. */
export const scheduleSettings = [redisGroup, queueGroup, daysGroup, schedulesGroup] as const;

const ACTIONS = ['list', 'show', ...SCHEDULE_ACTIONS] as const;
type Action = (typeof ACTIONS)[number];

/** The flags that describe a schedule: `add` only. */
const ADD_FLAGS = [
  'schedule-chat',
  'every',
  'cron',
  'tz',
  'schedule-days',
  'max-days',
  'strategy',
  'limit',
  'force',
  'include-today',
  'comments',
  'paused',
  'replace',
] as const satisfies readonly FlagName[];

type Flags = FlagsOf<'schedule'>;

/**
 * `tgfetch schedule <action> [name]`: the schedule store in Redis, directly (the daemons see
 * a change at their next look, within a second). `add` checks the schedule as the queue's
 * `schedule` command is checked, before anything is sent.
 */
export async function scheduleCommand(
  flags: Flags,
  ctx: CliContext,
  args: string[],
): Promise<number> {
  const [given, name, ...extra] = args;
  const action = ACTIONS.find((a) => a === given);
  if (!action) throw new UsageError(`the action must be one of ${ACTIONS.join(', ')}`);
  if (extra.length > 0) throw new UsageError(`unexpected arguments: ${extra.join(' ')}`);
  if (action === 'list' && name !== undefined)
    throw new UsageError('schedule list takes no name (schedule show <name> shows one)');
  if (action !== 'list' && name === undefined)
    throw new UsageError(`schedule ${action} needs the schedule's name`);
  const misplaced = ADD_FLAGS.filter((flag) => flags[flag] !== undefined);
  if (action !== 'add' && misplaced.length > 0)
    throw new UsageError(`${misplaced.map(spelling).join(', ')}: only for schedule add`);

  const settings = redisClientSettings(flags, ctx, scheduleSettings);
  const input = action === 'add' ? scheduleInput(name as string, flags, settings) : undefined;
  const connection = await openConnection(redisOptions(settings.redis, reportRedisProblems(ctx)));
  try {
    const schedules = openSchedules(settings, connection.client);
    return await run(action, name as string, input, flags, ctx, schedules);
  } finally {
    await connection.close();
  }
}

async function run(
  action: Action,
  name: string,
  input: Record<string, unknown> | undefined,
  flags: Flags,
  ctx: CliContext,
  schedules: RedisSchedules,
): Promise<number> {
  const out = (text: string) => ctx.stdout.write(`${text}\n`);
  switch (action) {
    case 'list': {
      const views = await schedules.list();
      if (flags.json) out(JSON.stringify(views.map(scheduleJson)));
      else out(views.length === 0 ? 'no schedules' : scheduleTable(views));
      return EXIT.ok;
    }
    case 'show': {
      const view = await schedules.get(name);
      if (!view) return notFound(name, ctx);
      out(flags.json ? JSON.stringify(scheduleJson(view)) : scheduleLines(view));
      return EXIT.ok;
    }
    case 'add': {
      const result = await schedules.add(input, { replace: flags.replace === true });
      const view = await schedules.get(name);
      if (flags.json) out(JSON.stringify({ result, schedule: view ? scheduleJson(view) : null }));
      else if (view) {
        const next = view.dueAt === undefined ? 'paused' : new Date(view.dueAt).toISOString();
        const what =
          result === 'unchanged'
            ? `${name} unchanged (the same schedule is there)`
            : `${result} ${name}`;
        out(
          `${what}: ${triggerText(view.schedule)}, ${view.schedule.chats.length} chat(s), next run ${next}`,
        );
      }
      return EXIT.ok;
    }
    case 'pause':
    case 'resume':
    case 'remove': {
      const changed = await schedules[action](name);
      if (action === 'remove' && !changed) return notFound(name, ctx);
      if (flags.json) out(JSON.stringify({ name, action, changed }));
      else out(changed ? `${PAST[action]} ${name}` : `${name} was ${PAST[action]} already`);
      return EXIT.ok;
    }
  }
}

const PAST = { pause: 'paused', resume: 'resumed', remove: 'removed' } as const;

function notFound(name: string, ctx: CliContext): number {
  ctx.stderr.write(`tgfetch: SCHEDULE_NOT_FOUND: no schedule is named "${name}"\n`);
  return EXIT.failed;
}

/** The schedule the flags describe, checked here so that a mistake is a usage error. */
function scheduleInput(
  name: string,
  flags: Flags,
  settings: { days: { TGFETCH_TZ: string; FETCH_STRATEGY: string } },
): Record<string, unknown> {
  const days = flags['schedule-days'];
  const options: Record<string, unknown> = {};
  if (flags.force) options.force = true;
  if (flags['include-today']) options.include_today = true;
  if (flags.comments) options.comments = true;
  const input: Record<string, unknown> = {
    name,
    ...(flags['schedule-chat'] ? { chats: flags['schedule-chat'] } : {}),
    ...(flags.every === undefined ? {} : { every: flags.every }),
    ...(flags.cron === undefined ? {} : { cron: flags.cron }),
    ...(flags.tz === undefined ? {} : { tz: flags.tz }),
    ...(days === undefined
      ? {}
      : { days: days === 'since_last_run' ? days : whole(days, '--days') }),
    ...(flags['max-days'] === undefined
      ? {}
      : { max_days: whole(flags['max-days'], '--max-days') }),
    strategy: flags.strategy ?? settings.days.FETCH_STRATEGY,
    ...(flags.limit === undefined ? {} : { limit: whole(flags.limit, '--limit') }),
    ...(Object.keys(options).length > 0 ? { options } : {}),
    ...(flags.paused ? { paused: true } : {}),
  };
  const parsed = parseSchedule(input, { timeZone: settings.days.TGFETCH_TZ });
  if (!parsed.ok) throw new UsageError(parsed.error.message);
  return input;
}

function whole(value: string, flag: string): number {
  if (!/^\d+$/.test(value)) throw new UsageError(`${flag} must be a whole number, got "${value}"`);
  return Number(value);
}

function spelling(flag: FlagName): string {
  return (
    (
      {
        'schedule-chat': '--chat',
        'schedule-days': '--days',
      } as Partial<Record<FlagName, string>>
    )[flag] ?? `--${flag}`
  );
}
