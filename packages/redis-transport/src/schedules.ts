import {
  type FetchEvent,
  jitterOffset,
  nextTick,
  parseSchedule,
  parseScheduleCommandId,
  type Schedule,
  type ScheduleCommand,
  type TgfetchError,
} from '@tgfetch/core';
import type { RedisClient } from './connection.js';
import { RedisErrorCode, redisError, ScheduleStoreErrorCode, toRedisError } from './errors.js';
import { replyDeadline } from './reply-deadline.js';
import {
  decodeSchedule,
  type ScheduleKeys,
  type ScheduleView,
  scheduleKeys,
} from './schedule-records.js';
import {
  createTickRunner,
  type DeadlineCall,
  NEVER,
  type RunDueOptions,
  type RunDueResult,
  type ScheduleStats,
} from './schedule-runner.js';
import {
  outcomeScript,
  pauseScript,
  putScript,
  removeScript,
  resumeScript,
} from './schedule-scripts.js';

export type { RunDueOptions, RunDueResult, ScheduleStats };

export interface RedisSchedulesOptions {
  /** A connected client (plain commands only). Never closed by the store. */
  client: RedisClient;
  /** Every key starts with it (`<prefix>due`, `<prefix>schedule:<name>`…). @default 'tg_schedules:' */
  prefix?: string;
  /** The command queue ticks push onto: a list (RPUSH) or a stream (XADD, field `payload`). @default 'tg_commands' */
  queue?: string;
  /** @default 'list' */
  transport?: 'list' | 'stream';
  /** A tick is pushed only if all its commands fit under this queue length (the producer's MAX_QUEUE_LENGTH). @default 10_000 */
  maxQueueLength?: number;
  /** Schedules the store may hold. @default 10_000 */
  maxSchedules?: number;
  /**
   * Each schedule runs up to this long after its ticks, by a fixed delay of its own
   * (`jitterOffset` of its name), so that many schedules of one minute do not all push at
   * its first second. Every scheduler of a store should use the same value. @default 0
   */
  jitterMs?: number;
  /** A tick pushed more than this after its due time counts as late. @default 60_000 */
  lateAfterMs?: number;
  /** Deadline of every Redis call: past it the call fails with a retryable `REDIS_NO_REPLY`. @default 2_000 */
  replyTimeoutMs?: number;
  /** The zone of schedules that name none (the daemon's TGFETCH_TZ). @default 'UTC' */
  timeZone?: string;
  /** Who pushes, named in `scheduled` events. @default 'scheduler' */
  workerId?: string;
  /** The clock of add, update, resume (runDue is told its `now`). @default Date.now */
  now?: () => number;
}

export type PutResult = 'added' | 'replaced' | 'unchanged';

export interface RedisSchedules {
  /** Adds a schedule (input as `parseSchedule` takes it, or one it made). The same again changes nothing; another of the name is `SCHEDULE_EXISTS` unless `replace`. */
  add(input: unknown, options?: { replace?: boolean }): Promise<PutResult>;
  /** Replaces an existing schedule (`SCHEDULE_NOT_FOUND` if none); its last run is kept. */
  update(input: unknown): Promise<PutResult>;
  get(name: string): Promise<ScheduleView | undefined>;
  /** Every schedule, by name. */
  list(): Promise<ScheduleView[]>;
  /** Stops its ticks until `resume`. False when it was paused already. */
  pause(name: string): Promise<boolean>;
  /** Ticks again from the next one after now: ticks while paused are not run. False when it was not paused. */
  resume(name: string): Promise<boolean>;
  /** False when there was none. */
  remove(name: string): Promise<boolean>;
  /** Runs a parsed `schedule` command of the queue. */
  apply(command: ScheduleCommand): Promise<PutResult | boolean>;
  /** Pushes the ticks due by `now`, each exactly once across every scheduler of the store. */
  runDue(options: RunDueOptions): Promise<RunDueResult>;
  /** The earliest due time of any schedule, epoch ms (for the caller's sleep); `undefined`: none. */
  nextDue(): Promise<number | undefined>;
  /** Records a `started`/`completed`/`failed` event of a scheduled command; false when it is of no schedule's last run. */
  recordOutcome(
    event: Pick<FetchEvent, 'event' | 'command_id'> & { error?: { code: string } },
  ): Promise<boolean>;
  stats(): ScheduleStats;
}

/**
 * Schedules in Redis, run by any number of schedulers. Each due tick is pushed by one
 * compare-and-set script (`tickScript`): it advances the schedule to its first tick after
 * the caller's now (missed ticks collapse into one run), records the run and pushes the
 * tick's commands onto the command queue exactly as the producer does, or does nothing at
 * all if another scheduler got there first or the queue is full.
 */
export function createRedisSchedules(options: RedisSchedulesOptions): RedisSchedules {
  const { client } = options;
  const keys: ScheduleKeys = scheduleKeys(options.prefix ?? 'tg_schedules:');
  const queue = options.queue ?? 'tg_commands';
  const transport = options.transport ?? 'list';
  const maxQueueLength = options.maxQueueLength ?? 10_000;
  const maxSchedules = options.maxSchedules ?? 10_000;
  const jitterMs = options.jitterMs ?? 0;
  const lateAfterMs = options.lateAfterMs ?? 60_000;
  const replyTimeoutMs = options.replyTimeoutMs ?? 2_000;
  const workerId = options.workerId ?? 'scheduler';
  const clock = options.now ?? Date.now;

  // Every node-redis error translated; a call past its deadline may still be carried out
  // later, which the tick script's compare-and-set makes harmless.
  const call: DeadlineCall = async (what, run) => {
    try {
      return await replyDeadline(run(), replyTimeoutMs, what);
    } catch (error) {
      throw toRedisError(error);
    }
  };

  const offsetOf = (name: string) => jitterOffset(name, jitterMs);
  /** The first tick a schedule runs after `now`, and its due score. */
  const upcoming = (schedule: Schedule, now: number) => {
    const offset = offsetOf(schedule.name);
    const next = nextTick(schedule, now - offset) ?? NEVER;
    return { next, score: next + offset };
  };

  const parse = (input: unknown): Schedule => {
    const parsed = parseSchedule(input, {
      now: clock(),
      ...(options.timeZone === undefined ? {} : { timeZone: options.timeZone }),
    });
    if (!parsed.ok) throw parsed.error;
    if (parsed.schedule.chats.length > maxQueueLength) {
      throw redisError(
        RedisErrorCode.QUEUE_FULL,
        `a tick pushes ${parsed.schedule.chats.length} commands: more than the queue may hold (MAX_QUEUE_LENGTH ${maxQueueLength})`,
      );
    }
    return parsed.schedule;
  };

  const put = async (input: unknown, mode: 'add' | 'replace' | 'update'): Promise<PutResult> => {
    const schedule = parse(input);
    const now = clock();
    const { next, score } = upcoming(schedule, now);
    const result = await call('a schedule write', () =>
      putScript.run(
        client,
        [keys.schedule(schedule.name), keys.due, keys.names],
        [
          schedule.name,
          JSON.stringify(schedule),
          schedule.paused ? '1' : '0',
          String(next),
          String(score),
          String(now),
          mode,
          String(maxSchedules),
        ],
      ),
    );
    if (result === 'exists') {
      throw redisError(
        ScheduleStoreErrorCode.SCHEDULE_EXISTS,
        `a different schedule "${schedule.name}" exists: replace it, or choose another name`,
      );
    }
    if (result === 'missing') throw notFound(schedule.name);
    if (result === 'limit') {
      throw redisError(
        ScheduleStoreErrorCode.SCHEDULE_LIMIT,
        `the store holds ${maxSchedules} schedules already (MAX_SCHEDULES)`,
      );
    }
    return result as PutResult;
  };

  const read = async (name: string): Promise<ScheduleView | undefined> => {
    const [hash, outcome] = await call('a schedule read', () =>
      Promise.all([client.hGetAll(keys.schedule(name)), client.hGetAll(keys.outcome(name))]),
    );
    return decodeSchedule(name, hash, outcome, offsetOf(name));
  };

  const pause = async (name: string): Promise<boolean> => {
    const result = await call('a schedule pause', () =>
      pauseScript.run(client, [keys.schedule(name), keys.due], [name, String(clock())]),
    );
    if (result === 'missing') throw notFound(name);
    return result === 'paused';
  };

  const remove = async (name: string): Promise<boolean> => {
    const removed = await call('a schedule removal', () =>
      removeScript.run(
        client,
        [keys.schedule(name), keys.due, keys.names, keys.outcome(name)],
        [name],
      ),
    );
    return Number(removed) > 0;
  };

  const resume = async (name: string): Promise<boolean> => {
    // The next tick is computed from the stored schedule: the script checks it is still that one.
    for (let attempt = 0; attempt < 5; attempt++) {
      const view = await read(name);
      if (!view) throw notFound(name);
      if (!view.schedule.paused) return false;
      const now = clock();
      const { next, score } = upcoming(view.schedule, now);
      const result = await call('a schedule resume', () =>
        resumeScript.run(
          client,
          [keys.schedule(name), keys.due],
          [name, String(view.revision), String(next), String(score), String(now)],
        ),
      );
      if (result === 'missing') throw notFound(name);
      if (result !== 'stale') return result === 'resumed';
    }
    throw redisError(
      ScheduleStoreErrorCode.SCHEDULE_CHANGED,
      `schedule "${name}" kept changing: resume it again`,
    );
  };

  const runner = createTickRunner({
    client,
    keys,
    queue,
    transport,
    maxQueueLength,
    lateAfterMs,
    workerId,
    call,
    offsetOf,
  });

  return {
    add: (input, addOptions = {}) => put(input, addOptions.replace ? 'replace' : 'add'),
    update: (input) => put(input, 'update'),
    get: read,
    async list() {
      const names = await call('the schedule names', () => client.sMembers(keys.names));
      const views = await Promise.all([...names].sort().map(read));
      return views.filter((view): view is ScheduleView => view !== undefined);
    },
    pause,
    resume,
    remove,
    async apply(command) {
      switch (command.action) {
        case 'add':
          return put(command.schedule, command.replace ? 'replace' : 'add');
        case 'pause':
          return pause(command.name);
        case 'resume':
          return resume(command.name);
        case 'remove':
          return remove(command.name);
      }
    },
    runDue: runner.runDue,
    async nextDue() {
      const first = await call('the next due schedule', () =>
        client.zRangeWithScores(keys.due, 0, 0),
      );
      return first[0]?.score;
    },
    async recordOutcome(event) {
      const owner = parseScheduleCommandId(event.command_id);
      if (!owner) return false;
      const status =
        event.event === 'completed'
          ? 'completed'
          : event.event === 'failed'
            ? `failed:${event.error?.code ?? 'UNKNOWN'}`
            : event.event === 'started'
              ? 'running'
              : undefined;
      if (status === undefined) return false;
      const recorded = await call('an outcome', () =>
        outcomeScript.run(client, [keys.outcome(owner.name)], [event.command_id, status]),
      );
      return recorded === 1;
    },
    stats: runner.stats,
  };
}

function notFound(name: string): TgfetchError {
  return redisError(ScheduleStoreErrorCode.SCHEDULE_NOT_FOUND, `no schedule is named "${name}"`);
}
