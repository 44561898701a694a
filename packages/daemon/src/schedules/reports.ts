import type { TgfetchError } from '@tgfetch/core';
import type { RunDueResult } from '@tgfetch/redis-transport';
import type { Logger } from '../process/logger.js';
import type { DaemonMetricName } from '../process/metric-declarations.js';
import type { Metrics } from '../process/metrics.js';
import { schedulerProblem } from './scheduler.js';

/**
 * What the daemon tells of its scheduler, as metrics and log lines: ticks pushed (each a
 * debug line: a busy store pushes many a second), commands, late ones, ticks deferred by a
 * full queue, and every failure (with its code in `tgfetch_errors_total`).
 */
export function schedulerReports(
  logger: Logger,
  metrics: Metrics<DaemonMetricName>,
  lateAfterMs: number,
) {
  const failed = (error: TgfetchError) => metrics.inc('tgfetch_errors_total', { code: error.code });
  return {
    onResult: (result: RunDueResult) => {
      for (const event of result.scheduled) {
        metrics.inc('tgfetch_schedule_ticks_total');
        metrics.inc('tgfetch_schedule_commands_total', {}, event.command_ids.length);
        if (event.late_ms > lateAfterMs) metrics.inc('tgfetch_schedule_ticks_late_total');
        logger.debug(
          {
            schedule: event.schedule,
            tick: event.tick,
            commands: event.command_ids.length,
            missed: event.missed,
            late_ms: event.late_ms,
          },
          'schedule tick pushed',
        );
      }
      if (result.deferred.length > 0) {
        metrics.inc('tgfetch_schedule_ticks_skipped_total', {}, result.deferred.length);
        logger.warn(
          { schedules: result.deferred.slice(0, 10), count: result.deferred.length },
          'queue full (MAX_QUEUE_LENGTH): schedule ticks stay due until it has room',
        );
      }
      for (const { schedule, error } of result.errors) {
        failed(error);
        logger.warn({ schedule, ...schedulerProblem(error) }, 'schedule tick failed');
      }
    },
    onError: (error: TgfetchError, where: 'look' | 'publish') => {
      failed(error);
      logger.warn(
        { ...schedulerProblem(error), where },
        where === 'look'
          ? 'could not look at the due schedules: trying again'
          : 'scheduled event not published (its tick is on the queue)',
      );
    },
    onOutcomeError: (error: TgfetchError) => {
      failed(error);
      logger.warn(schedulerProblem(error), 'outcome of a scheduled command not recorded');
    },
  };
}
