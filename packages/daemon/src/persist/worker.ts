import { backoffDelay, type TgfetchError, toTgfetchError } from '@tgfetch/core';
import {
  inTransaction,
  type MessageRow,
  messageRow,
  type PgStore,
  toPgError,
  uniqueRows,
  upsertMessages,
} from '@tgfetch/pg-store';
import { type GroupEntry, groupReader, type RedisClient } from '@tgfetch/redis-transport';
import { parseEntry } from './entry.js';

export interface PersistWorkerOptions {
  /** Plain commands (XAUTOCLAIM, XACK, XADD of dead letters, XPENDING). */
  client: RedisClient;
  /** Its own connection, for the blocking XREADGROUP. */
  blocking: RedisClient;
  pool: PgStore['pool'];
  schema: string;
  stream: string;
  group: string;
  consumer: string;
  /** Entries read and written per transaction. */
  batchSize: number;
  /** An entry handed out more often than this (its workers kept dying) becomes a dead letter. */
  maxDeliveries: number;
  /** Entries pending this long with a silent consumer are taken over. */
  claimIdleMs: number;
  /** @default 1_000 */
  blockMs?: number;
  /** @default `<stream>:dead` */
  deadStream?: string;
  /** Told what each batch did; the command turns it into metrics and logs. */
  onBatch?: (report: BatchReport) => void;
  /** Told of a failed attempt that will be retried (the database is down…). */
  onRetry?: (error: TgfetchError, delayMs: number) => void;
  onDeadLetter?: (id: string, reason: string) => void;
}

export interface BatchReport {
  entries: number;
  /** Messages inserted or replaced. */
  written: number;
  /** Messages that changed nothing: the same copy, or an older edit, was delivered again. */
  unchanged: number;
  dead: number;
  upsertSec: number;
  ackSec: number;
  batchSec: number;
}

export interface PersistWorker {
  /** Settles when the worker has stopped; rejects when Redis is gone for good. */
  readonly done: Promise<void>;
  /** Stops reading; the batch in hand is finished (it is left pending after `graceMs`). */
  stop(options: { graceMs: number }): Promise<void>;
  /** Entries of the group read but not acknowledged yet (all consumers). */
  pending(): Promise<number>;
}

interface Parsed {
  entry: GroupEntry;
  chat: string;
  row: MessageRow;
}

/**
 * The persistence worker of seed 004 (`PostPersistenceWorker`): reads the messages stream
 * through a consumer group in batches, upserts each batch into PostgreSQL in one
 * transaction keyed (chat, peer, id) — a redelivered batch changes nothing — and XACKs only
 * after the commit. A consumer that died leaves its entries pending: another takes them
 * over after `claimIdleMs`. Entries that cannot be stored go to the dead-letter stream with
 * their reason: malformed ones at once, ones the database refuses (a data error) at once,
 * and ones handed out more than `maxDeliveries` times. An unavailable database is waited
 * out (backoff), never dead-lettered.
 */
export function createPersistWorker(options: PersistWorkerOptions): PersistWorker {
  const { client, stream, group, consumer } = options;
  const deadStream = options.deadStream ?? `${stream}:dead`;
  const reader = groupReader({
    client,
    blocking: options.blocking,
    stream,
    group,
    consumer,
    claimIdleMs: options.claimIdleMs,
    blockMs: options.blockMs ?? 1_000,
    startId: '0',
    count: options.batchSize,
  });
  const inHand = new Set<string>();
  let stopping = false;
  let wake: (() => void) | undefined;

  // Claiming our entries again (JUSTID: no delivery counted) keeps them from looking idle
  // while a batch waits for the database.
  const heartbeat = setInterval(
    () => {
      if (inHand.size === 0) return;
      client.xClaimJustId(stream, group, consumer, 0, [...inHand]).catch(() => undefined);
    },
    Math.max(100, Math.floor(options.claimIdleMs / 3)),
  );
  heartbeat.unref();

  const deadLetter = async (entry: GroupEntry, reason: string) => {
    await client
      .multi()
      .xAdd(deadStream, '*', {
        ...entry.fields,
        source_id: entry.id,
        reason: reason.slice(0, 1_000),
        deliveries: String(entry.deliveries),
      })
      .xAck(stream, group, entry.id)
      .exec();
    options.onDeadLetter?.(entry.id, reason);
  };

  const upsert = (rows: readonly Parsed[]) =>
    inTransaction(options.pool, async (db) => {
      const byChat = new Map<string, MessageRow[]>();
      for (const { chat, row } of rows) byChat.set(chat, [...(byChat.get(chat) ?? []), row]);
      let written = 0;
      let unique = 0;
      // Chats in one order in every worker: two batches never wait on each other's rows.
      for (const chat of [...byChat.keys()].sort()) {
        const chatRows = uniqueRows(byChat.get(chat) ?? []).sort(
          (a, b) => a.peer.localeCompare(b.peer) || a.id - b.id,
        );
        unique += chatRows.length;
        written += (await upsertMessages(db, options.schema, chat, chatRows)).written;
      }
      return { written, unchanged: rows.length - written, unique };
    });

  /** Waits `ms`, or less when stopping. */
  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });

  const handle = async (entries: GroupEntry[]): Promise<void> => {
    const started = performance.now();
    for (const e of entries) inHand.add(e.id);
    let dead = 0;
    const good: Parsed[] = [];
    for (const entry of entries) {
      if (entry.deliveries > options.maxDeliveries) {
        await deadLetter(
          entry,
          `MAX_DELIVERIES: handed out ${entry.deliveries} times without being stored`,
        );
        dead++;
        continue;
      }
      const parsed = parseEntry(entry.fields);
      if (!parsed.ok) {
        await deadLetter(entry, parsed.reason);
        dead++;
        continue;
      }
      good.push({
        entry,
        chat: parsed.entry.chat,
        row: messageRow(parsed.entry.message, parsed.entry.chat),
      });
    }
    let written = 0;
    let unchanged = 0;
    let upsertSec = 0;
    let stored: Parsed[] = good;
    for (let attempt = 0; good.length > 0; attempt++) {
      const t0 = performance.now();
      try {
        const result = await upsert(good);
        upsertSec = (performance.now() - t0) / 1000;
        written = result.written;
        unchanged = result.unchanged;
        break;
      } catch (error) {
        const failure = toPgError(error, 'persisting a batch');
        if (!failure.retryable) {
          // One entry the database refuses must not hold back the others: one by one.
          const alone = await oneByOne(good);
          stored = alone.stored;
          written = alone.written;
          unchanged = alone.unchanged;
          dead += alone.dead;
          break;
        }
        const delayMs = backoffDelay(attempt, { baseMs: 100, maxMs: 5_000 });
        options.onRetry?.(failure, delayMs);
        if (stopping) {
          // Left pending: another worker (or we, after a restart) takes them over.
          for (const e of entries) inHand.delete(e.id);
          return;
        }
        await pause(delayMs);
      }
    }
    const t1 = performance.now();
    if (stored.length > 0)
      await client.xAck(
        stream,
        group,
        stored.map((p) => p.entry.id),
      );
    const ackSec = (performance.now() - t1) / 1000;
    for (const e of entries) inHand.delete(e.id);
    options.onBatch?.({
      entries: entries.length,
      written,
      unchanged,
      dead,
      upsertSec,
      ackSec,
      batchSec: (performance.now() - started) / 1000,
    });
  };

  const oneByOne = async (rows: Parsed[]) => {
    const stored: Parsed[] = [];
    let written = 0;
    let unchanged = 0;
    let dead = 0;
    for (const row of rows) {
      try {
        const result = await upsert([row]);
        written += result.written;
        unchanged += result.unchanged;
        stored.push(row);
      } catch (error) {
        const failure = toPgError(error, 'persisting a message');
        if (failure.retryable) continue; // left pending, retried after claimIdleMs
        await deadLetter(row.entry, `${failure.code}: ${failure.message}`);
        dead++;
      }
    }
    return { stored, written, unchanged, dead };
  };

  /**
   * Entries this consumer had in hand when it last stopped or died (same name after a
   * restart): taken back at once rather than after `claimIdleMs`.
   */
  const ownPending = async (): Promise<GroupEntry[]> => {
    const mine = await client
      .xPendingRange(stream, group, '-', '+', options.batchSize, { consumer })
      .catch((error: unknown) => {
        if (error instanceof Error && error.message.includes('NOGROUP')) return [];
        throw error;
      });
    if (mine.length === 0) return [];
    const ids = mine.map((p) => String(p.id));
    const claimed = await client.xClaim(stream, group, consumer, 0, ids);
    const entries: GroupEntry[] = [];
    for (const [i, message] of claimed.entries()) {
      // Trimmed while pending: nothing left to store.
      if (!message) {
        await client.xAck(stream, group, ids[i] ?? '');
        continue;
      }
      const fields: Record<string, string> = {};
      for (const [k, v] of Object.entries(message.message)) fields[k] = String(v);
      const before = mine.find((p) => String(p.id) === String(message.id));
      entries.push({
        id: String(message.id),
        fields,
        deliveries: Number(before?.deliveriesCounter ?? 0) + 1,
      });
    }
    return entries;
  };

  const loop = async () => {
    let recovering = true;
    while (!stopping && recovering) {
      try {
        const entries = await ownPending();
        if (entries.length === 0) recovering = false;
        else await handle(entries);
      } catch (error) {
        if (stopping) return;
        options.onRetry?.(toTgfetchError(error), 1_000);
        await pause(1_000);
      }
    }
    while (!stopping) {
      let entries: GroupEntry[];
      try {
        entries = await reader.read();
      } catch (error) {
        if (stopping) return;
        const failure = toTgfetchError(error);
        options.onRetry?.(failure, 1_000);
        await pause(1_000);
        continue;
      }
      if (entries.length > 0) await handle(entries);
    }
  };

  const done = loop().finally(() => clearInterval(heartbeat));

  return {
    done,
    stop({ graceMs }) {
      stopping = true;
      wake?.();
      return Promise.race([
        done.catch(() => undefined),
        new Promise<void>((resolve) => setTimeout(resolve, graceMs).unref()),
      ]);
    },
    async pending() {
      const summary = await client.xPending(stream, group);
      return Number(summary.pending ?? 0);
    },
  };
}
