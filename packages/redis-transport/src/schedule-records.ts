import type { Schedule } from '@tgfetch/core';
import { redisError, ScheduleStoreErrorCode } from './errors.js';

/** The keys of a schedule store, all under its prefix. */
export function scheduleKeys(prefix: string) {
  return {
    schedule: (name: string) => `${prefix}schedule:${name}`,
    outcome: (name: string) => `${prefix}outcome:${name}`,
    due: `${prefix}due`,
    names: `${prefix}names`,
  };
}
export type ScheduleKeys = ReturnType<typeof scheduleKeys>;

/** The last run of a schedule: the tick it ran and what it pushed. */
export interface ScheduleRun {
  /** Epoch ms of the tick (the latest one due when it ran). */
  tick: number;
  /** When its commands were pushed, epoch ms (the pushing scheduler's clock). */
  pushedAt: number;
  commandIds: string[];
  /** Earlier due ticks this run stood for (counted up to 1000). */
  missed: number;
}

export type CommandStatus = 'pending' | 'running' | 'completed' | 'failed';

/**
 * How the last run went, from its commands' events: `pending` while any has not ended,
 * else `failed` when any failed, else `completed`.
 */
export interface ScheduleOutcome {
  status: 'pending' | 'completed' | 'failed';
  /** Each command of the run: its status, and the error code of a failed one. */
  commands: Array<{ commandId: string; status: CommandStatus; code?: string }>;
}

/** A schedule as stored, with what it did and will do. */
export interface ScheduleView {
  schedule: Schedule;
  /** Its next tick, epoch ms; `undefined` while paused. */
  nextTick: number | undefined;
  /** When it is due: the next tick plus the schedule's jitter. `undefined` while paused. */
  dueAt: number | undefined;
  lastRun: ScheduleRun | undefined;
  lastOutcome: ScheduleOutcome | undefined;
  /** Bumped by every change (add, update, pause, resume); a tick does not change it. */
  revision: number;
  createdAt: number;
  updatedAt: number;
}

/** Reads a stored schedule hash; `undefined` for an empty one (gone). Throws on a corrupt one. */
export function decodeSchedule(
  name: string,
  hash: Record<string, string>,
  outcome: Record<string, string> | undefined,
  offset: number,
): ScheduleView | undefined {
  if (hash.spec === undefined) return undefined;
  let spec: Schedule;
  try {
    spec = JSON.parse(hash.spec) as Schedule;
  } catch {
    throw corrupt(name, 'spec');
  }
  const paused = hash.paused === '1';
  const next = paused ? undefined : numberField(name, hash, 'next');
  return {
    schedule: { ...spec, paused },
    nextTick: next,
    dueAt: next === undefined ? undefined : next + offset,
    lastRun: hash.last_tick === undefined ? undefined : lastRun(name, hash),
    lastOutcome: outcome === undefined ? undefined : summarise(hash, outcome),
    revision: numberField(name, hash, 'rev'),
    createdAt: numberField(name, hash, 'created'),
    updatedAt: numberField(name, hash, 'updated'),
  };
}

function lastRun(name: string, hash: Record<string, string>): ScheduleRun {
  let ids: unknown;
  try {
    ids = JSON.parse(hash.last_ids ?? '[]');
  } catch {
    throw corrupt(name, 'last_ids');
  }
  return {
    tick: numberField(name, hash, 'last_tick'),
    pushedAt: numberField(name, hash, 'last_pushed'),
    commandIds: Array.isArray(ids) ? ids.map(String) : [],
    missed: Number(hash.last_missed ?? 0),
  };
}

function summarise(
  hash: Record<string, string>,
  outcome: Record<string, string>,
): ScheduleOutcome | undefined {
  if (hash.last_ids === undefined) return undefined;
  const ids: string[] = JSON.parse(hash.last_ids);
  const commands = ids.map((commandId) => {
    const raw = outcome[commandId] ?? 'pending';
    const [status, code] = raw.split(':', 2) as [CommandStatus, string | undefined];
    return code === undefined ? { commandId, status } : { commandId, status, code };
  });
  const open = commands.some((c) => c.status === 'pending' || c.status === 'running');
  const failed = commands.some((c) => c.status === 'failed');
  return { status: open ? 'pending' : failed ? 'failed' : 'completed', commands };
}

function numberField(name: string, hash: Record<string, string>, field: string): number {
  const value = Number(hash[field]);
  if (!Number.isFinite(value)) throw corrupt(name, field);
  return value;
}

function corrupt(name: string, field: string) {
  return redisError(
    ScheduleStoreErrorCode.SCHEDULE_CORRUPT,
    `the stored schedule "${name}" has an unreadable ${field}: remove it and add it again`,
  );
}
