import { errorInfo } from '@tgfetch/core';
import type { CliContext } from '../cli/context.js';
import { EXIT } from '../cli/exit-codes.js';
import { type FlagsOf, flagSettings } from '../cli/flags.js';
import { openStore } from '../compose/stores.js';
import { createLifetime } from '../process/lifetime.js';
import { onShutdownSignals } from '../process/signals.js';
import { consoleGroup } from '../settings/console.js';
import { daysGroup } from '../settings/days.js';
import { environment, settingsFor } from '../settings/environment.js';
import { eventsGroup } from '../settings/events.js';
import { queueGroup } from '../settings/queue.js';
import { redisGroup } from '../settings/redis.js';
import { shutdownGroup } from '../settings/shutdown.js';
import { storeGroup } from '../settings/store.js';

/** What `console` reads: the store, and Redis's queue and events when Redis is configured. */
export const consoleSettings = [
  consoleGroup,
  daysGroup,
  storeGroup,
  redisGroup,
  queueGroup,
  eventsGroup,
  shutdownGroup,
] as const;

/**
 * Serves the console in the browser until Ctrl-C: the queue and workers (with Redis), the
 * stored chats, their coverage, their messages and search. It reads the configuration the
 * daemon reads; without REDIS_URL or REDIS_HOST the queue pages say there is no Redis.
 */
export async function consoleCommand(flags: FlagsOf<'console'>, ctx: CliContext): Promise<number> {
  const env = environment(ctx, flags['env-file']);
  const withRedis = Boolean(env.REDIS_URL || env.REDIS_HOST || env.REDIS_URL_FILE);
  const settings = settingsFor(ctx, consoleSettings, flagSettings(flags), flags['env-file']);
  const lifetime = createLifetime({});
  let stopped!: () => void;
  const stopping = new Promise<void>((resolve) => {
    stopped = resolve;
  });
  const stopSignals = onShutdownSignals({
    first: () => stopped(),
    graceMs: settings.shutdown.SHUTDOWN_GRACE_MS,
    exitCode: EXIT.ok,
  });
  try {
    const [{ startConsole }, transport] = await Promise.all([
      import('@tgfetch/console'),
      import('@tgfetch/redis-transport'),
    ]);
    const store = await lifetime.open(openStore(settings, ctx.cwd));
    const { queue: q, events: e, redis } = settings;
    const queue = withRedis
      ? await lifetime.open(
          transport.createQueueInspector({
            url: redis.url,
            transport: q.QUEUE_MODE,
            queue: q.QUEUE_NAME,
            visibilityMs: q.QUEUE_VISIBILITY_MS,
            maxQueueLength: q.MAX_QUEUE_LENGTH,
            maxCommandDays: q.MAX_COMMAND_DAYS,
            timeZone: settings.days.TGFETCH_TZ,
          }),
        )
      : undefined;
    const events = withRedis
      ? await lifetime.open(transport.openEventLog({ url: redis.url, stream: e.EVENTS_STREAM }))
      : undefined;
    const { CONSOLE_HOST, CONSOLE_PORT, CONSOLE_TOKEN } = settings.console;
    const running = await startConsole({
      store: (store.messages?.direct ?? store.store) as Parameters<typeof startConsole>[0]['store'],
      ...(queue ? { queue } : {}),
      ...(events ? { events } : {}),
      host: CONSOLE_HOST,
      port: CONSOLE_PORT,
      ...(CONSOLE_TOKEN ? { token: CONSOLE_TOKEN } : {}),
      timeZone: settings.days.TGFETCH_TZ,
    });
    lifetime.defer(() => running.close());
    ctx.stderr.write(
      `console on ${running.url} (${store.where}${withRedis ? '' : ', no Redis'}; Ctrl-C to stop)\n`,
    );
    await stopping;
    return EXIT.ok;
  } catch (error) {
    const info = errorInfo(error);
    ctx.stderr.write(`console: ${info.code}: ${info.message}\n`);
    return info.code.startsWith('CONSOLE_') ? EXIT.usage : EXIT.failed;
  } finally {
    await lifetime.close();
    stopSignals();
  }
}
