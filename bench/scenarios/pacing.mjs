import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseCommand, runFetch } from '@tgfetch/core';
import { createFileRateMemory } from '@tgfetch/fs-store';
import { createSimulatedSource } from '@tgfetch/telegram/testing';
import { childMain, runChild } from '../lib/child.mjs';
import { medianOf } from '../lib/stats.mjs';

/**
 * 3. Pacing: real time to fetch messages from a simulated Telegram that enforces a token
 * bucket (and answers FloodWait beyond it), beside the bucket's ideal. A cold run long
 * enough to have a steady state: its throughput after its first minute (learning the limit
 * costs flood waits, the first minute is for that) and its flood waits then; its first
 * 50,000 messages and its whole run beside their ideals too. Then 50,000 messages by new
 * processes that find the rate the cold run learned in a rate memory (files), and the same
 * number split over 1, 10 and 100 chats fetched at once through one account (one source,
 * one pacer), as a daemon with FETCH_CONCURRENCY does. Beside all: a naive loop that sleeps
 * a fixed second between pages.
 */

const DAY = 86_400_000;
const CHAT = '@bench_pacing';
const PAGE = 100;

export const title = 'Pacing: a rate-limited simulated Telegram, real clock';

export function params(smoke) {
  const limit = { requestsPerSecond: 50, burst: 10 };
  return smoke
    ? {
        messages: 5_000,
        coldMessages: 20_000,
        settleSec: 2,
        rateLimit: limit,
        runs: 1,
        naivePages: 2,
        chats: [1, 10],
      }
    : {
        messages: 50_000,
        // 90 s at the limit: a minute to learn it, half a minute of steady state measured.
        coldMessages: 450_000,
        settleSec: 60,
        rateLimit: limit,
        runs: 3,
        naivePages: 8,
        chats: [1, 10, 100],
      };
}

/** The token bucket's bound for `requests`: `burst` at once, then one every 1/rps seconds. */
const idealFor = (requests, { requestsPerSecond, burst }) =>
  Math.max(0, requests - burst) / requestsPerSecond;

export async function run(smoke) {
  const p = params(smoke);
  const { requestsPerSecond: rps, burst } = p.rateLimit;
  const warm = [];
  const many = [];
  let cold;
  let naive;
  const memoryDir = await mkdtemp(path.join(os.tmpdir(), 'tgfetch-bench-rates-'));
  try {
    // The cold run learns into the memory; every later process starts from it.
    cold = await runChild(
      import.meta.url,
      'engine',
      { ...p, messages: p.coldMessages, firstMessages: p.messages, memoryDir, chats: 1 },
      { timeoutMs: 600_000 },
    );
    process.stderr.write(
      `  pacing cold run: ${cold.seconds.toFixed(2)} s, ${cold.floodWaits} flood waits, ${cold.requests} requests; after ${p.settleSec} s: ${cold.late.accepted} accepted in ${cold.late.seconds.toFixed(2)} s, ${cold.late.floodWaits} flood waits\n`,
    );
    for (let i = 0; i < p.runs; i++) {
      const w = await runChild(import.meta.url, 'engine', { ...p, memoryDir, chats: 1 });
      warm.push(w);
      process.stderr.write(
        `  pacing run ${i + 1}/${p.runs}, rate remembered: ${w.seconds.toFixed(2)} s, ${w.floodWaits} flood waits, ${w.requests} requests\n`,
      );
    }
    for (const chats of p.chats) {
      const m = await runChild(import.meta.url, 'engine', { ...p, memoryDir, chats });
      many.push({ chats, ...m });
      process.stderr.write(
        `  pacing ${chats} chat(s) at once: ${m.seconds.toFixed(2)} s, ${m.floodWaits} flood waits, ${m.requests} requests, least share ${m.leastShare.toFixed(2)}\n`,
      );
    }
    naive = await runChild(import.meta.url, 'naive', p);
  } finally {
    await rm(memoryDir, { recursive: true, force: true });
  }
  // The fewest requests: one ResolveUsername and one page per 100 messages. A token bucket
  // lets `burst` of them through at once and then one every 1/rps seconds.
  const minRequests = 1 + Math.ceil(p.messages / PAGE);
  const idealSec = Math.max(0, minRequests - burst) / rps;
  const naiveSec = naive.secondsPerPage * Math.ceil(p.messages / PAGE);
  const late = cold.late;
  // After the first minute the bucket's burst is long spent: its ideal is the rate itself.
  const lateOfIdeal = late.accepted / (rps * late.seconds);
  const latePerThousand = late.requests > 0 ? (1000 * late.floodWaits) / late.requests : 0;
  const coldIdeal = idealFor(cold.requests, p.rateLimit);
  const firstSec = cold.firstMessagesSec;
  const warmOfIdeal = medianOf(warm, 'idealSec') / medianOf(warm, 'seconds');
  const rate = p.messages / firstSec;
  return {
    params: p,
    cold,
    warm,
    many,
    naive,
    summary: {
      lateOfIdeal,
      lateFloodWaitsPerThousand: latePerThousand,
      coldSeconds: cold.seconds,
      coldIdealSec: coldIdeal,
      firstMessagesSec: firstSec,
      idealSec,
      floodWaits: cold.floodWaits,
      requests: cold.requests,
      naiveExtrapolatedSec: naiveSec,
      naiveMessagesPerSec: p.messages / naiveSec,
      warmSeconds: medianOf(warm, 'seconds'),
      warmThroughputOfIdeal: warmOfIdeal,
      many: many.map((m) => ({
        chats: m.chats,
        throughputOfIdeal: m.idealSec / m.seconds,
        floodWaits: m.floodWaits,
        leastShare: m.leastShare,
      })),
    },
    rows: [
      {
        metric: `requests/s after the first ${p.settleSec} s of a cold fetch (${p.coldMessages.toLocaleString('en-US')} msgs at ${rps} req/s, burst ${burst}; ${late.seconds.toFixed(1)} s measured)`,
        ours: late.accepted / late.seconds,
        reference: rps,
        referenceName: 'the token bucket’s rate',
        ratio: lateOfIdeal,
        target: '≥ 0.95× of ideal',
        met: lateOfIdeal >= 0.95,
      },
      {
        metric: `FloodWaits after the first ${p.settleSec} s, per 1,000 requests (${late.floodWaits} / ${late.requests})`,
        ours: latePerThousand,
        reference: 0,
        referenceName: 'none',
        ratio: undefined,
        target: '≤ 1',
        met: latePerThousand <= 1,
      },
      {
        metric: `the same cold fetch: seconds for its first ${p.messages.toLocaleString('en-US')} msgs (learning the limit included)`,
        ours: firstSec,
        reference: idealSec,
        referenceName: `token-bucket ideal: (${minRequests} requests − ${burst}) / ${rps}`,
        ratio: idealSec / firstSec,
        target: '',
        met: undefined,
      },
      {
        metric: `the same cold fetch: seconds in all (flood waits ${cold.floodWaits} / ${cold.requests} requests)`,
        ours: cold.seconds,
        reference: coldIdeal,
        referenceName: `token-bucket ideal for its ${cold.requests} requests`,
        ratio: coldIdeal / cold.seconds,
        target: '',
        met: undefined,
      },
      {
        metric: `${p.messages.toLocaleString('en-US')} msgs in a new process that finds the learned rate in a rate memory (files)`,
        ours: medianOf(warm, 'seconds'),
        reference: medianOf(warm, 'idealSec'),
        referenceName: `token-bucket ideal for its ${medianOf(warm, 'requests')} requests (one more: the account, asked once)`,
        ratio: warmOfIdeal,
        target: '≥ 0.98× of ideal',
        met: warmOfIdeal >= 0.98,
      },
      {
        metric: 'FloodWaits / requests, rate remembered',
        ours: `${medianOf(warm, 'floodWaits')} / ${medianOf(warm, 'requests')}`,
        reference: `0 / ${medianOf(warm, 'requests')}`,
        referenceName: 'the fewest possible',
        ratio: undefined,
        target: '',
        met: undefined,
      },
      ...many.map((m) => ({
        metric: `${m.chats} chat${m.chats === 1 ? '' : 's'} at once, one account, rate remembered: seconds (flood waits ${m.floodWaits}; least chat's share ${m.leastShare.toFixed(2)} of a fair one)`,
        ours: m.seconds,
        reference: m.idealSec,
        referenceName: `token-bucket ideal for its ${m.requests} requests`,
        ratio: m.idealSec / m.seconds,
        target: '≥ 0.95× of ideal, share ≥ 0.5',
        met: m.idealSec / m.seconds >= 0.95 && m.leastShare >= 0.5,
      })),
      {
        metric: 'messages/s vs a fixed 1 s sleep between pages',
        ours: rate,
        reference: p.messages / naiveSec,
        referenceName: `a fixed 1 s sleep per page (${p.naivePages} pages timed, extrapolated)`,
        ratio: rate / (p.messages / naiveSec),
        target: '',
        met: undefined,
      },
    ],
  };
}

function sim(p, rateMemory) {
  const end = Math.floor(Date.now() / DAY) * DAY;
  // 60 days of 1,000 ids a day hold more than the 50,000 messages the command's limit asks.
  const days = Math.max(10, Math.ceil((p.messages * 1.2) / 1000));
  const source = createSimulatedSource({
    now: end,
    historyDays: days,
    messagesPerDay: 1000,
    rateLimit: p.rateLimit,
    ...(rateMemory ? { rateMemory } : {}),
  });
  return { source, end, days };
}

/**
 * `p.messages` in all from `p.chats` chats at once through one source (one account, one
 * pacer). With `p.memoryDir` the source keeps the account's learned rate there, and starts
 * from what an earlier process left. `leastShare`: when the first chat had all it asked for
 * (all chats competing until then), the messages of the chat that had the fewest, over an
 * equal split of all fetched by then.
 */
async function engine(p) {
  const rateMemory = p.memoryDir ? createFileRateMemory({ dir: p.memoryDir }) : undefined;
  const { source, end, days } = sim(p, rateMemory);
  const iso = (ms) => new Date(ms).toISOString().slice(0, 10);
  const perChat = Math.floor(p.messages / p.chats);
  const chats = Array.from({ length: p.chats }, (_, i) => (p.chats === 1 ? CHAT : `${CHAT}_${i}`));
  const commands = chats.map((chat) => {
    const parsed = parseCommand(
      {
        command: 'fetch',
        chat,
        mode: 'range',
        from: iso(end - days * DAY),
        to: iso(end - DAY),
        strategy: 'batch',
        limit: perChat,
      },
      { now: Date.now(), timeZone: 'UTC' },
    );
    if (!parsed.ok) throw parsed.error;
    return parsed.command;
  });
  // When each chat's messages came, to see how evenly the account's requests were shared.
  const arrivals = chats.map(() => []);
  const index = new Map(chats.map((chat, i) => [chat, i]));
  const counted = {
    async resolveChat(chat, signal) {
      const ref = await source.resolveChat(chat, signal);
      index.set(ref, index.get(chat));
      return ref;
    },
    async *messages(request, signal) {
      const i = index.get(request.chat);
      for await (const message of source.messages(request, signal)) {
        arrivals[i]?.push(performance.now());
        yield message;
      }
    },
  };
  // A store that keeps nothing: this scenario is about talking to Telegram.
  const store = {
    writeDay: async (day) => ({ count: day.messages.length, location: '' }),
    readDay: async () => undefined,
  };
  const progress = { completed: async () => new Map(), markComplete: async () => {} };
  const events = { publish: async () => {} };
  const { stats } = source.telegram;
  const t0 = performance.now();
  // Where the run stood after its first `settleSec`: what follows is its steady state.
  let settled;
  const settle = p.settleSec
    ? setTimeout(() => {
        settled = { at: performance.now(), requests: stats.requests, floodWaits: stats.floodWaits };
      }, p.settleSec * 1000)
    : undefined;
  const outcomes = await Promise.all(
    commands.map((command) => runFetch(command, { source: counted, store, progress, events }, {})),
  );
  const ended = performance.now();
  clearTimeout(settle);
  const seconds = (ended - t0) / 1000;
  for (const outcome of outcomes) {
    if (outcome.event !== 'completed' || outcome.processed !== perChat) {
      throw new Error(`fetch ended ${outcome.event} with ${outcome.processed} messages`);
    }
  }
  // While all compete: until the first chat has all it asked for.
  const firstDone = Math.min(...arrivals.map((times) => times[times.length - 1] ?? t0));
  const byThen = arrivals.map((times) => times.filter((t) => t <= firstDone).length);
  const fair = byThen.reduce((a, b) => a + b, 0) / chats.length;
  await source.close();
  const late = settled
    ? {
        seconds: (ended - settled.at) / 1000,
        requests: stats.requests - settled.requests,
        floodWaits: stats.floodWaits - settled.floodWaits,
        accepted: stats.requests - settled.requests - (stats.floodWaits - settled.floodWaits),
      }
    : undefined;
  // When the first `p.firstMessages` messages of the first chat were in.
  const first = Math.min(p.firstMessages ?? p.messages, arrivals[0]?.length ?? 0);
  const firstMessages = first > 0 ? arrivals[0][first - 1] : undefined;
  return {
    seconds,
    ...(late ? { late } : {}),
    firstMessagesSec: firstMessages === undefined ? seconds : (firstMessages - t0) / 1000,
    idealSec: idealFor(stats.requests, p.rateLimit),
    floodWaits: stats.floodWaits,
    requests: stats.requests,
    getHistory: stats.getHistory,
    leastShare: fair > 0 ? Math.min(...byThen) / fair : 1,
  };
}

/** The naive loop: one page, then a fixed one-second sleep, again and again. */
async function naive(p) {
  const { source } = sim(p);
  const { client } = source.telegram;
  const t0 = performance.now();
  let offsetId = 0;
  let messages = 0;
  for (let page = 0; page < p.naivePages; page++) {
    const batch = await client.getMessages(CHAT, { limit: PAGE, offsetId });
    messages += batch.length;
    offsetId = batch[batch.length - 1].id;
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  const seconds = (performance.now() - t0) / 1000;
  return {
    pages: p.naivePages,
    messages,
    seconds,
    secondsPerPage: seconds / p.naivePages,
    floodWaits: source.telegram.stats.floodWaits,
  };
}

await childMain(import.meta.url, { engine, naive });
