import type { FetchEvent } from '@tgfetch/core';
import { subscribeEvents } from '@tgfetch/redis-transport';
import type { FlagsOf } from '../cli/flags.js';
import type { CliContext } from '../context.js';
import { dayText } from '../progress-display.js';
import { redisClientConfig, reportRedisProblems } from '../redis-problems.js';
import { onShutdownSignals } from '../signals.js';

/** Prints events until interrupted: one readable line each, or the event's JSON with `--json`. */
export async function listenCommand(flags: FlagsOf<'listen'>, ctx: CliContext): Promise<number> {
  const config = redisClientConfig(flags, ctx);
  const subscription = await subscribeEvents(
    (event) => ctx.stdout.write(`${flags.json ? JSON.stringify(event) : formatEvent(event)}\n`),
    {
      url: config.redisUrl,
      channel: config.EVENTS_CHANNEL,
      maxOutageMs: config.REDIS_MAX_OUTAGE_MS,
      onError: reportRedisProblems(ctx),
      filter: {
        ...(flags['filter-chat'] ? { chat: flags['filter-chat'] } : {}),
        ...(flags['filter-command-id'] ? { command_id: flags['filter-command-id'] } : {}),
      },
    },
  );
  if (!flags.json) ctx.stderr.write(`listening on ${config.EVENTS_CHANNEL} (Ctrl-C to stop)\n`);
  let stop = () => {};
  await new Promise<void>((resolve) => {
    stop = onShutdownSignals({
      first: () => resolve(),
      graceMs: config.SHUTDOWN_GRACE_MS,
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
