import {
  commandsForTick,
  countTicks,
  nextTick,
  type ScheduledEvent,
  scheduledEvent,
  type TgfetchError,
  tickAtOrBefore,
  toTgfetchError,
} from '@tgfetch/core';
import type { RedisClient } from './connection.js';
import { decodeSchedule, type ScheduleKeys } from './schedule-records.js';
import { tickScript } from './schedule-scripts.js';
import { PAYLOAD_FIELD } from './stream-queue.js';

export interface RunDueOptions {
  /** This scheduler's clock, epoch ms. */
  now: number;
  /** Ticks pushed at most by this call (the rest stay due for the next). @default 100 */
  maxPush?: number;
}

export interface RunDueResult {
  /** One event per tick pushed, for the caller to publish. */
  scheduled: ScheduledEvent[];
  /** Schedules left due because the queue had no room for their commands. */
  deferred: string[];
  /** Due schedules another scheduler ran (or changed) first. */
  lost: number;
  /**
   * Due schedules whose tick failed, each with why: a call past its deadline (the tick may
   * still have been pushed, once: the next call tells), or a stored schedule that does not
   * read (`SCHEDULE_CORRUPT`, again at every call until it is removed). The others went on.
   */
  errors: Array<{ schedule: string; error: TgfetchError }>;
  /** True when `maxPush` cut the call short: more are due now. */
  more: boolean;
}

/** Counters since the store was made, for metrics. */
export interface ScheduleStats {
  /** Ticks this scheduler pushed. */
  ticks: number;
  /** Commands those ticks pushed. */
  commands: number;
  /** Tries to push a tick refused for a full queue (the tick stayed due: counted each try). */
  skipped: number;
  /** Ticks pushed more than `lateAfterMs` after their due time. */
  late: number;
  /** Due ticks another scheduler pushed first (or that changed under this one). */
  lost: number;
  /** Due ticks that failed (`RunDueResult.errors`). */
  errors: number;
}

/** The "next tick" of a pattern that fires no more: never due. */
export const NEVER = 8.64e15;

/** Runs one Redis call (or a few sent together) within the store's reply deadline. */
export type DeadlineCall = <T>(what: string, run: () => Promise<T>) => Promise<T>;

export interface TickRunnerDeps {
  client: RedisClient;
  keys: ScheduleKeys;
  queue: string;
  transport: 'list' | 'stream';
  maxQueueLength: number;
  lateAfterMs: number;
  workerId: string;
  call: DeadlineCall;
  offsetOf: (name: string) => number;
}

/**
 * The scheduler's side of a store: reads what is due by the caller's clock and runs each due
 * tick in `tickScript` (compare-and-set on the next tick and revision it read).
 */
export function createTickRunner(deps: TickRunnerDeps): {
  runDue(options: RunDueOptions): Promise<RunDueResult>;
  stats(): ScheduleStats;
} {
  const { client, keys, queue, transport, maxQueueLength, lateAfterMs, workerId, call, offsetOf } =
    deps;
  const counters: ScheduleStats = {
    ticks: 0,
    commands: 0,
    skipped: 0,
    late: 0,
    lost: 0,
    errors: 0,
  };

  /** One due schedule's tick: 'pushed', 'lost' or 'full'. */
  const runOne = async (
    name: string,
    hash: Record<string, string>,
    now: number,
  ): Promise<{ kind: 'pushed'; event: ScheduledEvent } | { kind: 'lost' | 'full' | 'early' }> => {
    const view = decodeSchedule(name, hash, undefined, offsetOf(name));
    if (!view || view.nextTick === undefined) return { kind: 'lost' };
    const { schedule, nextTick: stored } = view;
    const offset = offsetOf(name);
    // The schedule's own clock runs `offset` behind: its ticks are due `offset` after them.
    const local = now - offset;
    if (stored > local) return { kind: 'early' };
    const tick = Math.max(stored, tickAtOrBefore(schedule, local) ?? stored);
    const next = nextTick(schedule, local) ?? NEVER;
    const commands = commandsForTick(schedule, tick, {
      ...(view.lastRun ? { previousTick: view.lastRun.tick } : {}),
    });
    const ids = commands.map((c) => c.command_id);
    const missed = countTicks(schedule, stored, tick - 1);
    const result = (await call('a tick', () =>
      tickScript.run(
        client,
        [keys.schedule(name), keys.due, keys.outcome(name), queue],
        [
          name,
          hash.next ?? '',
          hash.rev ?? '',
          String(tick),
          String(next),
          String(next + offset),
          String(now),
          String(maxQueueLength),
          transport,
          PAYLOAD_FIELD,
          JSON.stringify(ids),
          String(missed),
          ...commands.map((c) => JSON.stringify(c)),
        ],
      ),
    )) as [number, unknown?];
    if (result[0] === -1) return { kind: 'full' };
    if (result[0] !== 1) return { kind: 'lost' };
    const lateMs = now - (tick + offset);
    return {
      kind: 'pushed',
      event: scheduledEvent({
        schedule: name,
        tick,
        command_ids: ids,
        chats: commands.map((c) => c.chat),
        missed,
        late_ms: lateMs,
        pushedAt: now,
        worker_id: workerId,
      }),
    };
  };

  const runDue = async ({ now, maxPush = 100 }: RunDueOptions): Promise<RunDueResult> => {
    const names = await call('the due schedules', () =>
      client.zRangeByScore(keys.due, '-inf', now, { LIMIT: { offset: 0, count: maxPush } }),
    );
    const hashes = await call('the due schedules', () =>
      Promise.all(names.map((name) => client.hGetAll(keys.schedule(name)))),
    );
    // One schedule's failure is its own: the ticks of the others are pushed and told.
    const outcomes = await Promise.all(
      names.map((name, i) =>
        runOne(name, hashes[i] ?? {}, now).catch((error: unknown) => ({
          kind: 'error' as const,
          error: toTgfetchError(error),
        })),
      ),
    );
    const result: RunDueResult = {
      scheduled: [],
      deferred: [],
      lost: 0,
      errors: [],
      more: names.length >= maxPush,
    };
    for (const [i, outcome] of outcomes.entries()) {
      if (outcome.kind === 'pushed') {
        result.scheduled.push(outcome.event);
        counters.ticks++;
        counters.commands += outcome.event.command_ids.length;
        if (outcome.event.late_ms > lateAfterMs) counters.late++;
      } else if (outcome.kind === 'full') {
        result.deferred.push(names[i] as string);
        counters.skipped++;
      } else if (outcome.kind === 'lost') {
        result.lost++;
        counters.lost++;
      } else if (outcome.kind === 'error') {
        result.errors.push({ schedule: names[i] as string, error: outcome.error });
        counters.errors++;
      }
    }
    return result;
  };

  return { runDue, stats: () => ({ ...counters }) };
}
