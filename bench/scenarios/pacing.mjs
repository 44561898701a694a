import { parseCommand, runFetch } from '@tgfetch/core';
import { createSimulatedSource } from '@tgfetch/telegram/testing';
import { childMain, runChild } from '../lib/child.mjs';
import { medianOf } from '../lib/stats.mjs';

/**
 * 3. Pacing: real time to fetch a fixed number of messages from a simulated Telegram that
 * enforces a token bucket (and answers FloodWait beyond it), beside the bucket's ideal time
 * and beside a naive loop that sleeps a fixed second between pages.
 */

const DAY = 86_400_000;
const CHAT = '@bench_pacing';
const PAGE = 100;

export const title = 'Pacing: a rate-limited simulated Telegram, real clock';

export function params(smoke) {
  const limit = { requestsPerSecond: 50, burst: 10 };
  return smoke
    ? { messages: 5_000, rateLimit: limit, runs: 1, naivePages: 2 }
    : { messages: 50_000, rateLimit: limit, runs: 3, naivePages: 8 };
}

export async function run(smoke) {
  const p = params(smoke);
  const runs = [];
  for (let i = 0; i < p.runs; i++) {
    const r = await runChild(import.meta.url, 'engine', p);
    runs.push(r);
    process.stderr.write(
      `  pacing run ${i + 1}/${p.runs}: ${r.seconds.toFixed(2)} s, ${r.floodWaits} flood waits, ${r.requests} requests\n`,
    );
  }
  const naive = await runChild(import.meta.url, 'naive', p);
  const { requestsPerSecond: rps, burst } = p.rateLimit;
  // The fewest requests: one ResolveUsername and one page per 100 messages. A token bucket
  // lets `burst` of them through at once and then one every 1/rps seconds.
  const minRequests = 1 + Math.ceil(p.messages / PAGE);
  const idealSec = Math.max(0, minRequests - burst) / rps;
  const seconds = medianOf(runs, 'seconds');
  const naiveSec = naive.secondsPerPage * Math.ceil(p.messages / PAGE);
  const rate = p.messages / seconds;
  return {
    params: p,
    runs,
    naive,
    summary: {
      seconds,
      idealSec,
      messagesPerSec: rate,
      idealMessagesPerSec: p.messages / idealSec,
      throughputOfIdeal: idealSec / seconds,
      floodWaits: medianOf(runs, 'floodWaits'),
      requests: medianOf(runs, 'requests'),
      naiveExtrapolatedSec: naiveSec,
      naiveMessagesPerSec: p.messages / naiveSec,
    },
    rows: [
      {
        metric: `seconds for ${p.messages.toLocaleString('en-US')} msgs at ${rps} req/s, burst ${burst}`,
        ours: seconds,
        reference: idealSec,
        referenceName: `token-bucket ideal: (${minRequests} requests − ${burst}) / ${rps}`,
        ratio: idealSec / seconds,
        target: '≥ 90% of ideal throughput',
        met: idealSec / seconds >= 0.9,
      },
      {
        metric: 'FloodWaits taken / requests sent',
        ours: `${medianOf(runs, 'floodWaits')} / ${medianOf(runs, 'requests')}`,
        reference: `0 / ${minRequests}`,
        referenceName: 'the fewest possible',
        ratio: undefined,
        target: '',
        met: undefined,
      },
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

function sim(p) {
  const end = Math.floor(Date.now() / DAY) * DAY;
  // 60 days of 1,000 ids a day hold more than the 50,000 messages the command's limit asks.
  const days = Math.max(10, Math.ceil((p.messages * 1.2) / 1000));
  const source = createSimulatedSource({
    now: end,
    historyDays: days,
    messagesPerDay: 1000,
    rateLimit: p.rateLimit,
  });
  return { source, end, days };
}

async function engine(p) {
  const { source, end, days } = sim(p);
  const iso = (ms) => new Date(ms).toISOString().slice(0, 10);
  const parsed = parseCommand(
    {
      command: 'fetch',
      chat: CHAT,
      mode: 'range',
      from: iso(end - days * DAY),
      to: iso(end - DAY),
      strategy: 'batch',
      limit: p.messages,
    },
    { now: Date.now(), timeZone: 'UTC' },
  );
  if (!parsed.ok) throw parsed.error;
  // A store that keeps nothing: this scenario is about talking to Telegram.
  const store = {
    writeDay: async (day) => ({ count: day.messages.length, location: '' }),
    readDay: async () => undefined,
  };
  const progress = { completed: async () => new Map(), markComplete: async () => {} };
  const events = { publish: async () => {} };
  const t0 = performance.now();
  const outcome = await runFetch(parsed.command, { source, store, progress, events });
  const seconds = (performance.now() - t0) / 1000;
  if (outcome.event !== 'completed' || outcome.processed !== p.messages) {
    throw new Error(`fetch ended ${outcome.event} with ${outcome.processed} messages`);
  }
  const { stats } = source.telegram;
  return {
    seconds,
    floodWaits: stats.floodWaits,
    requests: stats.requests,
    getHistory: stats.getHistory,
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
