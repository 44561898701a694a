import { isUtf8 } from 'node:buffer';
import { randomUUID } from 'node:crypto';
import { RESP_TYPES } from '@redis/client';
import { type CommandQueue, type Delivery, deliveryKey } from '@tgfetch/core';
import { commandQueue, createBlockingRead } from './blocking-read.js';
import { type ConnectionOptions, openBlockingConnection } from './connection.js';
import { deadLetter, settleOnce } from './delivery.js';
import { checkKeyType } from './key-type.js';
import { type Claimed, listClaims } from './list-claim.js';
import { defineScript } from './script.js';

export interface CommandQueueOptions extends ConnectionOptions {
  /** This worker's name, unique among live workers (its processing list is its own). */
  workerId: string;
  /** The list producers RPUSH onto. @default 'tg_commands' */
  queue?: string;
  /** How long a silent worker keeps its commands before others take them back. @default 30_000 */
  visibilityMs?: number;
  /** How often the heartbeat is renewed. @default visibilityMs / 3 */
  heartbeatMs?: number;
  /** How often dead workers' commands are looked for. @default visibilityMs */
  reapIntervalMs?: number;
  /** Deliveries allowed before a command goes to the dead-letter list. @default 5 */
  maxDeliveries?: number;
  /** Seconds one BLMOVE blocks before it is issued again. @default 5 */
  blockSeconds?: number;
}

/** The keys of a list queue (all derived from the queue name). */
export function listQueueKeys(queue: string, workerId: string) {
  return {
    queue,
    processing: `${queue}:processing:${workerId}`,
    heartbeat: `${queue}:heartbeat:${workerId}`,
    workers: `${queue}:workers`,
    deliveries: `${queue}:deliveries`,
    dead: `${queue}:dead`,
  };
}

// Returns a dead worker's commands to the head of the queue, oldest first; -1 while it lives.
const reapScript = defineScript(`
if ARGV[2] ~= 'force' and redis.call('EXISTS', KEYS[1]) == 1 then return -1 end
local n = 0
while redis.call('LMOVE', KEYS[2], KEYS[3], 'RIGHT', 'LEFT') do n = n + 1 end
redis.call('SREM', KEYS[4], ARGV[1])
return n`);

// KEYS: processing, queue, deliveries. ARGV: payload, delivery key, 'counted' to keep the
// delivery in the count (the handling crashed) instead of giving it back (a shutdown).
const releaseScript = defineScript(`
if redis.call('LREM', KEYS[1], 1, ARGV[1]) == 1 then
  redis.call('LPUSH', KEYS[2], ARGV[1])
  if ARGV[3] ~= 'counted' and redis.call('HINCRBY', KEYS[3], ARGV[2], -1) <= 0 then
    redis.call('HDEL', KEYS[3], ARGV[2])
  end
end
return 1`);

// KEYS: processing, dead, deliveries. ARGV: payload, delivery key.
const deadLetterScript = defineScript(`
redis.call('LREM', KEYS[1], 1, ARGV[1])
redis.call('RPUSH', KEYS[2], ARGV[1])
redis.call('HDEL', KEYS[3], ARGV[2])
return 1`);

// KEYS: processing. ARGV: raw bytes, their UTF-8 decoding. Swaps one for the other in place.
const normaliseScript = defineScript(`
if redis.call('LREM', KEYS[1], -1, ARGV[1]) == 1 then redis.call('RPUSH', KEYS[1], ARGV[2]) end
return 1`);

/**
 * The reliable list queue: `BLMOVE` from the queue into this worker's processing list (on
 * a connection of its own), a heartbeat key while alive, `LREM` on ack. Commands of a
 * worker whose heartbeat expired go back to the queue; a command delivered more than
 * `maxDeliveries` times goes to `<queue>:dead` instead (handed out flagged `deadLettered`,
 * for the worker to report).
 */
export async function createCommandQueue(options: CommandQueueOptions): Promise<CommandQueue> {
  const { workerId } = options;
  const keys = listQueueKeys(options.queue ?? 'tg_commands', workerId);
  const visibilityMs = options.visibilityMs ?? 30_000;
  const maxDeliveries = options.maxDeliveries ?? 5;
  const blockSeconds = options.blockSeconds ?? 5;
  const { connection, blocking } = await openBlockingConnection(options, `tgfetch:${workerId}:pop`);
  const main = connection.client;
  try {
    await checkKeyType(main, keys.queue, 'list');
    await checkKeyType(main, keys.processing, 'list');
  } catch (error) {
    await connection.close();
    throw connection.translate(error);
  }
  const token = randomUUID();
  /**
   * Taken but not handed out yet; `counted` once its delivery is counted (a claim counts
   * it, a blocking pop does not), so that handing it back undoes exactly that.
   */
  const buffer: Array<{ payload: string; counted?: { id: string; attempt: number } }> = [];
  /** Handed out and not settled: payload → how many. */
  const inFlight = new Map<string, number>();
  // On start our own leftovers are adopted: they are what this worker was doing when it died.
  let adopt = true;

  const count = (map: Map<string, number>, payload: string, by: number) => {
    const n = (map.get(payload) ?? 0) + by;
    if (n > 0) map.set(payload, n);
    else map.delete(payload);
  };

  const beat = async () => {
    await main
      .multi()
      .set(keys.heartbeat, token, { expiration: { type: 'PX', value: visibilityMs } })
      .sAdd(keys.workers, workerId)
      .exec();
  };
  const reap = async () => {
    for (const other of await main.sMembers(keys.workers)) {
      if (other === workerId) continue;
      const k = listQueueKeys(keys.queue, other);
      await reapScript.run(
        main,
        [k.heartbeat, k.processing, keys.queue, keys.workers],
        [other, ''],
      );
    }
  };
  // Timer errors are connection errors, already reported through `onError`.
  const ignore = () => {};
  await beat();
  await reap();
  const heartbeat = setInterval(
    () => beat().catch(ignore),
    options.heartbeatMs ?? visibilityMs / 3,
  );
  const reaper = setInterval(() => reap().catch(ignore), options.reapIntervalMs ?? visibilityMs);

  // Payloads are handled as (UTF-8 decoded) strings, and ack, release and dead-lettering
  // find them in the processing list by value. A payload that is not valid UTF-8 decodes to
  // other bytes, so its raw form is swapped for the decoded one first; else its ack would
  // miss it and it would come back after every restart, its delivery count reset each time.
  const asBytes = { [RESP_TYPES.BLOB_STRING]: Buffer } as const;
  /** Decoded text → raw bytes of payloads that are not UTF-8 (popped, not yet handed out). */
  const notUtf8 = new Map<string, Buffer>();
  const decoded = async (raw: Buffer): Promise<string> => {
    const text = raw.toString('utf8');
    if (!isUtf8(raw)) {
      await normaliseScript.run(main, [keys.processing], [raw, text]);
      // The worker is handed the bytes, so the command is rejected (INVALID_ENCODING), not run.
      notUtf8.set(text, raw);
    }
    return text;
  };

  /** Items in our processing list that nobody here knows of (a reply lost with a connection). */
  const adoptOrphans = async () => {
    const raw = await main.withTypeMapping(asBytes).lRange(keys.processing, 0, -1);
    const listed: string[] = [];
    for (const item of raw) listed.push(await decoded(item));
    const known = new Map(inFlight);
    for (const { payload } of buffer) count(known, payload, 1);
    for (const payload of listed) {
      if ((known.get(payload) ?? 0) > 0) count(known, payload, -1);
      else buffer.push({ payload });
    }
  };

  const bytesClient = main.withTypeMapping(asBytes);
  const claims = listClaims(bytesClient, keys);
  /** A claimed command into the buffer, its count under core's key. */
  const take = async (claim: Claimed) => {
    const payload = await decoded(claim.raw);
    try {
      buffer.push({ payload, counted: await claims.attempt(payload, claim.counted) });
    } catch {
      // The ack went through: the command is ours, and is counted when handed out.
      buffer.push({ payload });
    }
  };

  const pop = async () => {
    try {
      const payload = await blocking
        .withTypeMapping(asBytes)
        .blMove(keys.queue, keys.processing, 'LEFT', 'RIGHT', blockSeconds);
      if (payload !== null) buffer.push({ payload: await decoded(payload) });
    } catch (error) {
      // The command may have moved while its reply was lost: look for it before popping again.
      adopt = true;
      throw error;
    }
  };

  const deliver = async (item: (typeof buffer)[number]): Promise<Delivery> => {
    const { payload } = item;
    const id = item.counted?.id ?? deliveryKey(payload);
    const attempt = item.counted?.attempt ?? (await main.hIncrBy(keys.deliveries, id, 1));
    // Counted now: a retry of this look (a lost connection) must not count it again.
    item.counted = { id, attempt };
    const bytes = notUtf8.get(payload);
    if (attempt > maxDeliveries) {
      await deadLetterScript.run(
        main,
        [keys.processing, keys.dead, keys.deliveries],
        [payload, id],
      );
      // Handed out flagged, so that the worker reports it (CommandQueue's contract).
      notUtf8.delete(payload);
      return deadLetter({ payload, ...(bytes ? { bytes } : {}), id, attempt });
    }
    count(inFlight, payload, 1);
    const settle = settleOnce(connection, () => count(inFlight, payload, -1));
    notUtf8.delete(payload);
    return {
      payload,
      ...(bytes ? { bytes } : {}),
      id,
      attempt,
      // The next command is claimed in the same round trip, while the queue has one and
      // nothing is buffered: the worker asks for it next.
      ack: () =>
        settle(async () => {
          const next = buffer.length === 0 && !loop.closed;
          try {
            const claim = await claims.ack(payload, id, next);
            if (claim) await take(claim);
          } catch (error) {
            // The reply may be lost with a command claimed: look for it in our list.
            if (next) adopt = true;
            throw error;
          }
        }),
      release: (how) =>
        settle(() =>
          releaseScript.run(
            main,
            [keys.processing, keys.queue, keys.deliveries],
            [payload, id, how?.counted ? 'counted' : ''],
          ),
        ),
    };
  };

  const loop = createBlockingRead({
    connection,
    read: pop,
    look: async () => {
      const payload = buffer.shift();
      try {
        if (payload !== undefined) return await deliver(payload);

        // Not while a pop runs: the command it moves would be adopted twice.
        if (adopt && !loop.reading) {
          await adoptOrphans();
          adopt = false;
          return 'again';
        }
      } catch (error) {
        if (payload !== undefined) buffer.unshift(payload);
        throw error;
      }
      return 'read';
    },
  });

  const lengths = {
    length: () => main.lLen(keys.queue),
    deadLength: () => main.lLen(keys.dead),
  };
  return commandQueue(connection, loop, lengths, async () => {
    clearInterval(heartbeat);
    clearInterval(reaper);
    // Cut the blocked pop now: close() would wait up to blockSeconds behind it.
    blocking.destroy();
    if (!connection.failure()) {
      try {
        await connection.deadline(handBack(), 'handing commands back');
      } catch {
        // Redis is gone or silent: what we held comes back once our heartbeat expires.
      }
    }
    await connection.close();
  });

  async function handBack() {
    for (const { payload, counted } of buffer.splice(0)) {
      // A count taken for it is given back; one never taken is left as it is.
      await releaseScript.run(
        main,
        [keys.processing, keys.queue, keys.deliveries],
        [payload, counted?.id ?? deliveryKey(payload), counted ? '' : 'counted'],
      );
    }
    // Nothing in hand: whatever is left in our list (a pop cut mid-reply) goes back now,
    // and others need not wait for our heartbeat to expire.
    if (inFlight.size === 0) {
      await reapScript.run(
        main,
        [keys.heartbeat, keys.processing, keys.queue, keys.workers],
        [workerId, 'force'],
      );
      await main.del(keys.heartbeat);
    }
  }
}
