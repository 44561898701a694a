import { eventually } from './eventually.js';

/** What the log needs of an event: the command it belongs to and its kind. */
export interface LoggedEvent {
  command_id?: string;
  event: string;
}

export interface EventLog<E extends LoggedEvent> {
  /** Every event heard, in order. */
  readonly events: E[];
  /** The events of one command, in the order heard. */
  of(commandId: string): E[];
  /** Waits for the command's `completed` or `failed` event. @default timeoutMs 15_000 */
  final(commandId: string, timeoutMs?: number): Promise<E>;
  close(): Promise<void>;
}

/** A subscription as the transports make them: a callback per event, and a way out. */
export type Subscribe<E> = (onEvent: (event: E) => void) => Promise<{ close(): Promise<void> }>;

/**
 * Keeps every event a subscription hears, for tests to wait on. It takes the subscription
 * (e.g. `(on) => subscribeEvents(on, { url, channel })`) rather than making one, so that
 * the events are parsed by the code under test and this package needs none of ours.
 */
export async function recordEvents<E extends LoggedEvent>(
  subscribe: Subscribe<E>,
): Promise<EventLog<E>> {
  const events: E[] = [];
  const subscription = await subscribe((event) => events.push(event));
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
