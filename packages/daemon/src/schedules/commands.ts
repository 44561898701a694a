import {
  type CommandHandlers,
  type EventSink,
  failedEvent,
  type ScheduleCommand,
  toTgfetchError,
} from '@tgfetch/core';
import type { RedisSchedules } from '@tgfetch/redis-transport';

export interface ScheduleHandlerOptions {
  schedules: Pick<RedisSchedules, 'apply'>;
  /** Where a refused command's `failed` event goes (the worker's sink). */
  events: EventSink;
  workerId: string;
  log: { info(fields: object, message: string): void };
}

/**
 * Runs the queue's `schedule` commands on the schedule store. A refusal that trying again
 * cannot change (`SCHEDULE_EXISTS`, `SCHEDULE_NOT_FOUND`, `SCHEDULE_LIMIT`, a schedule whose
 * tick would not fit the queue…) is the command's `failed` event, and the command is done;
 * anything else (Redis away, `SCHEDULE_CHANGED`) rejects, so the command is tried again as a
 * fetch would be.
 */
export function scheduleHandler(
  options: ScheduleHandlerOptions,
): NonNullable<CommandHandlers['schedule']> {
  return async (command) => {
    let outcome: unknown;
    try {
      outcome = await options.schedules.apply(command);
    } catch (error) {
      const e = toTgfetchError(error);
      if (!isFinal(e.code, e.retryable)) throw e;
      await options.events.publish(
        failedEvent({
          command_id: command.command_id,
          chat: null,
          mode: null,
          params: {},
          command: 'schedule',
          error: e,
          errors: 1,
          ts: new Date().toISOString(),
          worker_id: options.workerId,
        }),
      );
      return;
    }
    options.log.info(
      {
        command_id: command.command_id,
        schedule: scheduleName(command),
        action: command.action,
        // `added`, `replaced`, `unchanged`; for pause, resume and remove whether it changed.
        result: typeof outcome === 'boolean' ? (outcome ? 'changed' : 'unchanged') : outcome,
      },
      'schedule command applied',
    );
  };
}

function isFinal(code: string, retryable: boolean): boolean {
  // A tick of more chats than the queue may hold never fits, however often it is tried.
  if (code === 'QUEUE_FULL') return true;
  return !retryable && !code.startsWith('REDIS_') && code !== 'ABORTED';
}

function scheduleName(command: ScheduleCommand): string {
  return command.action === 'add' ? command.schedule.name : command.name;
}
