import type { FetchEvent } from '@tgfetch/core';
import { subscribeEvents } from '@tgfetch/redis-transport';
import { eventually } from '../../../redis-transport/src/testing/context.js';

export interface EventLog {
  readonly events: FetchEvent[];
  /** The events of one command, in the order heard. */
  of(commandId: string): FetchEvent[];
  /** Waits for the command's `completed` or `failed` event. */
  final(commandId: string, timeoutMs?: number): Promise<FetchEvent>;
  close(): Promise<void>;
}

/** Subscribes to a channel and keeps every event heard, for tests to wait on. */
export async function listenForEvents(url: string, channel: string): Promise<EventLog> {
  const events: FetchEvent[] = [];
  const subscription = await subscribeEvents((event) => events.push(event), { url, channel });
  const of = (id: string) => events.filter((e) => e.command_id === id);
  return {
    events,
    of,
    final: (id, timeoutMs = 15_000) =>
      eventually(() => of(id).find((e) => e.event === 'completed' || e.event === 'failed'), {
        timeoutMs,
        what: `the end of command ${id}`,
      }),
    close: () => subscription.close(),
  };
}

export { eventually };
