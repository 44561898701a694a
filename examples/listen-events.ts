/**
 * Listen to the events of fetches and of followed chats.
 *
 * Run: `npx vitest run examples` from the repository root; in your app, call
 * `main({ redisUrl, signal })` while `tgfetch daemon` runs and commands are sent (e.g. with
 * `tgfetch send`). Shows: `subscribeEvents` with a filter; every event is already
 * validated against the contract, so the handler can switch on `event.event`.
 */
import type { WireEvent } from '@tgfetch/core';
import { subscribeEvents } from '@tgfetch/redis-transport';

export interface ListenExampleOptions {
  redisUrl: string;
  /** @default 'tg_events' */
  channel?: string;
  /** Only this chat's events. @default every chat */
  chat?: string;
  /** Stops listening. */
  signal: AbortSignal;
  /** Told once the subscription is live. @default none */
  onReady?: () => void;
}

/** Prints events until `signal` aborts; returns the ones it heard. */
export async function main(options: ListenExampleOptions): Promise<WireEvent[]> {
  const heard: WireEvent[] = [];
  const subscription = await subscribeEvents(
    (event) => {
      heard.push(event);
      switch (event.event) {
        case 'started':
          console.log(`${event.chat}: fetching ${event.dates.length} day(s)`);
          break;
        case 'progress':
          console.log(`${event.chat} ${event.date}: ${event.count} messages -> ${event.file_path}`);
          break;
        case 'completed':
          console.log(`${event.chat}: done, ${event.processed} messages`);
          break;
        case 'failed':
          console.log(
            `${event.chat}: failed, ${event.error.code} (retryable: ${event.error.retryable})`,
          );
          break;
        // A followed chat's changes, as stored: the message is absent only when very large.
        case 'message':
        case 'message_edited':
        case 'message_deleted':
          console.log(`${event.chat} #${event.id}: ${event.event} (${event.date})`);
          break;
      }
    },
    {
      url: options.redisUrl,
      channel: options.channel ?? 'tg_events',
      ...(options.chat ? { filter: { chat: options.chat } } : {}),
    },
  );
  options.onReady?.();
  try {
    await new Promise<void>((resolve) => {
      if (options.signal.aborted) resolve();
      options.signal.addEventListener('abort', () => resolve(), { once: true });
    });
    return heard;
  } finally {
    await subscription.close();
  }
}
