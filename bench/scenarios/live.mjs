import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { watch } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { subscribeEvents } from '@tgfetch/redis-transport';
import { createSimulatedTelegram } from '@tgfetch/telegram/testing';
import { startRedisServer } from '@tgfetch/test-utils';
import { CLOCK_TICKS_PER_SEC, cpuTicks, rssMb } from '../lib/proc.mjs';
import { percentile } from '../lib/stats.mjs';

/**
 * 9. Live follow: real `tgfetch daemon` processes on the simulated Telegram's shared live
 * history (`TGFETCH_SIM.live.shared`: a function of the wall clock and the seed, so this
 * process knows when each message was posted without asking the daemon).
 *
 * Latency: a daemon follows a few chats that post steadily; each post's own timestamp
 * (`live.postedAt`) against the moment its day file was renamed into place holding it
 * (inotify on the chat folders) and the moment its `message` event came on `tg_events`.
 *
 * Quiet chats: a daemon follows 1,000 chats that post nothing during the run, at the
 * production poll interval (each chat asked for its difference at least every
 * `FOLLOW_POLL_MS`); its RSS and CPU (utime + stime from /proc) over a window after a
 * warm-up, beside a daemon following nothing, measured over the same window.
 */

export const title = 'Live follow: post → stored / event latency; a daemon following quiet chats';

const RSS_TARGET_MB = 200;
const CPU_TARGET_PCT = 2;
const SEED = 11;

const daemonDir = path.dirname(fileURLToPath(import.meta.resolve('@tgfetch/daemon/package.json')));
const bin = path.join(daemonDir, 'bin', 'tgfetch.js');

export function params(smoke) {
  return smoke
    ? {
        latency: { chats: 3, eventsPerSecond: 2, seconds: 2 },
        quiet: { chats: 20, pollMs: 1_000, warmupSec: 0.5, windowSec: 2 },
      }
    : {
        latency: { chats: 5, eventsPerSecond: 2, seconds: 30 },
        quiet: { chats: 1_000, pollMs: 30_000, warmupSec: 15, windowSec: 45 },
      };
}

export async function run(smoke) {
  const p = params(smoke);
  const latency = await measureLatency(p.latency);
  process.stderr.write(
    `  live latency: ${latency.posted} posts, stored p50 ${latency.stored.p50.toFixed(1)} / p99 ${latency.stored.p99.toFixed(1)} ms, ` +
      `event p50 ${latency.event.p50.toFixed(1)} / p99 ${latency.event.p99.toFixed(1)} ms\n`,
  );
  const quiet = await measureQuiet(p.quiet);
  process.stderr.write(
    `  live quiet: ${quiet.chats} chats: ${quiet.following.rssMb.toFixed(0)} MB, ${quiet.following.cpuPct.toFixed(2)}% CPU; ` +
      `following nothing: ${quiet.idle.rssMb.toFixed(0)} MB, ${quiet.idle.cpuPct.toFixed(2)}% CPU ` +
      `(started following in ${(quiet.followingAfterMs / 1000).toFixed(1)} s)\n`,
  );
  const interval = 1000 / p.latency.eventsPerSecond;
  const pushName = `the time between two posts of a chat, ${p.latency.chats} chats posting together`;
  // A follower keeps up when each post is in before the chat's next one.
  const latencyRow = (metric, value) => ({
    metric,
    ours: value,
    reference: interval,
    referenceName: pushName,
    ratio: value / interval,
    target: `< ${interval} ms (before the next post)`,
    met: value < interval,
  });
  const idleName = 'a daemon following nothing, same window';
  const q = p.quiet;
  return {
    params: p,
    latency,
    quiet,
    rows: [
      latencyRow(
        `post → stored (day file in place), p50 ms (${latency.stored.n} of ${latency.posted} posts)`,
        latency.stored.p50,
      ),
      latencyRow('post → stored, p99 ms', latency.stored.p99),
      latencyRow(
        `post → \`message\` event on tg_events, p50 ms (${latency.event.n} of ${latency.posted})`,
        latency.event.p50,
      ),
      latencyRow('post → `message` event, p99 ms', latency.event.p99),
      {
        metric: `RSS following ${q.chats.toLocaleString('en-US')} quiet chats, MB (most over a ${q.windowSec} s window)`,
        ours: quiet.following.rssMb,
        reference: quiet.idle.rssMb,
        referenceName: idleName,
        ratio: quiet.following.rssMb / quiet.idle.rssMb,
        target: `≤ ${RSS_TARGET_MB} MB`,
        met: quiet.following.rssMb <= RSS_TARGET_MB,
      },
      {
        metric: `CPU following ${q.chats.toLocaleString('en-US')} quiet chats, % of one core (FOLLOW_POLL_MS ${q.pollMs})`,
        ours: quiet.following.cpuPct,
        reference: quiet.idle.cpuPct,
        referenceName: idleName,
        ratio: quiet.following.cpuPct / quiet.idle.cpuPct,
        target: `≤ ${CPU_TARGET_PCT}%`,
        met: quiet.following.cpuPct <= CPU_TARGET_PCT,
      },
      {
        metric: `spawn → following ${q.chats.toLocaleString('en-US')} chats (each resolved, its pts asked), ms`,
        ours: quiet.followingAfterMs,
        reference: quiet.idleReadyMs,
        referenceName: 'spawn → "ready" of the daemon following nothing, started beside it',
        ratio: quiet.followingAfterMs / quiet.idleReadyMs,
        target: '',
        met: undefined,
      },
    ],
  };
}

const chatNames = (prefix, n) => Array.from({ length: n }, (_, i) => `${prefix}_${i}`);

/** The simulated options both the daemon (as TGFETCH_SIM) and this process use. */
function simOptions(live) {
  return { seed: SEED, live };
}

async function measureLatency({ chats: count, eventsPerSecond, seconds }) {
  const server = await startRedisServer();
  const dir = await mkdtemp(path.join(os.tmpdir(), 'tgfetch-bench-live-'));
  const dataDir = path.join(dir, 'data');
  const names = chatNames('live_bench', count);
  // A little history before the daemon starts: its first catch-up walks it, and is not timed.
  const live = { eventsPerSecond, shared: { anchorMs: Date.now() - 10_000, autoDeleteSec: 120 } };
  const truth = createSimulatedTelegram(simOptions(live));
  const byFolder = new Map(names.map((name) => [truth.chat(name).markedId, name]));
  const now = () => performance.timeOrigin + performance.now();
  const stored = new Map();
  const evented = new Map();
  const key = (folder, id) => `${folder}#${id}`;

  // Each chat's folder watched before anything is written: a day file renamed into place
  // holds what is stored, and is read at once for the ids it newly holds.
  const watchers = [];
  for (const folder of byFolder.keys()) {
    // fs-store keeps a chat's days under a folder per year (UTC years: TGFETCH_TZ is UTC).
    for (const year of new Set(
      [0, 120_000].map((ahead) => new Date(Date.now() + ahead).getUTCFullYear()),
    )) {
      const chatDir = path.join(dataDir, folder, String(year));
      await mkdir(chatDir, { recursive: true });
      const reading = new Map();
      watchers.push(
        watch(chatDir, (_kind, file) => {
          if (!file || !/^discussions_\d{4}-\d{2}-\d{2}\.json$/.test(file)) return;
          const at = now();
          const previous = reading.get(file) ?? Promise.resolve();
          const next = previous.then(async () => {
            const text = await readFile(path.join(chatDir, file), 'utf8').catch(() => '');
            if (!text) return;
            let doc;
            try {
              doc = JSON.parse(text);
            } catch {
              return;
            }
            for (const m of doc.messages ?? []) {
              const k = key(folder, m.id);
              if (!stored.has(k)) stored.set(k, at);
            }
          });
          reading.set(file, next);
        }),
      );
    }
  }
  const events = await subscribeEvents(
    (event) => {
      if (event.event !== 'message') return;
      const k = key(String(event.chat), event.id);
      if (!evented.has(k)) evented.set(k, now());
    },
    { url: server.url },
  );
  const daemon = startDaemon({
    dir,
    redisUrl: server.url,
    env: {
      FOLLOW_CHATS: names.map((n) => `@${n}`).join(','),
      TGFETCH_SIM: JSON.stringify(simOptions(live)),
    },
  });
  try {
    await daemon.logged('following live', 60_000, (l) => l.chats === count);
    // Posts from half a second on: the start-up catch-up is over by then.
    const from = Date.now() + 500;
    await sleep(500 + seconds * 1000);
    const until = Date.now();
    const window = [];
    for (const [folder, name] of byFolder) {
      for (const id of truth.live.posted(name, from)) {
        const at = truth.live.postedAt(name, id);
        if (at !== undefined && at < until) window.push({ k: key(folder, id), at });
      }
    }
    // What was posted by the end of the window is given a little longer to arrive.
    const arrived = () => window.every(({ k }) => stored.has(k) && evented.has(k));
    for (const end = Date.now() + 5_000; !arrived() && Date.now() < end; ) await sleep(20);
    const storedMs = [];
    const eventMs = [];
    for (const { k, at } of window) {
      if (stored.has(k)) storedMs.push(stored.get(k) - at);
      if (evented.has(k)) eventMs.push(evented.get(k) - at);
    }
    const posted = window.length;
    const summary = (values) => ({
      n: values.length,
      p50: percentile(values, 50),
      p99: percentile(values, 99),
      max: Math.max(...values),
    });
    return { posted, stored: summary(storedMs), event: summary(eventMs) };
  } finally {
    for (const w of watchers) w.close();
    await daemon.stop();
    await events.close();
    truth.live.stop();
    await server.close();
    await rm(dir, { recursive: true, force: true });
  }
}

async function measureQuiet({ chats: count, pollMs, warmupSec, windowSec }) {
  // Two servers: the daemon following nothing must not see the other's follow set.
  const servers = [await startRedisServer(), await startRedisServer()];
  const dirs = [
    await mkdtemp(path.join(os.tmpdir(), 'tgfetch-bench-quiet-')),
    await mkdtemp(path.join(os.tmpdir(), 'tgfetch-bench-idle-')),
  ];
  // One slot an hour, the last one half an hour ago: nothing is posted during the run.
  const live = {
    eventsPerSecond: 1 / 3600,
    shared: { anchorMs: Date.now() - 1_800_000, autoDeleteSec: 0 },
  };
  const sim = JSON.stringify(simOptions(live));
  const names = chatNames('quiet_bench', count);
  const t0 = Date.now();
  const following = startDaemon({
    dir: dirs[0],
    redisUrl: servers[0].url,
    env: {
      FOLLOW_CHATS: names.map((n) => `@${n}`).join(','),
      FOLLOW_POLL_MS: String(pollMs),
      TGFETCH_SIM: sim,
    },
  });
  const idle = startDaemon({
    dir: dirs[1],
    redisUrl: servers[1].url,
    env: { FOLLOW_POLL_MS: String(pollMs), TGFETCH_SIM: sim },
  });
  try {
    await idle.logged('ready', 30_000);
    const idleReadyMs = Date.now() - t0;
    await following.logged('following live', 120_000, (l) => l.chats === count);
    const followingAfterMs = Date.now() - t0;
    await sleep(warmupSec * 1000);
    const window = await measureWindow([following.pid, idle.pid], windowSec * 1000);
    return {
      chats: count,
      followingAfterMs,
      idleReadyMs,
      following: window[0],
      idle: window[1],
      warnings: following.warnings(),
    };
  } finally {
    await Promise.all([following.stop(), idle.stop()]);
    for (const server of servers) await server.close();
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  }
}

/** CPU (% of one core) over the window and the most RSS seen in it (sampled each second). */
async function measureWindow(pids, ms) {
  const start = performance.now();
  const ticks0 = await Promise.all(pids.map(cpuTicks));
  const most = pids.map(() => 0);
  while (performance.now() - start < ms) {
    await sleep(Math.min(1_000, ms - (performance.now() - start)));
    const rss = await Promise.all(pids.map(rssMb));
    rss.forEach((mb, i) => {
      most[i] = Math.max(most[i], mb);
    });
  }
  const ticks1 = await Promise.all(pids.map(cpuTicks));
  const seconds = (performance.now() - start) / 1000;
  return pids.map((_, i) => ({
    rssMb: most[i],
    cpuPct: ((ticks1[i] - ticks0[i]) / CLOCK_TICKS_PER_SEC / seconds) * 100,
    seconds,
  }));
}

/** `tgfetch daemon` on the simulated Telegram, its JSON log lines watched. */
function startDaemon({ dir, redisUrl, env }) {
  const child = spawn(process.execPath, [bin, 'daemon'], {
    cwd: dir,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      TGFETCH_SOURCE: 'simulated',
      REDIS_URL: redisUrl,
      DATA_DIR: path.join(dir, 'data'),
      LOG_LEVEL: 'info',
      WORKER_ID: `bench-live-${path.basename(dir)}`,
      METRICS_PORT: '0',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines = [];
  const waiting = new Set();
  let rest = '';
  let err = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk) => {
    err += chunk;
  });
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk) => {
    const parts = (rest + chunk).split('\n');
    rest = parts.pop() ?? '';
    for (const line of parts) {
      if (!line.startsWith('{')) continue;
      const entry = JSON.parse(line);
      lines.push(entry);
      for (const w of waiting) w(entry);
    }
  });
  let exited = false;
  const exit = once(child, 'exit').then(() => {
    exited = true;
  });
  return {
    pid: child.pid,
    /** Resolves once a log line of message `msg` (that `matches`) came, or had come. */
    logged(msg, timeoutMs, matches = () => true) {
      const wanted = (l) => l.msg === msg && matches(l);
      if (lines.some(wanted)) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiting.delete(check);
          reject(new Error(`no "${msg}" from the daemon in ${timeoutMs} ms:\n${tail()}`));
        }, timeoutMs);
        const check = (entry) => {
          if (!wanted(entry)) return;
          clearTimeout(timer);
          waiting.delete(check);
          resolve();
        };
        waiting.add(check);
        void exit.then(() => {
          if (!waiting.has(check)) return;
          clearTimeout(timer);
          waiting.delete(check);
          reject(new Error(`the daemon exited before "${msg}":\n${tail()}`));
        });
      });
    },
    warnings: () => lines.filter((l) => l.level === 'warn' || l.level === 40).length,
    async stop() {
      if (exited) return;
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exit;
      clearTimeout(killer);
    },
  };
  function tail() {
    return `${lines
      .slice(-20)
      .map((l) => JSON.stringify(l))
      .join('\n')}\n${err.slice(-2000)}`;
  }
}
