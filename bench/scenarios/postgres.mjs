import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { openPgStore } from '@tgfetch/pg-store';
import { createMessagesStream } from '@tgfetch/redis-transport';
import { startRedisServer } from '@tgfetch/test-utils';
import pg from 'pg';
import copyStreams from 'pg-copy-streams';
import { median } from '../lib/stats.mjs';

/**
 * 6. PostgreSQL: pg-store's `writeDay` (one transaction per day: day row, message upsert,
 * day links, count) beside a raw `COPY` of the same rows, day by day, into a table with the
 * same columns, key and index, in the same run on the same server. Then the pipeline end to
 * end: days appended to a Redis stream, a `tgfetch persist` process draining it into
 * PostgreSQL, from the first append to the last row committed and acknowledged.
 *
 * It needs a PostgreSQL where it may CREATE DATABASE: DATABASE_URL, or
 * postgres@127.0.0.1:5432 as in the tests. The database it makes is dropped afterwards.
 */

export const title = 'PostgreSQL: pg-store writes and the persistence pipeline';

const daemonDir = path.dirname(fileURLToPath(import.meta.resolve('@tgfetch/daemon/package.json')));
const bin = path.join(daemonDir, 'bin', 'tgfetch.js');
const SERVER = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
const CHAT = '@bench_chat';

export function params(smoke) {
  return smoke
    ? { runs: 1, days: 4, perDay: 250, pipelineDays: 4, batchSize: 200 }
    : { runs: 3, days: 40, perDay: 2_500, pipelineDays: 40, batchSize: 500 };
}

/** A day of realistic messages: text, entities, a reply, views, a reaction now and then. */
function makeDay(dayIndex, perDay) {
  const start = Date.UTC(2025, 0, 1) + dayIndex * 86_400_000;
  const messages = [];
  for (let i = 0; i < perDay; i++) {
    const id = dayIndex * perDay + i + 1;
    messages.push({
      id,
      date: `${new Date(start + Math.floor((i * 86_400_000) / perDay)).toISOString().slice(0, 19)}Z`,
      chat: CHAT,
      type: 'message',
      from_id: 1_000_000 + (id % 997),
      text: `message ${id}: ${'lorem ipsum dolor sit amet '.repeat(1 + (id % 6))}`,
      reply_to: id > 1 && id % 3 === 0 ? id - 1 : null,
      views: id * 7,
      forwards: id % 5,
      replies_count: id % 4,
      entities: id % 4 === 0 ? [{ type: 'url', offset: 10, length: 23 }] : [],
      ...(id % 10 === 0 ? { reactions: [{ reaction: '👍', count: id % 50 }] } : {}),
    });
  }
  const date = new Date(start).toISOString().slice(0, 10);
  return {
    chat: CHAT,
    date,
    time_zone: 'UTC',
    fetched_at: new Date().toISOString(),
    complete: true,
    count: messages.length,
    messages,
  };
}

async function withDatabase(fn) {
  const name = `tgfetch_bench_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: SERVER });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  const url = new URL(SERVER);
  url.pathname = `/${name}`;
  try {
    return await fn(url.toString());
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.end();
  }
}

async function measureStore(url, days, run) {
  const store = await openPgStore({ connection: { connectionString: url }, schema: `s${run}` });
  const t0 = performance.now();
  for (const day of days) await store.writeDay(day);
  const seconds = (performance.now() - t0) / 1000;
  await store.close();
  return seconds;
}

/**
 * The columns pg-store keeps for one of these messages (its own peer, no edits): chat,
 * peer, id, date, edit_date, sender, text, message.
 */
function columns(m, chat) {
  return [chat, chat, m.id, m.date, null, String(m.from_id), m.text, JSON.stringify(m)];
}

/** The same rows, typed the same way, by COPY into an identically keyed and indexed table. */
async function measureCopy(url, days, run) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const table = `copy_${run}`;
  await client.query(`CREATE TABLE ${table} (
    chat text NOT NULL, peer text NOT NULL, id bigint NOT NULL, date timestamptz NOT NULL,
    edit_date timestamptz, sender text, text text NOT NULL, message jsonb NOT NULL,
    stored_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (chat, peer, id))`);
  // pg-store's indexes of its messages table (migrations 1, 3 and 4): its COPY maintains
  // all three, so the reference does too (the full-text one alone costs a raw COPY ~40%).
  await client.query(`CREATE INDEX ON ${table} (chat, date)`);
  await client.query(`CREATE INDEX ON ${table}
    ((message->'comment_of'->>'chat'), (message->'comment_of'->>'id'), id)
    WHERE message ? 'comment_of'`);
  await client.query(`CREATE INDEX ON ${table} USING GIN (to_tsvector('simple', text))`);
  const field = (v) =>
    v === null
      ? '\\N'
      : String(v)
          .replace(/\\/g, '\\\\')
          .replace(/\t/g, '\\t')
          .replace(/\n/g, '\\n')
          .replace(/\r/g, '\\r');
  const t0 = performance.now();
  for (const day of days) {
    await client.query('BEGIN');
    const copy = client.query(
      copyStreams.from(
        `COPY ${table} (chat, peer, id, date, edit_date, sender, text, message) FROM STDIN`,
      ),
    );
    const lines = day.messages.map((m) => `${columns(m, day.chat).map(field).join('\t')}\n`);
    await pipeline(async function* () {
      yield lines.join('');
    }, copy);
    await client.query('COMMIT');
  }
  const seconds = (performance.now() - t0) / 1000;
  await client.end();
  return seconds;
}

async function measurePipeline(url, days, batchSize) {
  const redis = await startRedisServer();
  const dir = await mkdtemp(path.join(os.tmpdir(), 'tgfetch-bench-persist-'));
  const stream = 'bench:messages';
  const total = days.reduce((n, d) => n + d.messages.length, 0);
  const env = {
    PATH: process.env.PATH ?? '',
    REDIS_URL: redis.url,
    DATABASE_URL: url,
    DATABASE_SCHEMA: 'pipeline',
    MESSAGES_STREAM: stream,
    PERSIST_BATCH_SIZE: String(batchSize),
    WORKER_ID: 'bench-persist',
    LOG_LEVEL: 'info',
  };
  // Migrated first, so that the measured time is the pipeline's, not the schema's.
  await openPgStore({ connection: { connectionString: url }, schema: 'pipeline' }).then((s) =>
    s.close(),
  );
  const persist = spawn(process.execPath, [bin, 'persist'], {
    cwd: dir,
    env,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    // Timed from when the worker is ready: its start-up is the footprint scenario's business.
    await new Promise((resolve, reject) => {
      let out = '';
      persist.stdout.setEncoding('utf8').on('data', (chunk) => {
        out += chunk;
        if (out.includes('"msg":"ready"')) resolve();
      });
      persist.once('exit', (code) => reject(new Error(`tgfetch persist exited ${code}: ${out}`)));
    });
    persist.stdout.resume();
    const messages = await createMessagesStream({ url: redis.url, stream, maxLen: total * 2 });
    const t0 = performance.now();
    for (const day of days) await messages.append(day);
    const appendSec = (performance.now() - t0) / 1000;
    await messages.close();
    const deadline = Date.now() + 600_000;
    for (;;) {
      const { rows } = await client.query('SELECT count(*)::int AS n FROM pipeline.messages');
      if (rows[0].n >= total) break;
      if (Date.now() > deadline) throw new Error('the pipeline did not drain in 10 minutes');
      await new Promise((r) => setTimeout(r, 20));
    }
    return { seconds: (performance.now() - t0) / 1000, appendSec, total };
  } finally {
    persist.kill('SIGTERM');
    await new Promise((r) => persist.once('exit', r));
    await client.end();
    await redis.close();
    await rm(dir, { recursive: true, force: true });
  }
}

export async function run(smoke) {
  const p = params(smoke);
  const days = Array.from({ length: p.days }, (_, i) => makeDay(i, p.perDay));
  const total = p.days * p.perDay;
  const store = [];
  const copy = [];
  const pipe = [];
  await withDatabase(async (url) => {
    for (let i = 0; i < p.runs; i++) {
      // Alternated, so that neither always runs on a warmer server.
      if (i % 2 === 0) {
        store.push(total / (await measureStore(url, days, i)));
        copy.push(total / (await measureCopy(url, days, i)));
      } else {
        copy.push(total / (await measureCopy(url, days, i)));
        store.push(total / (await measureStore(url, days, i)));
      }
      process.stderr.write(
        `  postgres run ${i + 1}/${p.runs}: pg-store ${Math.round(store.at(-1))} msg/s, COPY ${Math.round(copy.at(-1))} msg/s\n`,
      );
    }
    const pipeDays = days.slice(0, p.pipelineDays);
    const r = await measurePipeline(url, pipeDays, p.batchSize);
    pipe.push(r.total / r.seconds);
    process.stderr.write(
      `  pipeline: ${r.total} messages appended in ${r.appendSec.toFixed(2)} s, in PostgreSQL after ${r.seconds.toFixed(2)} s\n`,
    );
  });
  const summary = {
    messages: total,
    storeMsgPerSec: median(store),
    copyMsgPerSec: median(copy),
    pipelineMsgPerSec: median(pipe),
  };
  return {
    params: p,
    runs: { store, copy, pipe },
    summary,
    rows: [
      {
        metric: `pg-store writeDay, messages/s (${total.toLocaleString('en-US')} msgs, ${p.days} days)`,
        ours: summary.storeMsgPerSec,
        reference: summary.copyMsgPerSec,
        referenceName: 'raw COPY of the same rows, a transaction per day, same key and indexes',
        ratio: summary.storeMsgPerSec / summary.copyMsgPerSec,
        target: '≥ 0.8× COPY',
        met: summary.storeMsgPerSec / summary.copyMsgPerSec >= 0.8,
      },
      {
        metric: `pipeline end to end: XADD → tgfetch persist → PostgreSQL, messages/s (batch ${p.batchSize})`,
        ours: summary.pipelineMsgPerSec,
        reference: summary.copyMsgPerSec,
        referenceName: 'raw COPY',
        ratio: summary.pipelineMsgPerSec / summary.copyMsgPerSec,
        target: '',
        met: undefined,
      },
    ],
  };
}
