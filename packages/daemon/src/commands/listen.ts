import type { FetchEvent } from '@tgfetch/core';
import { subscribeEvents } from '@tgfetch/redis-transport';
import type { CliContext } from '../cli/context.js';
import type { FlagsOf } from '../cli/flags.js';
import { redisClientSettings, reportRedisProblems } from '../compose/redis-client.js';
import { onShutdownSignals } from '../process/signals.js';
import { eventsGroup } from '../settings/events.js';
import { redisGroup } from '../settings/redis.js';
import { shutdownGroup } from '../settings/shutdown.js';
import { dayText } from '../terminal/progress-display.js';

/** What `listen` reads. */
export const listenSettings = [redisGroup, eventsGroup, shutdownGroup] as const;

/** Prints events until interrupted: one readable line each, or the event's JSON with `--json`. */
export async function listenCommand(flags: FlagsOf<'listen'>, ctx: CliContext): Promise<number> {
  const { events, redis, shutdown } = redisClientSettings(flags, ctx, listenSettings);
  const subscription = await subscribeEvents(
    (event) => ctx.stdout.write(`${flags.json ? JSON.stringify(event) : formatEvent(event)}\n`),
    {
      url: redis.url,
      channel: events.EVENTS_CHANNEL,
      maxOutageMs: redis.REDIS_MAX_OUTAGE_MS,
      onError: reportRedisProblems(ctx),
      filter: {
        ...(flags['filter-chat'] ? { chat: flags['filter-chat'] } : {}),
        ...(flags['filter-command-id'] ? { command_id: flags['filter-command-id'] } : {}),
      },
    },
  );
  if (!flags.json) ctx.stderr.write(`listening on ${events.EVENTS_CHANNEL} (Ctrl-C to stop)\n`);
  let stop = () => {};
  await new Promise<void>((resolve) => {
    stop = onShutdownSignals({
      first: () => resolve(),
      graceMs: shutdown.SHUTDOWN_GRACE_MS,
      exitCode: 0,
    });
  });
  await subscription.close();
  stop();
  return 0;
}

/** One readable line per event. */
export function formatEvent(event: FetchEvent): string {
  const head = `${event.ts} ${event.event.padEnd(9)} ${event.requested_chat ?? event.chat ?? '-'} ${event.command_id}`;
  switch (event.event) {
    case 'started':
      return `${head} ${event.dates.length} day(s)`;
    case 'progress':
      return `${head} ${event.date} ${dayText(event)}`;
    case 'completed':
      return `${head} ${event.processed} messages in ${event.days.length} day(s), ${event.duration_sec}s`;
    case 'failed':
      return `${head} ${event.error.code}: ${event.error.message}`;
  }
}
