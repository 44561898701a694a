import * as v from 'valibot';
import { type ChatRef, parseChat } from './chat.js';
import { preview } from './echo.js';
import { SCHEDULE_ERROR_CODES, ScheduleErrorCode } from './error-codes.js';
import { retryableIn } from './error-table.js';
import { TgfetchError } from './errors.js';
import type { Strategy } from './fetch-command.js';
import {
  DEFAULT_CATCH_UP_DAYS,
  MAX_EVERY_SECONDS,
  MAX_SCHEDULE_DAYS,
  MIN_EVERY_SECONDS,
  ScheduleInputSchema,
  type ScheduleOptions,
} from './schedule-schema.js';
import { cronOf, durationSeconds, formatDuration } from './schedule-ticks.js';
import { canonicalZone } from './time-zone.js';

/**
 * A schedule keeps a list of chats current: at each tick (`every` a period, or a `cron`
 * pattern in `tz`) it makes one fetch command per chat for a window of days counted back from
 * the tick (`days`), with the options a fetch command takes.
 */
export interface Schedule {
  name: string;
  /** Canonical, without duplicates, in the order given. */
  chats: ChatRef[];
  /**
   * The days each run fetches: `N`, the N complete days before the tick's day (1:
   * yesterday); `since_last_run`, every day from the previous run's day to yesterday (at
   * most `max_days`; the first run: yesterday). Today too with `options.include_today`.
   */
  days: number | 'since_last_run';
  /** `since_last_run` only: the most days one run catches up. */
  max_days?: number;
  /** Canonical duration (`"15m"`); exactly one of `every` and `cron`. */
  every?: string;
  cron?: string;
  /** The schedule's zone: of `cron`, and of the days unless `options.tz` names another. */
  tz: string;
  options: ScheduleOptions;
  strategy?: Strategy;
  limit?: number;
  paused: boolean;
}

export interface ScheduleIssue {
  code: ScheduleErrorCode;
  /** Dot path of the offending field (`options.tz`), empty for the whole input. */
  path: string;
  message: string;
}

/** A rejected schedule. `code` is the first issue's; `issues` has them all. */
export class ScheduleError extends TgfetchError {
  override name = 'ScheduleError';
  readonly issues: readonly ScheduleIssue[];

  constructor(issues: readonly ScheduleIssue[]) {
    const first = issues[0] ?? {
      code: ScheduleErrorCode.SCHEDULE_INVALID_FIELD,
      path: '',
      message: 'invalid schedule',
    };
    const text = issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ');
    super(first.code, text, { retryable: retryableIn(SCHEDULE_ERROR_CODES, first.code) });
    this.issues = issues;
  }
}

export type ScheduleParseResult =
  | { ok: true; schedule: Schedule }
  | { ok: false; error: ScheduleError };

export interface ScheduleParseOptions {
  /** The zone of a schedule that names none (`tz`, else `options.tz`). @default 'UTC' */
  timeZone?: string;
  /** "Now" for the check that a cron pattern fires at all, epoch ms. @default Date.now() */
  now?: number;
}

/** A cron pattern must fire within this long of now: `0 0 30 2 *` never does. */
const CRON_HORIZON_MS = 5 * 366 * 86_400_000;

/**
 * Validates and normalises a schedule (an object, as decoded from JSON). Never throws; every
 * issue found comes back with a stable code and the dot path of its field.
 */
export function parseSchedule(
  input: unknown,
  options: ScheduleParseOptions = {},
): ScheduleParseResult {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return fail([issue('SCHEDULE_NOT_JSON', '', 'a schedule must be a JSON object')]);
  }
  const parsed = v.safeParse(ScheduleInputSchema, input, { abortEarly: false });
  if (!parsed.success) return fail(parsed.issues.map(toIssue));
  const raw = parsed.output;
  const problems: ScheduleIssue[] = [];

  const named = raw.chats ?? (raw.chat === undefined ? [] : [raw.chat]);
  if (raw.chat !== undefined && raw.chats !== undefined) {
    problems.push(issue('SCHEDULE_INVALID_CHATS', 'chats', 'give `chat` or `chats`, not both'));
  } else if (named.length === 0) {
    problems.push(issue('SCHEDULE_MISSING_FIELD', 'chats', 'is missing: name a `chat` or `chats`'));
  }
  const chats: ChatRef[] = [];
  for (const [i, chat] of named.entries()) {
    const ref = parseChat(chat);
    if (!ref.ok) continue; // ChatSchema already said why.
    if (chats.includes(ref.chat)) {
      const path = raw.chats ? `chats.${i}` : 'chat';
      problems.push(issue('SCHEDULE_INVALID_CHATS', path, `${ref.chat} is named twice`));
    } else chats.push(ref.chat);
  }

  if (raw.max_days !== undefined && raw.days !== 'since_last_run') {
    problems.push(
      issue('SCHEDULE_INVALID_DAYS', 'max_days', 'is for `days: "since_last_run"` only'),
    );
  }

  const span = typeof raw.days === 'number' ? raw.days + (raw.options?.include_today ? 1 : 0) : 0;
  if (span > MAX_SCHEDULE_DAYS) {
    const message = `with options.include_today a run covers days + 1 days: at most ${MAX_SCHEDULE_DAYS}`;
    problems.push(issue('SCHEDULE_INVALID_DAYS', 'days', message));
  }

  const zone = canonicalZone(raw.tz ?? raw.options?.tz ?? options.timeZone ?? 'UTC');
  if (zone === undefined) {
    const message = `"${preview(options.timeZone)}" is not an IANA time zone`;
    problems.push(issue('SCHEDULE_INVALID_TIME_ZONE', 'tz', message));
  }

  let every: string | undefined;
  if ((raw.every === undefined) === (raw.cron === undefined)) {
    problems.push(
      issue(
        'SCHEDULE_INVALID_TRIGGER',
        raw.every === undefined ? '' : 'cron',
        'give exactly one of `every` and `cron`',
      ),
    );
  } else if (raw.every !== undefined) {
    const seconds = durationSeconds(raw.every);
    if (seconds === undefined || seconds < MIN_EVERY_SECONDS || seconds > MAX_EVERY_SECONDS) {
      const message = `"${preview(raw.every)}" is not a duration of whole seconds from 1s to 366d ("90s", "15m", "1h30m")`;
      problems.push(issue('SCHEDULE_INVALID_EVERY', 'every', message));
    } else every = formatDuration(seconds);
  } else if (raw.cron !== undefined && zone !== undefined) {
    const why = cronProblem(raw.cron.trim(), zone, options.now ?? Date.now());
    if (why) problems.push(issue('SCHEDULE_INVALID_CRON', 'cron', why));
  }
  if (problems.length > 0 || zone === undefined) return fail(problems);

  const schedule: Schedule = {
    name: raw.name,
    chats,
    days: raw.days ?? 1,
    ...(raw.days === 'since_last_run' ? { max_days: raw.max_days ?? DEFAULT_CATCH_UP_DAYS } : {}),
    ...(every === undefined ? { cron: (raw.cron ?? '').trim() } : { every }),
    tz: zone,
    options: normaliseOptions(raw.options ?? {}),
    ...(raw.strategy === undefined ? {} : { strategy: raw.strategy }),
    ...(raw.limit === undefined ? {} : { limit: raw.limit }),
    paused: raw.paused ?? false,
  };
  return { ok: true, schedule };
}

function cronProblem(pattern: string, zone: string, now: number): string | undefined {
  let next: number | undefined;
  try {
    next = cronOf(pattern, zone).nextRun(new Date(now))?.getTime();
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    return `"${preview(pattern)}" is not a cron pattern: ${why.replace(/^CronPattern: /, '')}`;
  }
  if (next === undefined || next - now > CRON_HORIZON_MS) {
    return `"${preview(pattern)}" never fires within 5 years`;
  }
  return undefined;
}

function normaliseOptions(options: ScheduleOptions): ScheduleOptions {
  if (options.tz === undefined) return { ...options };
  return { ...options, tz: canonicalZone(options.tz) ?? options.tz };
}

const FIELD_CODES: Record<string, ScheduleErrorCode> = {
  name: 'SCHEDULE_INVALID_NAME',
  chat: 'SCHEDULE_INVALID_CHATS',
  chats: 'SCHEDULE_INVALID_CHATS',
  days: 'SCHEDULE_INVALID_DAYS',
  max_days: 'SCHEDULE_INVALID_DAYS',
  every: 'SCHEDULE_INVALID_EVERY',
  cron: 'SCHEDULE_INVALID_CRON',
  tz: 'SCHEDULE_INVALID_TIME_ZONE',
  'options.tz': 'SCHEDULE_INVALID_TIME_ZONE',
};

function toIssue(raw: v.BaseIssue<unknown>): ScheduleIssue {
  const keys = (raw.path ?? []).map((p) => String(p.key));
  const path = keys.join('.');
  if (raw.kind === 'schema' && raw.input === undefined && raw.type !== 'union') {
    return issue('SCHEDULE_MISSING_FIELD', path, 'is missing');
  }
  const code =
    FIELD_CODES[path] ?? FIELD_CODES[keys[0] ?? ''] ?? ScheduleErrorCode.SCHEDULE_INVALID_FIELD;
  return issue(code, path, raw.message);
}

export function issue(code: ScheduleErrorCode, path: string, message: string): ScheduleIssue {
  return { code, path, message };
}

function fail(issues: ScheduleIssue[]): ScheduleParseResult {
  return { ok: false, error: new ScheduleError(issues) };
}
