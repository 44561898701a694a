import { resolve } from 'node:path';
import type { FetchOutcome, RetryNotice, TgfetchError } from '@tgfetch/core';
import { createFsStore } from '@tgfetch/fs-store';
import {
  type CommandQueue,
  createCommandQueue,
  createRedisChatLock,
  createRedisEventSink,
  createStreamCommandQueue,
  createWorker,
  type Delivery,
  openConnection,
} from '@tgfetch/redis-transport';
import type { FlagsOf } from '../cli/flags.js';
import type { Config } from '../config.js';
import { redactUrl } from '../config.js';
import { type CliContext, configFor } from '../context.js';
import { createLogger, type Logger } from '../logger.js';
import { createMetrics, type Metrics, serveMetrics } from '../metrics.js';
import { onShutdownSignals } from '../signals.js';
import { openSource } from '../sources.js';

/**
 * The reference daemon: commands from Redis, days into the data directory, events back on
 * Redis. First SIGTERM/SIGINT: stop taking commands, give the running ones
 * SHUTDOWN_GRACE_MS, then abort them (they go back to the queue, nothing half-written);
 * exit 0. Second signal: abort at once. Redis gone longer than REDIS_MAX_OUTAGE_MS: exit 3.
 */
export async function daemonCommand(flags: FlagsOf<'daemon'>, ctx: CliContext): Promise<number> {
  const config = configFor(
    ctx,
    { telegram: true, redis: true, service: true },
    { TGFETCH_SOURCE: flags.source, DATA_DIR: flags['data-dir'] },
    flags['env-file'],
  );
  const logger = createLogger({
    level: config.LOG_LEVEL,
    secrets: [
      config.TELEGRAM_SESSION,
      config.TELEGRAM_API_HASH,
      config.REDIS_PASSWORD,
      passwordOf(config.redisUrl),
    ],
    destination: ctx.stdout,
    format: logFormat(config.LOG_FORMAT, ctx.stdout),
  });
  const metrics = createMetrics();
  const started = Date.now();
  const redisOptions = {
    url: config.redisUrl,
    maxOutageMs: config.REDIS_MAX_OUTAGE_MS,
    onError: (error: TgfetchError) =>
      logger.warn({ error_type: error.code, err: error.message }, 'redis connection problem'),
  };
  const cleanups: Array<() => Promise<unknown>> = [];
  const cleanup = async () => {
    for (const fn of cleanups.reverse())
      await fn().catch((e: unknown) => logger.warn({ err: String(e) }, 'cleanup failed'));
  };
  try {
    const events = await createRedisEventSink({
      ...redisOptions,
      channel: config.EVENTS_CHANNEL,
      stream: config.EVENTS_STREAM,
      streamEnabled: config.EVENTS_STREAM !== '' && config.EVENTS_STREAM_MAXLEN > 0,
      maxLen: config.EVENTS_STREAM_MAXLEN,
      legacy: config.LEGACY_EVENTS,
    });
    cleanups.push(() => events.close());
    const connection = await openConnection(redisOptions);
    cleanups.push(() => connection.close());
    const queue = await openQueue(config, redisOptions, events);
    cleanups.push(() => queue.close());
    const opened = await openSource(config.TGFETCH_SOURCE, config);
    cleanups.push(() => opened.close());
    const store = createFsStore({
      dataDir: resolve(ctx.cwd, config.DATA_DIR),
      format: config.DATA_FORMAT,
    });
    cleanups.push(() => store.close());
    const lock = createRedisChatLock({ client: connection.client, ttlMs: config.CHAT_LOCK_TTL_MS });
    const health = () => ({
      ok: queue.isReady,
      redis: queue.state(),
      source: opened.kind,
      worker_id: config.workerId,
      uptime_sec: Math.round((Date.now() - started) / 1000),
    });
    if (config.METRICS_PORT > 0) {
      const server = await serveMetrics(metrics, {
        port: config.METRICS_PORT,
        host: config.METRICS_HOST,
        healthy: health,
      });
      cleanups.push(() => server.close());
    }
    const sampler = sampleQueue(config, connection.client, metrics, queue);
    cleanups.push(async () => clearInterval(sampler));

    const worker = createWorker({
      queue,
      ports: { source: opened.source, store, progress: store, events, lock },
      concurrency: config.FETCH_CONCURRENCY,
      runOptions: {
        timeZone: config.TGFETCH_TZ,
        workerId: config.workerId,
        retry: {
          maxFloodWaitSec: config.MAX_FLOOD_WAIT_SEC,
          maxAttempts: config.RETRY_MAX_ATTEMPTS,
        },
        onRetry: (notice) => onRetry(notice, logger, metrics),
      },
      onOutcome: (outcome, delivery) => onOutcome(outcome, delivery, logger, metrics),
      onError: (error, delivery) => {
        metrics.inc('tgfetch_errors_total', { code: error.code });
        logger.error(
          { delivery: delivery.id, error_type: error.code, err: error.message },
          'command not settled; it goes back to the queue',
        );
      },
    });
    logger.info(
      {
        worker_id: config.workerId,
        redis: redactUrl(config.redisUrl),
        queue: config.QUEUE_NAME,
        mode: config.QUEUE_MODE,
        source: opened.kind,
        data_dir: config.DATA_DIR,
        concurrency: config.FETCH_CONCURRENCY,
        startup_ms: Date.now() - started,
      },
      'ready',
    );

    let stopping: Promise<void> | undefined;
    const stopSignals = onShutdownSignals({
      first: (signal) => {
        logger.info(
          { signal, grace_ms: config.SHUTDOWN_GRACE_MS },
          'stopping: no new commands, finishing the ones in hand',
        );
        stopping = worker.stop({ graceMs: config.SHUTDOWN_GRACE_MS });
      },
      second: (signal) => {
        logger.warn({ signal }, 'stopping now: running commands go back to the queue');
        stopping = worker.stop({ graceMs: 0 });
      },
    });
    cleanups.push(async () => stopSignals());
    try {
      await worker.done;
      await stopping;
      logger.info('stopped');
      return 0;
    } catch (error) {
      const code = (error as { code?: string }).code;
      logger.fatal({ error_type: code, err: (error as Error).message }, 'giving up');
      return code === 'REDIS_UNAVAILABLE' ? 3 : 1;
    }
  } catch (error) {
    const code = (error as { code?: string }).code;
    logger.fatal({ error_type: code, err: (error as Error).message }, 'could not start');
    return code === 'REDIS_UNAVAILABLE' ? 3 : 1;
  } finally {
    await cleanup();
    logger.flush();
  }
}

async function openQueue(
  config: Config,
  redis: { url: string; maxOutageMs: number; onError: (e: TgfetchError) => void },
  events: Parameters<typeof createCommandQueue>[0]['events'],
): Promise<CommandQueue> {
  const common = {
    ...redis,
    workerId: config.workerId,
    maxDeliveries: config.MAX_DELIVERIES,
    visibilityMs: config.QUEUE_VISIBILITY_MS,
    ...(events ? { events } : {}),
  };
  return config.QUEUE_MODE === 'stream'
    ? createStreamCommandQueue({ ...common, stream: config.QUEUE_NAME })
    : createCommandQueue({ ...common, queue: config.QUEUE_NAME });
}

function onOutcome(outcome: FetchOutcome, delivery: Delivery, logger: Logger, metrics: Metrics) {
  metrics.inc('tgfetch_commands_total', { status: outcome.status });
  metrics.observe('tgfetch_fetch_duration_seconds', outcome.duration_sec, {
    status: outcome.status,
  });
  metrics.inc('tgfetch_messages_fetched_total', {}, outcome.processed);
  const stored = (outcome.days ?? []).filter((d) => !d.skipped).length;
  metrics.inc('tgfetch_days_stored_total', {}, stored);
  const fields = {
    command_id: outcome.command_id,
    chat: outcome.chat,
    mode: outcome.mode,
    duration_ms: Math.round(outcome.duration_sec * 1000),
    processed: outcome.processed,
    days: outcome.days?.length ?? 0,
    attempt: delivery.attempt,
  };
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

function sampleQueue(
  config: Config,
  client: { lLen(key: string): Promise<number>; xLen(key: string): Promise<number> },
  metrics: Metrics,
  queue: CommandQueue,
): ReturnType<typeof setInterval> {
  const timer = setInterval(() => {
    metrics.set('tgfetch_redis_connected', queue.isReady ? 1 : 0);
    const length =
      config.QUEUE_MODE === 'stream'
        ? client.xLen(config.QUEUE_NAME)
        : client.lLen(config.QUEUE_NAME);
    length.then(
      (n) => metrics.set('tgfetch_queue_length', n),
      () => {},
    );
  }, 5_000);
  timer.unref();
  return timer;
}

/** `auto`: readable on a terminal, JSON for log collectors. */
function logFormat(setting: Config['LOG_FORMAT'], out: { isTTY?: boolean }): 'json' | 'pretty' {
  if (setting === 'auto') return out.isTTY ? 'pretty' : 'json';
  return setting;
}

function passwordOf(url: string): string | undefined {
  try {
    return decodeURIComponent(new URL(url).password) || undefined;
  } catch {
    return undefined;
  }
}
