import { randomUUID } from 'node:crypto';
import { createClient, type RedisClientType } from 'redis';
import { inject } from 'vitest';
import type {} from './provided.js';

/** A test's view of the shared server: its URL, a key prefix of its own, a plain client. */
export interface RedisTestContext {
  url: string;
  /** Unique per test: every key and channel the test uses starts with it. */
  prefix: string;
  client: RedisClientType;
  /** Deletes the test's keys and closes the client. */
  cleanup(): Promise<void>;
}

export async function redisTestContext(
  url: string = inject('redisUrl'),
): Promise<RedisTestContext> {
  const prefix = `t${randomUUID().slice(0, 8)}:`;
  const client: RedisClientType = createClient({ url });
  client.on('error', () => {});
  await client.connect();
  return {
    url,
    prefix,
    client,
    async cleanup() {
      if (!client.isReady) {
        client.destroy();
        return;
      }
      for await (const batch of client.scanIterator({ MATCH: `${prefix}*`, COUNT: 500 })) {
        if (batch.length > 0) await client.del(batch);
      }
      await client.close();
    },
  };
}
