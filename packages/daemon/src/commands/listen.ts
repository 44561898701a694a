import {
  type FetchEvent,
  isFetchEvent,
  MAX_MESSAGE_EVENT_BYTES,
  type MessageChangeEvent,
  type ScheduledEvent,
  type UnknownEvent,
  type WireEvent,
} from '@tgfetch/core';
import { subscribeEvents } from '@tgfetch/redis-transport';
import type { CliContext } from '../cli/context.js';
import type { FlagsOf } from '../cli/flags.js';
import { redisClientSettings, reportRedisProblems } from '../compose/redis-client.js';
import { onShutdownSignals } from '../process/signals.js';
import { eventsGroup } from '../settings/events.js';
import { redisGroup } from '../settings/redis.js';
import { shutdownGroup } from '../settings/shutdown.js';
import { dayText } from '../terminal/progress-display.js';
import { lineText } from '../terminal/text.js';

/** What `listen` reads. */
export const listenSettings = [redisGroup, eventsGroup, shutdownGroup] as const;

/**
 * Prints events until interrupted: one readable line each, or the event's JSON with `--json`.
 * Every event of the contract is shown (a command's and a followed chat's); one of a kind
 * this version does not know (a newer daemon's) is shown too, by the fields every event
 * has, rather than dropped.
 */
export async function listenCommand(flags: FlagsOf<'listen'>, ctx: CliContext): Promise<number> {
  const { events, redis, shutdown } = redisClientSettings(flags, ctx, listenSettings);
  const subscription = await subscribeEvents(
    (event) => ctx.stdout.write(`${flags.json ? JSON.stringify(event) : formatEvent(event)}\n`),
    {
      onUnknown: (event) =>
        ctx.stdout.write(
          `${flags.json ? JSON.stringify(event.fields) : formatUnknownEvent(event)}\n`,
        ),
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

/** Longest text a line shows of a message. */
const SHOWN = 80;

/** One readable line per event. */
export function formatEvent(event: WireEvent): string {
  if (isFetchEvent(event)) return formatFetchEvent(event);
  if (event.event === 'scheduled') return formatScheduledEvent(event);
  return formatMessageEvent(event);
}

function formatScheduledEvent(event: ScheduledEvent): string {
  const missed = event.missed > 0 ? `, ${event.missed} missed tick(s) run once` : '';
  return `${event.ts} ${event.event.padEnd(9)} ${event.schedule} tick ${event.tick}: ${event.command_ids.length} command(s) pushed${missed}`;
}

function formatFetchEvent(event: FetchEvent): string {
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

/** A followed chat's change: which message of which day, and the start of its text now. */
function formatMessageEvent(event: MessageChangeEvent): string {
  const of = event.peer ? ` (of ${event.peer.kind} ${event.peer.id})` : '';
  const text = event.message
    ? lineText(event.message.text ?? '', SHOWN)
    : `(over ${MAX_MESSAGE_EVENT_BYTES / 1024} KB: read it from the stored day)`;
  return `${event.ts} ${event.event.padEnd(9)} ${event.chat} #${event.id}${of} ${event.date}${text ? ` ${text}` : ''}`;
}

/** An event this version does not know: its kind, and what every event names, as sent. */
export function formatUnknownEvent({ event, fields }: UnknownEvent): string {
  const field = (name: string) =>
    typeof fields[name] === 'string' ? lineText(fields[name], 128) : '-';
  const chat = field('requested_chat') === '-' ? field('chat') : field('requested_chat');
  const command = typeof fields.command_id === 'string' ? ` ${field('command_id')}` : '';
  return `${field('ts')} ${lineText(event, 64).padEnd(9)} ${chat}${command} (an event this tgfetch does not know: --json prints it whole)`;
}
