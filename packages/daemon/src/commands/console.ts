import { errorInfo } from '@tgfetch/core';
import { EXIT } from '../cli/exit-codes.js';
import type { FlagsOf } from '../cli/flags.js';
import { createLifetime } from '../compose/lifetime.js';
import { openStore } from '../compose/stores.js';
import { type CliContext, configFor, environment } from '../context.js';
import { onShutdownSignals } from '../signals.js';

/**
 * Serves the console in the browser until Ctrl-C: the queue and workers (with Redis), the
 * stored chats, their coverage, their messages and search. It reads the configuration the
 * daemon reads; without REDIS_URL or REDIS_HOST the queue pages say there is no Redis.
 */
export async function consoleCommand(flags: FlagsOf<'console'>, ctx: CliContext): Promise<number> {
  const env = environment(ctx, flags['env-file']);
  const withRedis = Boolean(env.REDIS_URL || env.REDIS_HOST || env.REDIS_URL_FILE);
  const config = configFor(
    ctx,
    { store: true, ...(withRedis ? { redis: true } : {}) },
    { DATA_DIR: flags['data-dir'], STORE: flags.store },
    flags['env-file'],
  );
  const lifetime = createLifetime({});
  let stopped!: () => void;
  const stopping = new Promise<void>((resolve) => {
    stopped = resolve;
  });
  const stopSignals = onShutdownSignals({
    first: () => stopped(),
    graceMs: config.SHUTDOWN_GRACE_MS,
    exitCode: EXIT.ok,
  });
  try {
    const [{ startConsole }, transport] = await Promise.all([
      import('@tgfetch/console'),
      import('@tgfetch/redis-transport'),
    ]);
    const store = await lifetime.open(
      openStore({ ...config, MESSAGES_STREAM: undefined }, ctx.cwd),
    );
    const queue = withRedis
      ? await lifetime.open(
          transport.createQueueInspector({
            url: config.redisUrl,
            transport: config.QUEUE_MODE,
            queue: config.QUEUE_NAME,
            visibilityMs: config.QUEUE_VISIBILITY_MS,
            maxQueueLength: config.MAX_QUEUE_LENGTH,
            maxCommandDays: config.MAX_COMMAND_DAYS,
            timeZone: config.TGFETCH_TZ,
          }),
        )
      : undefined;
    const events = withRedis
      ? await lifetime.open(
          transport.openEventLog({ url: config.redisUrl, stream: config.EVENTS_STREAM }),
        )
      : undefined;
    const running = await startConsole({
      store: store.store as Parameters<typeof startConsole>[0]['store'],
      ...(queue ? { queue } : {}),
      ...(events ? { events } : {}),
      host: config.CONSOLE_HOST,
      port: config.CONSOLE_PORT,
      ...(config.CONSOLE_TOKEN ? { token: config.CONSOLE_TOKEN } : {}),
      timeZone: config.TGFETCH_TZ,
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
