import type { Delivery, FetchOutcome, RetryNotice, TgfetchError } from '@tgfetch/core';
import type { Logger } from '../process/logger.js';
import type { DaemonMetricName } from '../process/metric-declarations.js';
import type { Metrics as Registry } from '../process/metrics.js';

type Metrics = Registry<DaemonMetricName>;

/**
 * What the daemon tells of its work, as log lines and metrics: each finished command, each
 * wait before a retry, each command that could not be settled, or only late, and how many
 * it holds.
 */
export function workerReports(logger: Logger, metrics: Metrics) {
  return {
    onOutcome: (outcome: FetchOutcome, delivery: Delivery) =>
      onOutcome(outcome, delivery, logger, metrics),
    onRetry: (notice: RetryNotice) => onRetry(notice, logger, metrics),
    onError: (error: TgfetchError, delivery: Delivery) => {
      metrics.inc('tgfetch_errors_total', { code: error.code });
      logger.error(
        { delivery: delivery.id, error_type: error.code, err: error.message },
        'command not settled; it goes back to the queue',
      );
    },
    onSettledLate: (delivery: Delivery, attempts: number) => {
      metrics.inc('tgfetch_commands_settled_late_total');
      logger.warn({ delivery: delivery.id, attempts }, 'command settled once Redis answered');
    },
    onHeldChange: (held: number) => metrics.set('tgfetch_commands_in_progress', held),
  };
}

function onOutcome(outcome: FetchOutcome, delivery: Delivery, logger: Logger, metrics: Metrics) {
  metrics.inc('tgfetch_commands_total', { status: outcome.status });
  metrics.observe('tgfetch_fetch_duration_seconds', outcome.duration_sec, {
    status: outcome.status,
  });
  metrics.inc('tgfetch_messages_fetched_total', {}, outcome.processed);
  const days = outcome.days ?? [];
  const stored = days.filter((d) => d.outcome === 'stored' || d.outcome === 'partial').length;
  metrics.inc('tgfetch_days_stored_total', {}, stored);
  const fields = {
    command_id: outcome.command_id,
    chat: outcome.chat,
    ...(outcome.requested_chat === undefined ? {} : { requested_chat: outcome.requested_chat }),
    mode: outcome.mode,
    duration_ms: Math.round(outcome.duration_sec * 1000),
    processed: outcome.processed,
    days: days.length,
    not_covered: days.filter((d) => d.outcome === 'not_covered').length,
    not_reached: days.filter((d) => d.outcome === 'not_reached').length,
    attempt: delivery.attempt,
  };
  for (const day of days) {
    if (day.repair === undefined) continue;
    logger.warn(
      { command_id: outcome.command_id, chat: outcome.chat, date: day.date, repair: day.repair },
      'day repaired: progress said complete, its stored copy did not agree',
    );
  }
  if (outcome.event === 'completed') logger.info(fields, 'command completed');
  else {
    metrics.inc('tgfetch_errors_total', { code: outcome.error.code });
    logger.warn(
      {
        ...fields,
        error_type: outcome.error.code,
        err: outcome.error.message,
        retryable: outcome.error.retryable,
      },
      'command failed',
    );
  }
}

function onRetry(notice: RetryNotice, logger: Logger, metrics: Metrics) {
  metrics.inc('tgfetch_errors_total', { code: notice.error.code });
  if (notice.error.code === 'FLOOD_WAIT')
    metrics.inc('tgfetch_flood_wait_seconds_total', {}, notice.delayMs / 1000);
  logger.warn(
    {
      command_id: notice.command_id,
      chat: notice.chat,
      error_type: notice.error.code,
      attempt: notice.attempt,
      wait_ms: notice.delayMs,
      until: new Date(notice.until).toISOString(),
    },
    'waiting before retrying',
  );
}
