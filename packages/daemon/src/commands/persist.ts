import { EXIT } from '../cli/exit-codes.js';
import type { FlagsOf } from '../cli/flags.js';
import { createLifetime } from '../compose/lifetime.js';
import { openPersistParts } from '../compose/parts.js';
import { configSecrets, redactUrl } from '../config.js';
import { type CliContext, ConfigError, configFor } from '../context.js';
import { createLogger, logFatal } from '../logger.js';
import { PERSIST_METRICS } from '../metric-declarations.js';
import { createMetrics, serveMetrics } from '../metrics.js';
import { createPersistWorker } from '../persist/worker.js';
import { onShutdownSignals } from '../signals.js';

/**
 * The persistence worker as a process. First SIGTERM/SIGINT: stop reading, finish the batch
 * in hand within SHUTDOWN_GRACE_MS (else it stays pending for another worker); exit 0.
 * Second signal: stop at once. Redis gone longer than REDIS_MAX_OUTAGE_MS: exit 3.
 */
export async function persistCommand(flags: FlagsOf<'persist'>, ctx: CliContext): Promise<number> {
  const config = configFor(
    ctx,
    { redis: true, service: true, database: true },
    {},
    flags['env-file'],
  );
  const stream = config.MESSAGES_STREAM;
  if (!stream) throw new ConfigError(['MESSAGES_STREAM is required: the stream to persist']);
  const logger = createLogger({
    level: config.LOG_LEVEL,
    secrets: configSecrets(config),
    destination: ctx.stdout,
  });
  const metrics = createMetrics(PERSIST_METRICS);
  const group = config.PERSIST_GROUP;
  const lifetime = createLifetime({
    onCloseError: (e) => logger.warn({ err: String(e) }, 'cleanup failed'),
  });
  try {
    const { reader, sink } = await openPersistParts(config, lifetime, {
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
    if (config.METRICS_PORT > 0) {
      await lifetime.open(
        serveMetrics(metrics, {
          port: config.METRICS_PORT,
          host: config.METRICS_HOST,
          healthy: () => ({ ok: reader.state() === 'ready', redis: reader.state() }),
        }),
      );
    }
    logger.info(
      {
        worker_id: config.workerId,
        redis: redactUrl(config.redisUrl),
        stream,
        group,
        schema: sink.schema,
        batch_size: config.PERSIST_BATCH_SIZE,
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
      graceMs: config.SHUTDOWN_GRACE_MS,
      exitCode: EXIT.ok,
      first: (signal) => {
        logger.info(
          { signal, grace_ms: config.SHUTDOWN_GRACE_MS },
          'stopping: finishing the batch in hand',
        );
        void worker.stop({ graceMs: config.SHUTDOWN_GRACE_MS }).then(stopped);
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
