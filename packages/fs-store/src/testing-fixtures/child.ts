/**
 * A worker process for the multi-process tests, bundled with esbuild by `bundle.ts` and
 * run with plain `node`. It reports on stdout, one JSON line per finished operation, so
 * the parent knows exactly what was stored before it killed us.
 *
 *   crash <dataDir> <format>        write random days forever (the parent SIGKILLs us)
 *   contend <dataDir> <tag> <n>     write n messages into one shared day, then exit
 *   hold <dataDir> <chat>           take the chat lock, say so, and keep it
 */
import { addDays, type TgMessage } from '@tgfetch/core';
import { createFsStore } from '../fs-store.js';
import { CONTEND_CHAT, CONTEND_DATE, CRASH_CHATS, CRASH_DATES } from './scenario.js';

const [mode, dataDir = '', arg1 = '', arg2 = ''] = process.argv.slice(2);
const say = (line: unknown) => process.stdout.write(`${JSON.stringify(line)}\n`);
const never = new AbortController().signal;

const pick = <T>(list: readonly T[]): T => list[Math.floor(Math.random() * list.length)]!;

function message(chat: string, date: string, id: number, edit: number | null): TgMessage {
  return {
    id,
    date: `${date}T${String(id % 24).padStart(2, '0')}:00:00Z`,
    chat,
    type: 'message',
    from_id: 1000 + (id % 7),
    // Padding makes each write big enough for kills to land in the middle of one.
    text: `message ${id} ${'x'.repeat(80)}`,
    edit_date: edit === null ? null : new Date(edit * 1000).toISOString().replace('.000', ''),
  };
}

async function crash(format: 'json' | 'jsonl') {
  const store = createFsStore({ dataDir, format, lockPollMinMs: 2, lockPollMaxMs: 20 });
  say({ ready: true });
  for (;;) {
    const chat = pick(CRASH_CHATS);
    const date = pick(CRASH_DATES);
    const n = 20 + Math.floor(Math.random() * 100);
    const ids = new Set(Array.from({ length: n }, () => 1 + Math.floor(Math.random() * 400)));
    const base = Date.parse(`${date}T00:00:00Z`) / 1000;
    const batch = [...ids].map((id) => {
      const edit = Math.random() < 0.3 ? base + Math.floor(Math.random() * 86_400) : null;
      return message(chat, date, id, edit);
    });
    const release = await store.lock.acquire(chat, never);
    const complete = Math.random() < 0.6;
    const fetched_at = new Date().toISOString();
    const result = await store.writeDay({
      chat,
      date,
      time_zone: 'UTC',
      fetched_at,
      complete,
      count: batch.length,
      messages: batch,
    });
    say({ chat, date, stored: batch.map((m) => [m.id, m.edit_date ?? null]) });
    if (complete) await store.markComplete(chat, { date, ...result, fetched_at });
    await release();
  }
}

async function contend(tag: string, n: number) {
  const store = createFsStore({ dataDir, lockPollMinMs: 1, lockPollMaxMs: 10 });
  const first = tag === 'a' ? 1 : 100_000;
  const markFrom = tag === 'a' ? '2024-01-01' : '2023-01-01';
  for (let i = 0; i < n; i++) {
    const m = message(CONTEND_CHAT, CONTEND_DATE, first + i, null);
    const fetched_at = new Date().toISOString();
    await store.writeDay({
      chat: CONTEND_CHAT,
      date: CONTEND_DATE,
      time_zone: 'UTC',
      fetched_at,
      complete: false,
      count: 1,
      messages: [m],
    });
    const date = addDays(markFrom, i);
    await store.markComplete(CONTEND_CHAT, { date, count: i, location: tag, fetched_at });
  }
  await store.close();
  say({ done: n });
}

async function hold(chat: string) {
  const store = createFsStore({ dataDir });
  await store.lock.acquire(chat, never);
  say({ held: chat });
  // Keep the process (and so the lock) alive until the parent kills it.
  setInterval(() => undefined, 60_000);
}

if (mode === 'crash') await crash(arg1 === 'jsonl' ? 'jsonl' : 'json');
else if (mode === 'contend') await contend(arg1, Number(arg2));
else if (mode === 'hold') await hold(arg1);
