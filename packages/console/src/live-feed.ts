import type { ConsoleEvents, LoggedEvent } from './ports.js';

/** Entry ids of a stream compare as (milliseconds, sequence). */
export function compareIds(a: string, b: string): number {
  const [am = 0n, as = 0n] = a.split('-').map((p) => BigInt(p));
  const [bm = 0n, bs = 0n] = b.split('-').map((p) => BigInt(p));
  if (am !== bm) return am < bm ? -1 : 1;
  return as === bs ? 0 : as < bs ? -1 : 1;
}

export interface LiveFeed {
  /** Calls `listener` with each event appended from now on; returns the unsubscribe. */
  subscribe(listener: (event: LoggedEvent) => void): () => void;
  readonly listeners: number;
  close(): void;
}

/**
 * One reader of the events stream for every live page: it waits for new entries only
 * while someone listens, and hands each to all of them. A failed read is tried again after
 * a pause, so a Redis outage pauses the pages without ending them.
 */
export function createLiveFeed(events: ConsoleEvents, blockMs = 1_500): LiveFeed {
  const listeners = new Set<(event: LoggedEvent) => void>();
  let running = false;
  let closed = false;
  let wake: (() => void) | undefined;

  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });

  const run = async () => {
    running = true;
    let last: string | undefined;
    while (!closed && listeners.size > 0) {
      try {
        last ??= await events.lastId();
        for (const entry of await events.wait(last, blockMs)) {
          last = entry.id;
          for (const listener of listeners) listener(entry);
        }
      } catch {
        // Closed meanwhile (the log with it): nothing to wait for.
        if (!closed) await pause(1_000);
      }
    }
    running = false;
  };

  return {
    subscribe(listener) {
      listeners.add(listener);
      if (!running && !closed) void run();
      return () => listeners.delete(listener);
    },
    get listeners() {
      return listeners.size;
    },
    close() {
      closed = true;
      listeners.clear();
      wake?.();
    },
  };
}
