import { isUtf8 } from 'node:buffer';
import { RESP_TYPES } from '@redis/client';
import type { RedisClient } from './connection.js';

/** One stream entry read through a consumer group. */
export interface GroupEntry {
  id: string;
  fields: Record<string, string>;
  /** How many times the group handed it out (1 for a fresh one). */
  deliveries: number;
  /** The raw bytes of the first field value that is not UTF-8 (`fields` has it decoded lossily). */
  notUtf8?: Buffer;
}

/** A page of the entries one consumer holds; `next` is where the next page starts. */
export interface OwnPage {
  entries: GroupEntry[];
  next?: string;
}

// Field values are read as bytes, so a value that is not UTF-8 can be told from one that
// merely contains U+FFFD.
const asBytes = { [RESP_TYPES.BLOB_STRING]: Buffer } as const;

export interface GroupReaderOptions {
  /** For plain commands (XAUTOCLAIM, XPENDING, XACK). */
  client: RedisClient;
  /** For the blocking XREADGROUP. */
  blocking: RedisClient;
  stream: string;
  group: string;
  consumer: string;
  /** Entries pending this long with any consumer are taken over. */
  claimIdleMs: number;
  blockMs: number;
  /** Where a group created now starts: `0` (the whole stream) or `$` (new entries only). */
  startId: string;
  /** Entries one read returns at most (claimed or fresh). @default 1 fresh, 10 claimed */
  count?: number;
  /** Bounds each plain command (the blocking read has its own bound). @default none */
  deadline?: <T>(promise: Promise<T>, what: string) => Promise<T>;
}

/**
 * Consumer-group reading: first entries left idle too long by any consumer (ours after a
 * restart included) through XAUTOCLAIM, then new ones through a blocking XREADGROUP `>`.
 * Pending entries are never re-read with XREADGROUP id `0`: node-redis fails on trimmed
 * entries there (redis/node-redis#2865); XAUTOCLAIM reports them as deleted instead.
 */
export function groupReader(options: GroupReaderOptions) {
  const { client, blocking, stream, group, consumer } = options;
  const claimCount = options.count ?? 10;
  const deadline = options.deadline ?? (<T>(promise: Promise<T>) => promise);
  let ensured = false;

  const ensureGroup = async () => {
    if (ensured) return;
    try {
      await deadline(
        client.xGroupCreate(stream, group, options.startId, { MKSTREAM: true }),
        'creating the group',
      );
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith('BUSYGROUP')) throw error;
    }
    ensured = true;
  };

  const claim = async (): Promise<GroupEntry[]> => {
    const claimed: GroupEntry[] = [];
    let cursor = '0-0';
    do {
      const reply = await deadline(
        client
          .withTypeMapping(asBytes)
          .xAutoClaim(stream, group, consumer, options.claimIdleMs, cursor, { COUNT: claimCount }),
        'XAUTOCLAIM',
      );
      cursor = String(reply.nextId);
      // Trimmed while pending: nothing to run, XAUTOCLAIM already dropped them from the PEL.
      for (const message of reply.messages) {
        if (!message) continue;
        const id = String(message.id);
        const [pending] = await deadline(
          client.xPendingRange(stream, group, id, id, 1),
          'XPENDING',
        );
        claimed.push({
          id,
          ...fieldsOf(message.message),
          deliveries: Number(pending?.deliveriesCounter ?? 1),
        });
      }
    } while (cursor !== '0-0' && claimed.length < claimCount);
    return claimed;
  };

  const readGroup = async (): Promise<GroupEntry[]> => {
    await ensureGroup();
    const claimed = await claim();
    if (claimed.length > 0) return claimed;
    const reply = await blocking.withTypeMapping(asBytes).xReadGroup(
      group,
      consumer,
      { key: stream, id: '>' },
      {
        COUNT: options.count ?? 1,
        BLOCK: options.blockMs,
      },
    );
    const entries: GroupEntry[] = [];
    for (const { messages } of reply ?? []) {
      for (const message of messages) {
        entries.push({
          id: String(message.id),
          ...fieldsOf(message.message),
          deliveries: 1,
        });
      }
    }
    return entries;
  };

  /**
   * The entries this consumer name holds (from before a restart), page by page from `from`
   * (`-` first, then the `next` of the page before; none left when it is undefined):
   * claimed again at once rather than after `claimIdleMs`, each one more delivery.
   */
  const own = async (from: string): Promise<OwnPage> => {
    await ensureGroup();
    const mine = await deadline(
      client.xPendingRange(stream, group, from, '+', claimCount, { consumer }),
      'XPENDING',
    );
    const last = mine.at(-1);
    if (!last) return { entries: [] };
    const ids = mine.map((p) => String(p.id));
    const claimed = await deadline(
      client.withTypeMapping(asBytes).xClaim(stream, group, consumer, 0, ids),
      'XCLAIM',
    );
    const entries: GroupEntry[] = [];
    const gone: string[] = [];
    for (const [i, message] of claimed.entries()) {
      const id = ids[i] ?? '';
      // Trimmed while pending: nothing left to hand out.
      if (!message) {
        gone.push(id);
        continue;
      }
      const before = mine.find((p) => String(p.id) === String(message.id));
      entries.push({
        id: String(message.id),
        ...fieldsOf(message.message),
        deliveries: Number(before?.deliveriesCounter ?? 0) + 1,
      });
    }
    if (gone.length > 0) await deadline(client.xAck(stream, group, gone), 'XACK');
    return { entries, next: `(${String(last.id)}` };
  };

  /** `read`, or `none` when the group was deleted meanwhile (the next read makes it again). */
  const orNone = async <T>(read: () => Promise<T>, none: T): Promise<T> => {
    try {
      return await read();
    } catch (error) {
      if (!(error instanceof Error) || !error.message.includes('NOGROUP')) throw error;
      ensured = false;
      return none;
    }
  };

  return {
    /**
     * Idle entries taken over from dead consumers, then fresh ones; [] after `blockMs`, and
     * [] when the group was deleted meanwhile (the next read makes it again).
     */
    read: (): Promise<GroupEntry[]> => orNone(readGroup, []),
    /** Entries this consumer name still holds, a page from `from` (making the group if need be). */
    own: (from: string): Promise<OwnPage> => orNone(() => own(from), { entries: [] }),
    /** Done with it: acknowledged and deleted, so the stream holds only unfinished work. */
    async ack(id: string): Promise<void> {
      await client.multi().xAck(stream, group, id).xDel(stream, id).exec();
    },
  };
}

function fieldsOf(message: unknown): Pick<GroupEntry, 'fields' | 'notUtf8'> {
  const fields: Record<string, string> = {};
  let notUtf8: Buffer | undefined;
  const pairs = message instanceof Map ? [...message.entries()] : Object.entries(message as object);
  for (const [key, value] of pairs) {
    if (Buffer.isBuffer(value) && !notUtf8 && !isUtf8(value)) notUtf8 = value;
    fields[String(key)] = String(value);
  }
  return notUtf8 ? { fields, notUtf8 } : { fields };
}
