import type { CliContext } from '../cli/context.js';
import { EXIT } from '../cli/exit-codes.js';
import type { FlagsOf } from '../cli/flags.js';
import { openPersistParts } from '../compose/parts.js';
import { createPersistWorker } from '../persist/worker.js';
import { createLifetime } from '../process/lifetime.js';
import { createLogger, logFatal } from '../process/logger.js';
import { PERSIST_METRICS } from '../process/metric-declarations.js';
import { createMetrics, serveMetrics } from '../process/metrics.js';
import { onShutdownSignals } from '../process/signals.js';
import { ConfigError } from '../settings/config-error.js';
import { databaseGroup } from '../settings/database.js';
import { settingsFor } from '../settings/environment.js';
import { secretValues } from '../settings/index.js';
import { messagesGroup } from '../settings/messages.js';
import { persistGroup } from '../settings/persist.js';
import { queueGroup } from '../settings/queue.js';
import { redactUrl } from '../settings/redact.js';
import { redisGroup } from '../settings/redis.js';
import { serviceGroup } from '../settings/service.js';
import { shutdownGroup } from '../settings/shutdown.js';
import { workerGroup } from '../settings/worker.js';

/** What `persist` reads. */
export const persistSettings = [
  messagesGroup,
  redisGroup,
  queueGroup,
  databaseGroup,
  persistGroup,
  workerGroup,
  serviceGroup,
  shutdownGroup,
] as const;

/**
 * The persistence worker as a process. First SIGTERM/SIGINT: stop reading, finish the batch
 * in hand within SHUTDOWN_GRACE_MS (else it stays pending for another worker); exit 0.
 * Second signal: stop at once. Redis gone longer than REDIS_MAX_OUTAGE_MS: exit 3.
 */
export async function persistCommand(flags: FlagsOf<'persist'>, ctx: CliContext): Promise<number> {
  const settings = settingsFor(ctx, persistSettings, {}, flags['env-file']);
  const { service } = settings;
  const graceMs = settings.shutdown.SHUTDOWN_GRACE_MS;
  const stream = settings.messages.MESSAGES_STREAM;
  if (!stream) throw new ConfigError(['MESSAGES_STREAM is required: the stream to persist']);
  const logger = createLogger({
    level: service.LOG_LEVEL,
    secrets: secretValues(settings),
    destination: ctx.stdout,
  });
  const metrics = createMetrics(PERSIST_METRICS);
  const group = settings.persist.PERSIST_GROUP;
  const lifetime = createLifetime({
    onCloseError: (e) => logger.warn({ err: String(e) }, 'cleanup failed'),
  });
  try {
    const { reader, sink } = await openPersistParts(settings, lifetime, {
      stream,
      onRedisError: (error) =>
        logger.warn({ error_type: error.code, err: error.message }, 'redis connection problem'),
      onDatabaseError: (error) =>
        logger.warn({ err: error.message }, 'database connection problem'),
      onDeadLetter: (id, reason) => {
        metrics.inc('tgfetch_persist_dead_letters_total');
        logger.error({ entry: id, reason }, 'entry moved to the dead-letter stream');
      },
    });
    const worker = createPersistWorker({
      reader,
      sink,
      onBatch: (report) => {
        metrics.inc('tgfetch_persist_total', { status: 'ok' }, report.written);
        metrics.inc('tgfetch_persist_total', { status: 'conflict' }, report.unchanged);
        metrics.observe('tgfetch_persist_latency_seconds', report.upsertSec, {
          operation: 'upsert',
        });
        metrics.observe('tgfetch_persist_latency_seconds', report.ackSec, { operation: 'ack' });
        metrics.observe('tgfetch_persist_latency_seconds', report.batchSec, { operation: 'batch' });
        metrics.observe('tgfetch_persist_batch_size', report.entries);
        logger.debug(report, 'batch persisted');
      },
      onRetry: (error, delayMs) => {
        metrics.inc('tgfetch_persist_total', { status: 'error' });
        logger.warn(
          { error_type: error.code, err: error.message, wait_ms: delayMs },
          'persist retry',
        );
      },
    });
    const sampler = setInterval(() => {
      metrics.set('tgfetch_redis_connected', reader.state() === 'ready' ? 1 : 0);
      reader.pending().then(
        (n) => metrics.set('tgfetch_stream_pending', n, { stream, group }),
        () => undefined,
      );
      sink.ping().then(
        () => metrics.set('tgfetch_database_connected', 1),
        () => metrics.set('tgfetch_database_connected', 0),
      );
    }, 5_000);
    sampler.unref();
    lifetime.defer(() => clearInterval(sampler));
    if (service.METRICS_PORT > 0) {
      await lifetime.open(
        serveMetrics(metrics, {
          port: service.METRICS_PORT,
          host: service.METRICS_HOST,
          healthy: () => ({ ok: reader.state() === 'ready', redis: reader.state() }),
        }),
      );
    }
    logger.info(
      {
        worker_id: settings.worker.WORKER_ID,
        redis: redactUrl(settings.redis.url),
        stream,
        group,
        schema: sink.schema,
        batch_size: settings.persist.PERSIST_BATCH_SIZE,
      },
      'ready',
    );
    let stopped!: () => void;
    const stopRequested = new Promise<void>((resolve) => {
      stopped = resolve;
    });
    // The watchdog ends the process within the grace period even if a connection hangs;
    // an unacknowledged batch stays pending and is claimed by another worker.
    const stopSignals = onShutdownSignals({
      graceMs,
      exitCode: EXIT.ok,
      first: (signal) => {
        logger.info({ signal, grace_ms: graceMs }, 'stopping: finishing the batch in hand');
        void worker.stop({ graceMs }).then(stopped);
      },
      second: (signal) => {
        logger.warn({ signal }, 'stopping now: the batch in hand stays pending');
        void worker.stop({ graceMs: 0 }).then(stopped);
      },
    });
    lifetime.defer(stopSignals);
    try {
      await Promise.race([worker.done, reader.failed, stopRequested]);
      logger.info('stopped');
      return EXIT.ok;
    } catch (error) {
      return logFatal(logger, error, 'giving up');
    }
  } catch (error) {
    return logFatal(logger, error, 'could not start');
  } finally {
    await lifetime.close();
    logger.flush();
  }
}
