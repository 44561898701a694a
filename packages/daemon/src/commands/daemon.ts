import {
  type CommandQueue,
  createWorker,
  type Delivery,
  type FetchOutcome,
  type RetryNotice,
  type TgfetchError,
  type Worker,
} from '@tgfetch/core';
import {
  createCommandQueue,
  createRedisChatLock,
  createRedisEventSink,
  createStreamCommandQueue,
  openConnection,
} from '@tgfetch/redis-transport';
import type { FlagsOf } from '../cli/flags.js';
import type { Config } from '../config.js';
import { passwordOf, proxySecrets, redactUrl } from '../config.js';
import { type CliContext, configFor } from '../context.js';
import { createLogger, type Logger, logFatal } from '../logger.js';
import { createMetrics, type Metrics, serveMetrics } from '../metrics.js';
import { watchRedisMarker } from '../redis-marker.js';
import { onShutdownSignals } from '../signals.js';
import { openSource } from '../sources.js';
import { openStore } from '../stores.js';

/**
 * The reference daemon: commands from Redis, days into the data directory, events back on
 * Redis. First SIGTERM/SIGINT: stop taking commands, give the running ones
 * SHUTDOWN_GRACE_MS, then abort them (they go back to the queue, nothing half-written);
 * exit 0. Second signal: abort at once. Redis gone longer than REDIS_MAX_OUTAGE_MS: exit 3.
 */
export async function daemonCommand(flags: FlagsOf<'daemon'>, ctx: CliContext): Promise<number> {
  const config = configFor(
    ctx,
    { telegram: true, redis: true, service: true, store: true },
    { TGFETCH_SOURCE: flags.source, DATA_DIR: flags['data-dir'], STORE: flags.store },
    flags['env-file'],
  );
  const logger = createLogger({
    level: config.LOG_LEVEL,
    secrets: [
      config.TELEGRAM_SESSION,
      config.TELEGRAM_API_HASH,
      config.REDIS_PASSWORD,
      config.METRICS_TOKEN,
      passwordOf(config.redisUrl),
      ...proxySecrets(config.TELEGRAM_PROXY),
      passwordOf(config.DATABASE_URL),
    ],
    destination: ctx.stdout,
    format: logFormat(config.LOG_FORMAT, ctx.stdout),
  });
  const metrics = createMetrics();
  const started = Date.now();
  const redisOptions = {
    url: config.redisUrl,
    maxOutageMs: config.REDIS_MAX_OUTAGE_MS,
    replyTimeoutMs: config.REDIS_REPLY_TIMEOUT_MS,
    onError: (error: TgfetchError) =>
      logger.warn({ error_type: error.code, err: error.message }, 'redis connection problem'),
  };
  const cleanups: Array<() => Promise<unknown>> = [];
  const cleanup = async () => {
    for (const fn of cleanups.reverse())
      await fn().catch((e: unknown) => logger.warn({ err: String(e) }, 'cleanup failed'));
  };
  const shutdown = shutdownPlan(config.SHUTDOWN_GRACE_MS);
  let worker: Worker | undefined;
  let stopping: Promise<void> | undefined;
  // The first signal also arms a watchdog: the process ends within the grace period even
  // when a library (a gramjs timer, a socket to a frozen Redis) would hold it.
  const stopSignals = onShutdownSignals({
    graceMs: config.SHUTDOWN_GRACE_MS,
    exitCode: EXIT_STOPPED,
    first: (signal) => {
      logger.info(
        { signal, grace_ms: config.SHUTDOWN_GRACE_MS, ready: worker !== undefined },
        worker
          ? 'stopping: no new commands, finishing the ones in hand'
          : 'stopping before ready: nothing was taken',
      );
      shutdown.begin();
      stopping = worker?.stop({ graceMs: shutdown.runningMs });
    },
    second: (signal) => {
      logger.warn({ signal }, 'stopping now: running commands go back to the queue');
      shutdown.now();
      stopping = worker?.stop({ graceMs: 0 });
    },
  });
  /** A start-up step that a signal cuts short; what it opens late is closed again. */
  const step = async <T extends { close(): Promise<void> }>(opening: Promise<T>): Promise<T> => {
    const outcome = await Promise.race([opening, shutdown.requested]);
    if (outcome === 'stop') {
      opening.then((late) => late.close()).catch(() => {});
      throw stoppedBeforeReady;
    }
    cleanups.push(() => outcome.close());
    return outcome;
  };
  try {
    const events = await step(
      createRedisEventSink({
        ...redisOptions,
        channel: config.EVENTS_CHANNEL,
        stream: config.EVENTS_STREAM,
        streamEnabled: config.EVENTS_STREAM !== '' && config.EVENTS_STREAM_MAXLEN > 0,
        maxLen: config.EVENTS_STREAM_MAXLEN,
        legacy: config.LEGACY_EVENTS,
      }),
    );
    const connection = await step(openConnection(redisOptions));
    const queue = await step(openQueue(config, redisOptions));
    const opened = await step(openSource(config.TGFETCH_SOURCE, config));
    const stored = await step(
      openStore(config, ctx.cwd, {
        chatLockWaitMs: 0,
        onLockLost: (chat) => logger.warn({ chat }, 'chat lock lost with its database connection'),
        onError: (error) => logger.warn({ err: error.message }, 'database connection problem'),
        onCorruptFile: (notice) =>
          logger.warn(
            { file: notice.file, moved_to: notice.movedTo, err: notice.reason },
            'corrupt file moved aside; its day is fetched again',
          ),
      }),
    );
    const stopMarker = await watchRedisMarker({
      client: connection.client,
      key: `${config.QUEUE_NAME}:marker:${config.workerId}`,
      onLost: () => {
        metrics.inc('tgfetch_redis_data_lost_total');
        logger.error(
          { error_type: 'REDIS_DATA_LOST', redis: redactUrl(config.redisUrl) },
          'Redis came back without its data (restarted empty?): queued commands and locks were lost; push them again',
        );
      },
    });
    cleanups.push(async () => stopMarker());
    // Never waits on a chat another worker holds: the command goes back and the slot takes other work.
    // PostgreSQL's advisory locks are shared with `tgfetch fetch --store postgres` too.
    const lock =
      stored.kind === 'postgres'
        ? stored.lock
        : createRedisChatLock({
            client: connection.client,
            ttlMs: config.CHAT_LOCK_TTL_MS,
            waitMs: 0,
          });
    const health = () => ({
      ok: queue.isReady && connection.state() === 'ready',
      redis: queue.state(),
      source: opened.kind,
      worker_id: config.workerId,
      uptime_sec: Math.round((Date.now() - started) / 1000),
    });
    if (config.METRICS_PORT > 0) {
      const server = await serveMetrics(metrics, {
        port: config.METRICS_PORT,
        host: config.METRICS_HOST,
        token: config.METRICS_TOKEN,
        healthy: health,
      });
      cleanups.push(() => server.close());
    }
    const sampler = sampleQueue(metrics, queue);
    cleanups.push(async () => clearInterval(sampler));
    if (shutdown.begun) throw stoppedBeforeReady;

    worker = createWorker({
      queue,
      ports: {
        source: opened.source,
        store: stored.store,
        progress: stored.progress,
        events,
        lock,
      },
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
      onSettledLate: (delivery, attempts) => {
        metrics.inc('tgfetch_commands_settled_late_total');
        logger.warn({ delivery: delivery.id, attempts }, 'command settled once Redis answered');
      },
    });
    logger.info(
      {
        worker_id: config.workerId,
        redis: redactUrl(config.redisUrl),
        queue: config.QUEUE_NAME,
        mode: config.QUEUE_MODE,
        source: opened.kind,
        store: stored.where,
        concurrency: config.FETCH_CONCURRENCY,
        startup_ms: Date.now() - started,
      },
      'ready',
    );

    try {
      await Promise.race([worker.done, shutdown.deadline]);
      // Whatever Redis does, the process ends within the grace period: what was in hand
      // and not handed back comes back to others through the visibility timeout.
      if ((await Promise.race([stopping, shutdown.deadline])) === 'deadline') {
        logger.warn('grace period over: leaving what is still in hand to the visibility timeout');
      }
      logger.info('stopped');
      return 0;
    } catch (error) {
      return logFatal(logger, error, 'giving up');
    }
  } catch (error) {
    if (error === stoppedBeforeReady) {
      logger.info('stopped before ready');
      return EXIT_STOPPED;
    }
    return logFatal(logger, error, 'could not start');
  } finally {
    // Removed only after cleanup: a signal while closing must not meet Node's default (143).
    await Promise.race([cleanup(), shutdown.cleanupDeadline()]);
    stopSignals();
    logger.flush();
  }
}

/** A signal before the daemon was ready: it stops like a ready one, having taken nothing. */
const stoppedBeforeReady = new Error('stopped before ready');
/** Exit code of a daemon stopped by SIGTERM/SIGINT, ready or not. */
export const EXIT_STOPPED = 0;

/**
 * How the grace period is spent: running commands get most of it, then they are aborted
 * and handed back; at the end of it the daemon stops waiting (a frozen Redis may never
 * answer) and closes what it holds in what is left.
 */
function shutdownPlan(graceMs: number) {
  const reserve = Math.min(1_000, graceMs / 2);
  let begun = false;
  let request = (_: 'stop') => {};
  const requested = new Promise<'stop'>((resolve) => {
    request = resolve;
  });
  let expire = (_: 'deadline') => {};
  const deadline = new Promise<'deadline'>((resolve) => {
    expire = resolve;
  });
  let timer: NodeJS.Timeout | undefined;
  return {
    requested,
    deadline,
    get begun() {
      return begun;
    },
    /** Running commands may run this long after the signal. */
    runningMs: Math.max(0, graceMs - reserve),
    begin() {
      begun = true;
      request('stop');
      timer = setTimeout(() => expire('deadline'), Math.max(0, graceMs - reserve / 2));
    },
    now() {
      begun = true;
      request('stop');
      clearTimeout(timer);
      timer = setTimeout(() => expire('deadline'), Math.min(reserve / 2, 500));
    },
    /** Closing waits at most this (10 s when no signal came: a fatal error or the end). */
    cleanupDeadline(): Promise<void> {
      // A quarter of the reserve, leaving the last for the process to end (see bin/tgfetch.js).
      const ms = begun ? Math.max(50, reserve / 4) : 10_000;
      return new Promise((resolve) => setTimeout(resolve, ms).unref());
    },
  };
}

async function openQueue(
  config: Config,
  redis: {
    url: string;
    maxOutageMs: number;
    replyTimeoutMs: number;
    onError: (e: TgfetchError) => void;
  },
): Promise<CommandQueue> {
  const common = {
    ...redis,
    workerId: config.workerId,
    maxDeliveries: config.MAX_DELIVERIES,
    visibilityMs: config.QUEUE_VISIBILITY_MS,
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

function sampleQueue(metrics: Metrics, queue: CommandQueue): ReturnType<typeof setInterval> {
  const timer = setInterval(() => {
    metrics.set('tgfetch_redis_connected', queue.isReady ? 1 : 0);
    // A failed sample keeps the last value: the connection problem is logged by its own path.
    queue.length().then(
      (n) => metrics.set('tgfetch_queue_length', n),
      () => {},
    );
    queue.deadLength().then(
      (n) => metrics.set('tgfetch_queue_dead_letters', n),
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
