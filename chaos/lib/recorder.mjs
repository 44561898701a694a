// The observer of the Jepsen-style history: a subscriber on the events channel that runs
// for the whole scenario (and reconnects when its connection is killed), plus reads of the
// events stream to catch what was published while the subscriber was away. Every event is
// kept once, keyed by its exact JSON (a re-publication after a redelivery differs in `ts`
// and `worker_id`, so it is kept as a separate event).
import { loadRedis } from './env.mjs';

export const FINAL = new Set(['completed', 'failed']);

export async function createRecorder({ url, channel, stream }) {
  const { createClient } = await loadRedis();
  const seen = new Set();
  const byCommand = new Map();
  const listeners = new Set();
  const counts = { pubsub: 0, streamOnly: 0, unparsable: 0 };
  let lastStreamId = '0-0';

  const add = (raw, from) => {
    if (seen.has(raw)) return;
    seen.add(raw);
    if (from === 'stream') counts.streamOnly++;
    else counts.pubsub++;
    let event;
    try {
      event = JSON.parse(raw);
    } catch {
      counts.unparsable++;
      return;
    }
    if (typeof event?.command_id !== 'string') {
      counts.unparsable++;
      return;
    }
    let entry = byCommand.get(event.command_id);
    if (!entry) {
      entry = { started: [], finals: [], progress: 0 };
      byCommand.set(event.command_id, entry);
    }
    if (event.event === 'started') entry.started.push(event);
    else if (event.event === 'progress') entry.progress++;
    else if (FINAL.has(event.event)) entry.finals.push(event);
    for (const listener of listeners) listener(event);
  };

  const reconnect = { reconnectStrategy: () => 50, connectTimeout: 2_000 };
  const subscriber = createClient({ url, name: 'chaos:subscriber', socket: reconnect });
  const reader = createClient({ url, name: 'chaos:reader', socket: reconnect });
  subscriber.on('error', () => {});
  reader.on('error', () => {});
  await subscriber.connect();
  await reader.connect();
  await subscriber.subscribe(channel, (message) => add(message, 'pubsub'));

  return {
    byCommand,
    counts,
    on(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    /** Reads the stream entries added since the last sync (false when Redis is away). */
    async sync() {
      try {
        for (;;) {
          const entries = await reader.xRange(stream, `(${lastStreamId}`, '+', { COUNT: 5000 });
          for (const entry of entries) {
            lastStreamId = entry.id;
            add(entry.message.payload, 'stream');
          }
          if (entries.length < 5000) return true;
        }
      } catch {
        return false;
      }
    },
    finals(commandId) {
      return byCommand.get(commandId)?.finals ?? [];
    },
    async close() {
      await Promise.allSettled([subscriber.quit(), reader.quit()]);
      subscriber.destroy?.();
      reader.destroy?.();
    },
  };
}
