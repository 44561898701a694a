import type { FetchEvent } from '../events.js';
import type { EventSink } from '../ports.js';

export interface MemoryEventSink extends EventSink {
  readonly events: FetchEvent[];
  /** Calls `listener` for each event published from now on; returns an unsubscribe. */
  subscribe(listener: (event: FetchEvent) => void): () => void;
}

/** Keeps events in an array and hands them to in-process listeners. */
export function createMemoryEventSink(): MemoryEventSink {
  const events: FetchEvent[] = [];
  const listeners = new Set<(event: FetchEvent) => void>();
  return {
    events,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async publish(event) {
      const copy = structuredClone(event);
      events.push(copy);
      for (const listener of listeners) listener(copy);
    },
  };
}
