import { errorInfo } from '@tgfetch/core';
import { createCommandClient } from '@tgfetch/redis-transport';
import { commandFromFlags, UsageError } from '../cli/args.js';
import type { CliContext } from '../cli/context.js';
import { EXIT, exitCodeFor } from '../cli/exit-codes.js';
import type { FlagsOf } from '../cli/flags.js';
import { redisClientSettings, reportRedisProblems } from '../compose/redis-client.js';
import { onShutdownSignals } from '../process/signals.js';
import { daysGroup } from '../settings/days.js';
import { eventsGroup } from '../settings/events.js';
import { queueGroup } from '../settings/queue.js';
import { redisGroup } from '../settings/redis.js';
import { shutdownGroup } from '../settings/shutdown.js';
import { formatEvent } from './listen.js';

/** What `send` reads. */
export const sendSettings = [
  redisGroup,
  queueGroup,
  eventsGroup,
  daysGroup,
  shutdownGroup,
] as const;

/**
 * Pushes a command built from the flags onto the queue. With `--wait`, waits for its
 * `completed` or `failed` event, prints it, and exits 0 or 1 to match; at `--timeout` or on
 * Ctrl-C it says the command is still queued (exit 4 or 130).
 */
export async function sendCommand(flags: FlagsOf<'send'>, ctx: CliContext): Promise<number> {
  const { days, events, queue, redis, shutdown } = redisClientSettings(flags, ctx, sendSettings);
  const { wire } = commandFromFlags(flags, {
    now: Date.now(),
    timeZone: days.TGFETCH_TZ,
    defaultStrategy: days.FETCH_STRATEGY,
  });
  const timeoutSec = flags.timeout === undefined ? 3600 : Number(flags.timeout);
  if (!Number.isFinite(timeoutSec) || timeoutSec <= 0)
    throw new UsageError('--timeout must be a positive number of seconds');
  const client = await createCommandClient({
    url: redis.url,
    // The daemon reads QUEUE_NAME as a list or as a stream: push where it reads.
    transport: queue.QUEUE_MODE,
    queue: queue.QUEUE_NAME,
    stream: queue.QUEUE_NAME,
    channel: events.EVENTS_CHANNEL,
    maxOutageMs: redis.REDIS_MAX_OUTAGE_MS,
    replyTimeoutMs: redis.REDIS_REPLY_TIMEOUT_MS,
    maxQueueLength: queue.MAX_QUEUE_LENGTH,
    maxCommandDays: queue.MAX_COMMAND_DAYS,
    onError: reportRedisProblems(ctx),
  });
  try {
    if (!flags.wait) {
      const id = await client.send(wire);
      ctx.stdout.write(flags.json ? `${JSON.stringify({ command_id: id })}\n` : `${id}\n`);
      return EXIT.ok;
    }
    const controller = new AbortController();
    const stopSignals = onShutdownSignals({
      first: () => controller.abort(),
      second: () => controller.abort(),
      graceMs: shutdown.SHUTDOWN_GRACE_MS,
      exitCode: EXIT.interrupted,
    });
    try {
      const done = await client.run(wire, {
        timeout: timeoutSec * 1000,
        signal: controller.signal,
        onProgress: (event) => {
          if (!flags.json) ctx.stderr.write(`${formatEvent(event)}\n`);
        },
      });
      ctx.stdout.write(flags.json ? `${JSON.stringify(done)}\n` : `${formatEvent(done)}\n`);
      return EXIT.ok;
    } catch (error) {
      const id = String(wire.command_id);
      // Not a failure: the command is on the queue and a daemon will still run it. Resending
      // would run it twice; `tgfetch listen --command-id` follows it.
      const stillQueued = (why: string, code: number) => {
        if (flags.json)
          ctx.stdout.write(`${JSON.stringify({ command_id: id, status: 'queued' })}\n`);
        ctx.stderr.write(
          `${why}: command ${id} is still queued and will run; follow it with \`tgfetch listen --command-id ${id}\` (do not send it again)\n`,
        );
        return code;
      };
      if (controller.signal.aborted) return stillQueued('stopped waiting', EXIT.interrupted);
      if ((error as { code?: string }).code === 'WAIT_TIMEOUT')
        return stillQueued(`no result within ${timeoutSec}s`, EXIT.stillQueued);
      const failed = (error as { event?: unknown }).event;
      if (failed && flags.json) ctx.stdout.write(`${JSON.stringify(failed)}\n`);
      else {
        const info = errorInfo(error);
        ctx.stderr.write(`failed: ${info.code}: ${info.message}\n`);
      }
      return exitCodeFor(error);
    } finally {
      stopSignals();
    }
  } finally {
    await client.close();
  }
}
