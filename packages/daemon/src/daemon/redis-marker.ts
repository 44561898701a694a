import type { RedisClient } from '@tgfetch/redis-transport';

export interface RedisMarkerOptions {
  client: RedisClient;
  /** The daemon's own key; it never expires. */
  key: string;
  /** Told each time the key is found missing (Redis restarted without its data). */
  onLost: () => void;
  /** @default 5_000 */
  intervalMs?: number;
}

/**
 * A key of the daemon's own, written at start and looked for after every reconnect and every
 * `intervalMs`: a Redis that comes back without it lost its data (restarted with no
 * persistence, flushed, failed over to an empty replica), and with it the queued commands,
 * which no reconnect log line would tell. Written again at once, so each loss is told once.
 */
export async function watchRedisMarker(options: RedisMarkerOptions): Promise<() => void> {
  const { client, key } = options;
  const value = JSON.stringify({ since: new Date().toISOString() });
  await client.set(key, value, { condition: 'NX' });
  let checking = false;
  const check = async () => {
    if (checking || !client.isReady) return;
    checking = true;
    try {
      // SET NX answers null when the key is there: one round trip, and it is restored at once.
      const restored = await client.set(key, value, { condition: 'NX' });
      if (restored !== null) options.onLost();
    } catch {
      // Redis trouble is reported by the connection itself.
    } finally {
      checking = false;
    }
  };
  const onReady = () => void check();
  client.on('ready', onReady);
  const timer = setInterval(onReady, options.intervalMs ?? 5_000);
  timer.unref();
  return () => {
    clearInterval(timer);
    client.off('ready', onReady);
  };
}
