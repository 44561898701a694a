import { createHash } from 'node:crypto';
import { commandFromStreamFields, deliveryKey } from '@tgfetch/core';
import { type CommandClientOptions, createCommandClient } from './command-client.js';
import { type ConnectionState, openConnection, type RedisClient } from './connection.js';
import { listQueueKeys } from './list-queue.js';
import { defineScript } from './script.js';
import { PAYLOAD_FIELD } from './stream-queue.js';

export interface QueueInspectorOptions extends Omit<CommandClientOptions, 'stream' | 'queue'> {
  /** The queue's flavour, as its workers run it: a list (`createCommandQueue`) or a stream. @default 'list' */
  transport?: 'list' | 'stream';
  /** The list or stream the workers take commands from. @default 'tg_commands' */
  queue?: string;
  /** The stream queue's consumer group. @default 'tgfetch' */
  group?: string;
  /**
   * The workers' visibility window: a stream consumer silent for longer is not alive (a
   * list worker's heartbeat key says so itself). @default 30_000
   */
  visibilityMs?: number;
}

/** A command as the queue holds it, for people to look at. */
export interface InspectedCommand {
  /**
   * What names it in `retryDead` and `discardDead`: a stream entry's id, or for a list
   * item `sha1:` and the SHA-1 of its payload (a list item has no id of its own).
   */
  ref: string;
  /** The payload as pushed (the JSON form of a stream entry's flat fields). */
  payload: string;
  /** The `command_id` it runs under, when its payload names one. */
  commandId?: string;
  /** Times it was handed out (held and stream commands). */
  deliveries?: number;
  /** Milliseconds since its holder last touched it (stream commands). */
  idleMs?: number;
}

/** A worker the queue knows of, and what it holds. */
export interface InspectedWorker {
  worker: string;
  /** Its heartbeat is current (list), or it touched the group within `visibilityMs` (stream). */
  alive: boolean;
  /** Milliseconds left of a list worker's heartbeat. */
  heartbeatTtlMs?: number;
  /** Milliseconds since a stream consumer last read or claimed. */
  idleMs?: number;
  /** Commands handed to it and not settled, oldest first (at most the limit asked). */
  held: InspectedCommand[];
  /** How many it holds in all. */
  heldCount: number;
}

export interface InspectedPage {
  total: number;
  commands: InspectedCommand[];
}

/**
 * A read-mostly view of a command queue for a console: what waits, who holds what, the
 * dead letters, and the few changes a person makes by hand (retry or discard a dead
 * letter, send a command). Never takes commands itself.
 */
export interface QueueInspector {
  readonly transport: 'list' | 'stream';
  /** The queue's name. */
  readonly queue: string;
  /** Commands waiting to be taken, oldest first (at most `limit`), and how many wait in all. */
  waiting(limit: number): Promise<InspectedPage>;
  /** Every worker the queue knows of, alive or not, each with at most `limit` of its commands. */
  workers(limit: number): Promise<InspectedWorker[]>;
  /** The dead letters, oldest first (at most `limit`), and how many there are. */
  deadLetters(limit: number): Promise<InspectedPage>;
  /** Puts one dead letter back at the queue's tail with a fresh delivery count; false when it is gone. */
  retryDead(ref: string): Promise<boolean>;
  /** Puts every dead letter back (at most `limit` in one step); how many went back. */
  retryAllDead(limit?: number): Promise<number>;
  /** Drops one dead letter for good; false when it is gone. */
  discardDead(ref: string): Promise<boolean>;
  /** Validates and pushes a command as `createCommandClient().send` does; its `command_id`. */
  send(command: unknown): Promise<string>;
  state(): ConnectionState;
  close(): Promise<void>;
}

/** The `ref` of a list item: the SHA-1 of its payload, as Redis' Lua `redis.sha1hex` makes it. */
export function listItemRef(payload: string): string {
  return `sha1:${createHash('sha1').update(payload).digest('hex')}`;
}

function commandIdOf(payload: string): string | undefined {
  const key = deliveryKey(payload);
  return key.startsWith('id:') ? key.slice(3) : undefined;
}

function described(ref: string, payload: string, extra: Partial<InspectedCommand> = {}) {
  const commandId = commandIdOf(payload);
  return { ref, payload, ...(commandId === undefined ? {} : { commandId }), ...extra };
}

// KEYS: dead, queue, deliveries. ARGV: payload, delivery key. Back at the tail, counted afresh.
const retryListScript = defineScript(`
if redis.call('LREM', KEYS[1], 1, ARGV[1]) == 0 then return 0 end
redis.call('RPUSH', KEYS[2], ARGV[1])
redis.call('HDEL', KEYS[3], ARGV[2])
return 1`);

// KEYS: dead, queue. ARGV: most to move.
const retryAllListScript = defineScript(`
local n = 0
while n < tonumber(ARGV[1]) and redis.call('LMOVE', KEYS[1], KEYS[2], 'LEFT', 'RIGHT') do n = n + 1 end
return n`);

// KEYS: dead, stream. ARGV: dead entry id, payload field.
const retryStreamScript = defineScript(`
local found = redis.call('XRANGE', KEYS[1], ARGV[1], ARGV[1])
if #found == 0 then return 0 end
local fields = found[1][2]
for i = 1, #fields, 2 do
  if fields[i] == ARGV[2] then
    redis.call('XADD', KEYS[2], '*', ARGV[2], fields[i + 1])
    redis.call('XDEL', KEYS[1], ARGV[1])
    return 1
  end
end
return 0`);

/** Opens a queue inspector on its own connection (or on `client`, which stays the caller's). */
export async function createQueueInspector(
  options: QueueInspectorOptions = {},
): Promise<QueueInspector> {
  const transport = options.transport ?? 'list';
  const queue = options.queue ?? 'tg_commands';
  const connection = await openConnection(options);
  const client = connection.client;
  let producer: Awaited<ReturnType<typeof createCommandClient>>;
  try {
    producer = await createCommandClient({
      ...options,
      client,
      transport,
      queue,
      stream: queue,
    });
  } catch (error) {
    await connection.close();
    throw error;
  }
  const side =
    transport === 'list'
      ? listSide(client, queue)
      : streamSide(client, queue, options.group ?? 'tgfetch', options.visibilityMs ?? 30_000);
  const translated =
    <A extends unknown[], T>(fn: (...args: A) => Promise<T>) =>
    async (...args: A): Promise<T> => {
      try {
        return await fn(...args);
      } catch (error) {
        throw connection.translate(error);
      }
    };
  return {
    transport,
    queue,
    waiting: translated(side.waiting),
    workers: translated(side.workers),
    deadLetters: translated(side.deadLetters),
    retryDead: translated(side.retryDead),
    retryAllDead: translated((limit = 10_000) => side.retryAllDead(limit)),
    discardDead: translated(side.discardDead),
    send: (command) => producer.send(command),
    state: connection.state,
    async close() {
      await producer.close();
      await connection.close();
    },
  };
}

type Side = Omit<
  QueueInspector,
  'transport' | 'queue' | 'send' | 'state' | 'close' | 'retryAllDead'
> & {
  retryAllDead(limit: number): Promise<number>;
};

function listSide(client: RedisClient, queue: string): Side {
  const keys = listQueueKeys(queue, '');
  const page = async (key: string, limit: number): Promise<InspectedPage> => {
    const [total, items] = await Promise.all([
      client.lLen(key),
      limit > 0 ? client.lRange(key, 0, limit - 1) : Promise.resolve([]),
    ]);
    return { total, commands: items.map((p) => described(listItemRef(p), p)) };
  };
  /** The payload of dead letter `ref`, looked for among the first 10,000. */
  const findDead = async (ref: string): Promise<string | undefined> => {
    const items = await client.lRange(keys.dead, 0, 9_999);
    return items.find((p) => listItemRef(p) === ref);
  };
  return {
    waiting: (limit) => page(queue, limit),
    deadLetters: (limit) => page(keys.dead, limit),
    async workers(limit) {
      const names = (await client.sMembers(keys.workers)).sort();
      return Promise.all(
        names.map(async (worker) => {
          const k = listQueueKeys(queue, worker);
          const [ttl, heldCount, items] = await Promise.all([
            client.pTTL(k.heartbeat),
            client.lLen(k.processing),
            limit > 0 ? client.lRange(k.processing, 0, limit - 1) : Promise.resolve([]),
          ]);
          const counts =
            items.length > 0 ? await client.hmGet(keys.deliveries, items.map(deliveryKey)) : [];
          return {
            worker,
            alive: ttl > 0,
            ...(ttl > 0 ? { heartbeatTtlMs: ttl } : {}),
            heldCount,
            held: items.map((p, i) => {
              const n = Number(counts[i] ?? Number.NaN);
              return described(listItemRef(p), p, Number.isFinite(n) ? { deliveries: n } : {});
            }),
          };
        }),
      );
    },
    async retryDead(ref) {
      const payload = await findDead(ref);
      if (payload === undefined) return false;
      const moved = await retryListScript.run(
        client,
        [keys.dead, queue, keys.deliveries],
        [payload, deliveryKey(payload)],
      );
      return moved === 1;
    },
    async retryAllDead(limit) {
      return Number(await retryAllListScript.run(client, [keys.dead, queue], [String(limit)]));
    },
    async discardDead(ref) {
      const payload = await findDead(ref);
      return payload !== undefined && (await client.lRem(keys.dead, 1, payload)) === 1;
    },
  };
}

const STREAM_ID = /^\d{1,20}-\d{1,20}$/;

/** A command entry's JSON: its payload field, or its flat fields as the queue reads them. */
function streamPayload(fields: Record<string, string>): string {
  return fields[PAYLOAD_FIELD] ?? commandFromStreamFields(fields);
}

function streamSide(
  client: RedisClient,
  stream: string,
  group: string,
  visibilityMs: number,
): Side {
  const dead = `${stream}:dead`;
  const entries = async (key: string, from: string, limit: number) =>
    limit > 0 ? ((await client.xRange(key, from, '+', { COUNT: limit })) ?? []) : [];
  const groupInfo = async () => {
    try {
      const groups = (await client.xInfoGroups(stream)) as unknown as Array<
        Record<string, unknown>
      >;
      return groups.find((g) => g.name === group);
    } catch (error) {
      // No stream yet: nothing waits, nobody reads.
      if (error instanceof Error && /no such key/i.test(error.message)) return undefined;
      throw error;
    }
  };
  return {
    async waiting(limit) {
      // Entries past the group's last delivered id were never handed out; without a group
      // yet, none was.
      const info = await groupInfo();
      const total = await client.xLen(stream);
      const pending = Number(info?.pending ?? 0);
      const from = info ? `(${String(info['last-delivered-id'] ?? '0-0')}` : '-';
      const found = await entries(stream, from, limit);
      return {
        total: Math.max(0, total - pending),
        commands: found.map((e) => described(e.id, streamPayload(e.message))),
      };
    },
    async workers(limit) {
      if (!(await groupInfo())) return [];
      const consumers = (await client.xInfoConsumers(stream, group)) as unknown as Array<{
        name: string;
        pending: number;
        idle: number;
      }>;
      return Promise.all(
        consumers
          .sort((a, b) => (a.name < b.name ? -1 : 1))
          .map(async (c) => {
            const pending =
              limit > 0 && c.pending > 0
                ? await client.xPendingRange(stream, group, '-', '+', limit, { consumer: c.name })
                : [];
            const held = await Promise.all(
              pending.map(async (p) => {
                const [entry] = (await client.xRange(stream, String(p.id), String(p.id))) ?? [];
                const payload = entry ? streamPayload(entry.message) : '';
                return described(String(p.id), payload, {
                  deliveries: Number(p.deliveriesCounter),
                  idleMs: Number(p.millisecondsSinceLastDelivery),
                });
              }),
            );
            return {
              worker: c.name,
              alive: Number(c.idle) < visibilityMs,
              idleMs: Number(c.idle),
              heldCount: Number(c.pending),
              held,
            };
          }),
      );
    },
    async deadLetters(limit) {
      const [total, found] = await Promise.all([client.xLen(dead), entries(dead, '-', limit)]);
      return {
        total,
        commands: found.map((e) => described(e.id, streamPayload(e.message))),
      };
    },
    async retryDead(ref) {
      if (!STREAM_ID.test(ref)) return false;
      return (await retryStreamScript.run(client, [dead, stream], [ref, PAYLOAD_FIELD])) === 1;
    },
    async retryAllDead(limit) {
      let moved = 0;
      for (const entry of await entries(dead, '-', limit)) {
        if ((await retryStreamScript.run(client, [dead, stream], [entry.id, PAYLOAD_FIELD])) === 1)
          moved += 1;
      }
      return moved;
    },
    async discardDead(ref) {
      return STREAM_ID.test(ref) && (await client.xDel(dead, ref)) === 1;
    },
  };
}
