import { type CommandQueue, createWorker, type Worker } from '@tgfetch/core';
import { withScheduleOutcomes } from '@tgfetch/redis-transport';
import type { CliContext } from '../cli/context.js';
import { EXIT } from '../cli/exit-codes.js';
import { type FlagsOf, flagSettings } from '../cli/flags.js';
import { openDaemonParts } from '../compose/parts.js';
import { openSchedules } from '../compose/redis.js';
import { runOptions } from '../compose/run-options.js';
import { watchRedisMarker } from '../daemon/redis-marker.js';
import { workerReports } from '../daemon/reporting.js';
import { shutdownPlan } from '../daemon/shutdown-plan.js';
import { backgroundFollow } from '../follow/background.js';
import { createLifetime, StoppedBeforeReady } from '../process/lifetime.js';
import { createLogger, logFatal } from '../process/logger.js';
import { DAEMON_METRICS, type DaemonMetricName } from '../process/metric-declarations.js';
import { createMetrics, type Metrics, serveMetrics } from '../process/metrics.js';
import { onShutdownSignals } from '../process/signals.js';
import { scheduleHandler } from '../schedules/commands.js';
import { schedulerReports } from '../schedules/reports.js';
import { runScheduler } from '../schedules/scheduler.js';
import { daysGroup } from '../settings/days.js';
import { settingsFor } from '../settings/environment.js';
import { eventsGroup } from '../settings/events.js';
import { followGroup } from '../settings/follow.js';
import { secretValues, type ValuesOf } from '../settings/index.js';
import { queueGroup } from '../settings/queue.js';
import { redactUrl } from '../settings/redact.js';
import { redisGroup } from '../settings/redis.js';
import { runGroup } from '../settings/run.js';
import { schedulesGroup } from '../settings/schedules.js';
import { serviceGroup } from '../settings/service.js';
import { shutdownGroup } from '../settings/shutdown.js';
import { sourceGroup } from '../settings/source.js';
import { storeGroup } from '../settings/store.js';
import { workerGroup } from '../settings/worker.js';

/** What `daemon` reads; the source and the store chosen bring in their own groups. */
export const daemonSettings = [
  sourceGroup,
  daysGroup,
  runGroup,
  workerGroup,
  storeGroup,
  redisGroup,
  queueGroup,
  eventsGroup,
  followGroup,
  schedulesGroup,
  serviceGroup,
  shutdownGroup,
] as const;

/**
 * The reference daemon: commands from Redis, days into the data directory, events back on
 * Redis; the ticks of due schedules pushed onto the queue (SCHEDULER). First SIGTERM/SIGINT:
 * stop taking commands and pushing ticks, give the running ones
 * SHUTDOWN_GRACE_MS, then abort them (they go back to the queue, nothing half-written);
 * exit 0. Second signal: abort at once. Redis gone longer than REDIS_MAX_OUTAGE_MS: exit 3.
 */
export async function daemonCommand(flags: FlagsOf<'daemon'>, ctx: CliContext): Promise<number> {
  const settings = settingsFor(ctx, daemonSettings, flagSettings(flags), flags['env-file']);
  const { queue: queueSettings, redis: redisSettings, service, worker: workerSettings } = settings;
  const graceMs = settings.shutdown.SHUTDOWN_GRACE_MS;
  const logger = createLogger({
    level: service.LOG_LEVEL,
    secrets: secretValues(settings),
    destination: ctx.stdout,
    format: logFormat(service.LOG_FORMAT, ctx.stdout),
  });
  const metrics = createMetrics(DAEMON_METRICS);
  // Nothing in hand and no Telegram yet, until the worker and the source say otherwise.
  metrics.set('tgfetch_commands_in_progress', 0);
  metrics.set('tgfetch_telegram_connected', 0);
  const reports = workerReports(logger, metrics);
  const started = Date.now();
  const shutdown = shutdownPlan(graceMs);
  // What a signal during start-up cuts short is closed again; the rest closes at the end.
  const lifetime = createLifetime({
    stopped: shutdown.requested,
    onCloseError: (e) => logger.warn({ err: String(e) }, 'cleanup failed'),
  });
  let worker: Worker | undefined;
  let stopping: Promise<void> | undefined;
  // Live follow and the scheduler stop with the first signal, like taking commands.
  const following = new AbortController();
  const scheduling = new AbortController();
  // The first signal also arms a watchdog: the process ends within the grace period even
  // when a library (a gramjs timer, a socket to a frozen Redis) would hold it.
  const stopSignals = onShutdownSignals({
    graceMs,
    exitCode: EXIT.ok,
    first: (signal) => {
      logger.info(
        { signal, grace_ms: graceMs, ready: worker !== undefined },
        worker
          ? 'stopping: no new commands, finishing the ones in hand'
          : 'stopping before ready: nothing was taken',
      );
      shutdown.begin();
      following.abort();
      scheduling.abort();
      stopping = worker?.stop({ graceMs: shutdown.runningMs });
    },
    second: (signal) => {
      logger.warn({ signal }, 'stopping now: running commands go back to the queue');
      shutdown.now();
      stopping = worker?.stop({ graceMs: 0 });
    },
  });
  try {
    const { redis, queue, source, store, ports, lock, events } = await openDaemonParts(
      settings,
      lifetime,
      {
        cwd: ctx.cwd,
        onConnectionState: (state) =>
          metrics.set('tgfetch_telegram_connected', state === 'connected' ? 1 : 0),
        onRedisError: (error) =>
          logger.warn({ error_type: error.code, err: error.message }, 'redis connection problem'),
        onRateMemoryError: (error) =>
          logger.warn(
            { err: error instanceof Error ? error.message : String(error) },
            'the learned request rate could not be read or saved; pacing goes on without it',
          ),
        storeHooks: {
          onLockLost: (chat) =>
            logger.warn({ chat }, 'chat lock lost with its database connection'),
          onError: (error) => logger.warn({ err: error.message }, 'database connection problem'),
          onCorruptFile: (notice) =>
            logger.warn(
              { file: notice.file, moved_to: notice.movedTo, err: notice.reason },
              'corrupt file moved aside; its day is fetched again',
            ),
        },
      },
    );
    lifetime.defer(
      await watchRedisMarker({
        client: redis.client,
        key: `${queueSettings.QUEUE_NAME}:marker:${workerSettings.WORKER_ID}`,
        onLost: () => {
          metrics.inc('tgfetch_redis_data_lost_total');
          logger.error(
            { error_type: 'REDIS_DATA_LOST', redis: redactUrl(redisSettings.url) },
            'Redis came back without its data (restarted empty?): queued commands and locks were lost; push them again',
          );
        },
      }),
    );
    if (service.METRICS_PORT > 0) {
      await lifetime.open(
        serveMetrics(metrics, {
          port: service.METRICS_PORT,
          host: service.METRICS_HOST,
          token: service.METRICS_TOKEN,
          healthy: () => ({
            ok: queue.isReady && redis.state() === 'ready',
            redis: queue.state(),
            source: source.kind,
            worker_id: workerSettings.WORKER_ID,
            uptime_sec: Math.round((Date.now() - started) / 1000),
          }),
        }),
      );
    }
    const follow = backgroundFollow(
      {
        source,
        store,
        lock,
        client: redis.client,
        chats: settings.follow.chats,
        pollMs: settings.follow.FOLLOW_POLL_MS,
        leaseTtlMs: settings.follow.FOLLOW_LEASE_TTL_MS,
        timeZone: settings.days.TGFETCH_TZ,
        events,
        workerId: workerSettings.WORKER_ID,
        log: logger,
      },
      following.signal,
    );
    lifetime.defer(async () => {
      following.abort();
      await follow.done();
    });
    const sampler = sampleQueue(metrics, queue);
    lifetime.defer(() => clearInterval(sampler));
    const schedules = openSchedules(settings, redis.client);
    const scheduleReports = schedulerReports(logger, metrics, settings.schedules.SCHEDULE_LATE_MS);
    if (shutdown.begun) throw new StoppedBeforeReady();

    worker = createWorker({
      queue,
      // Outcomes of scheduled commands reach their schedule from the events they publish.
      ports: {
        ...ports,
        events: withScheduleOutcomes(ports.events, schedules, scheduleReports.onOutcomeError),
      },
      concurrency: service.FETCH_CONCURRENCY,
      handlers: {
        ...follow.handlers,
        schedule: scheduleHandler({
          schedules,
          events: ports.events,
          workerId: workerSettings.WORKER_ID,
          log: logger,
        }),
      },
      runOptions: runOptions(settings, reports.onRetry),
      onOutcome: reports.onOutcome,
      onError: reports.onError,
      onSettledLate: reports.onSettledLate,
      onHeldChange: reports.onHeldChange,
    });
    if (settings.schedules.SCHEDULER) {
      const scheduler = runScheduler(
        {
          schedules,
          events,
          publishTimeoutMs: redisSettings.REDIS_REPLY_TIMEOUT_MS,
          onResult: scheduleReports.onResult,
          onError: scheduleReports.onError,
        },
        scheduling.signal,
      );
      lifetime.defer(async () => {
        scheduling.abort();
        await scheduler;
      });
    }
    logger.info(
      {
        worker_id: workerSettings.WORKER_ID,
        redis: redactUrl(redisSettings.url),
        queue: queueSettings.QUEUE_NAME,
        mode: queueSettings.QUEUE_MODE,
        source: source.kind,
        store: store.where,
        concurrency: service.FETCH_CONCURRENCY,
        scheduler: settings.schedules.SCHEDULER,
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
      return EXIT.ok;
    } catch (error) {
      return logFatal(logger, error, 'giving up');
    }
  } catch (error) {
    if (error instanceof StoppedBeforeReady) {
      logger.info('stopped before ready');
      return EXIT.ok;
    }
    return logFatal(logger, error, 'could not start');
  } finally {
    // Removed only after cleanup: a signal while closing must not meet Node's default (143).
    await Promise.race([lifetime.close(), shutdown.cleanupDeadline()]);
    stopSignals();
    logger.flush();
  }
}

function sampleQueue(
  metrics: Metrics<DaemonMetricName>,
  queue: CommandQueue,
): ReturnType<typeof setInterval> {
  const sample = () => {
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
  };
  // At once too: a scrape right after start sees the queue rather than no sample.
  sample();
  const timer = setInterval(sample, 5_000);
  timer.unref();
  return timer;
}

/** `auto`: readable on a terminal, JSON for log collectors. */
function logFormat(
  setting: ValuesOf<'service'>['LOG_FORMAT'],
  out: { isTTY?: boolean },
): 'json' | 'pretty' {
  if (setting === 'auto') return out.isTTY ? 'pretty' : 'json';
  return setting;
}
