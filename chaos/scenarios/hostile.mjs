// Hostile producers and broken infrastructure (issue 14): a command nested thousands deep,
// a frozen Redis (SIGSTOP), a Redis restarted without its data, a flood of distinct time
// zone spellings, one chat's long commands beside others' short ones, and a stream-mode
// backlog past the queue's bound. Each ends with the usual check: every pushed command
// ended once, nothing left in Redis, every file whole.
import { readFileSync } from 'node:fs';
import { loadTransport } from '../lib/env.mjs';
import { guard, inScenario, settle } from '../lib/harness.mjs';
import { freePort, sleep, waitUntil } from '../lib/util.mjs';

export const name = 'hostile';
export const names = [
  'deep-nesting',
  'frozen-redis',
  'redis-empty-restart',
  'zone-flood',
  'one-chat-hol',
  'stream-backlog',
];

export async function run({ rng, short, seed, only }) {
  const wanted = (n) => !only || only.some((o) => n.startsWith(o));
  const out = [];
  const all = { deepNesting, frozenRedis, redisEmptyRestart, zoneFlood, oneChatHol, streamBacklog };
  for (const [i, fn] of Object.values(all).entries()) {
    if (wanted(names[i])) out.push(await guard(names[i], () => fn({ rng, short, seed })));
  }
  return out;
}

/** A JSON text nested `depth` deep: `{"a":{"a":…}}`, built without recursion. */
function nested(depth) {
  return `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
}

// Each deep command crashed the parser with RangeError; its release undid its delivery
// count, so it came back forever and pinned the worker. Now a crash counts as a delivery:
// it ends failed (dead-lettered, or rejected once the parser bounds depth) and the commands
// behind it run.
function deepNesting({ rng, short, seed }) {
  return inScenario('deep-nesting', { rng, seed }, async (w) => {
    const trials = short ? 2 : 6;
    const list = w.spawn('d1', { MAX_DELIVERIES: '3' });
    const stream = w.spawn('d2', {
      MAX_DELIVERIES: '3',
      QUEUE_MODE: 'stream',
      QUEUE_NAME: 'chaos:stream',
    });
    await Promise.all([list.waitReady(), stream.waitReady()]);
    const deep = new Set();
    for (let trial = 0; trial < trials; trial++) {
      const id = `deep-${trial}`;
      deep.add(id);
      const field = trial % 2 === 0 ? 'command' : 'mode';
      // The nested value last: JSON keeps the last of a repeated key.
      const raw = `{"command_id":"${id}","chat":"@chaos_alpha","command":"fetch","mode":"days","days":1,"${field}":${nested(4_200)}}`;
      const good = [w.command(), w.command()];
      if (trial % 2 === 0) {
        await w.admin.rPush('chaos:commands', raw);
        await w.push(good);
      } else {
        await w.admin.xAdd('chaos:stream', '*', { payload: raw });
        for (const c of good)
          await w.admin.xAdd('chaos:stream', '*', { payload: JSON.stringify(c) });
        w.pushed.push(...good.map((c) => ({ id: c.command_id, command: c })));
      }
      w.pushed.push({ id, command: { command_id: id } });
    }
    const drained = await w.waitFinal(undefined, 60_000);
    const expect = (command, finals) => {
      const last = finals[finals.length - 1];
      if (!deep.has(command.id))
        return last.event === 'completed' ? undefined : `a command beside the deep one failed`;
      return last.event === 'failed' ? undefined : 'a deep command did not fail';
    };
    const result = await w.verify({ expect });
    const streamLeft = await w.admin.xLen('chaos:stream');
    if (!drained) result.violations.push('not every command ended within 60 s (a worker stuck)');
    if (streamLeft > 0) result.violations.push(`${streamLeft} entries left in the command stream`);
    return {
      trials,
      result,
      notes: `${trials} commands nested 4,200 deep (list and stream mode), MAX_DELIVERIES=3; codes ${JSON.stringify(result.commands.codes)}`,
    };
  });
}

// SIGSTOP on redis-server: sockets stay open, nothing answers. /healthz must turn 503, the
// daemons exit 3 past REDIS_MAX_OUTAGE_MS, and one told to stop exits within its grace.
function frozenRedis({ rng, short, seed }) {
  return inScenario(
    'frozen-redis',
    { rng, seed, persistent: true, sim: { latencyMs: 40 } },
    async (w) => {
      const trials = short ? 1 : 3;
      const problems = [];
      let graceMs = 0;
      for (let trial = 0; trial < trials; trial++) {
        const port = await freePort();
        const outage = w.spawn(`f${trial}`, {
          REDIS_MAX_OUTAGE_MS: '3000',
          REDIS_REPLY_TIMEOUT_MS: '500',
          METRICS_PORT: String(port),
        });
        const stopper = w.spawn(`s${trial}`, {
          REDIS_MAX_OUTAGE_MS: '600000',
          SHUTDOWN_GRACE_MS: '2000',
        });
        await Promise.all([outage.waitReady(), stopper.waitReady()]);
        await w.push(Array.from({ length: 4 }, () => w.command()));
        await sleep(rng.int(100, 400));
        w.redis.freeze();
        const unhealthy = await waitUntil(async () => (await healthz(port)) === 503, {
          timeoutMs: 5_000,
        });
        if (!unhealthy) problems.push('/healthz did not turn 503 while Redis was frozen');
        const sent = Date.now();
        const stopped = await Promise.race([stopper.stop(10_000), sleep(10_000)]);
        graceMs = Math.max(graceMs, Date.now() - sent);
        if (stopped?.code !== 0) problems.push(`SIGTERM while frozen: exit ${stopped?.code}`);
        const exit = await Promise.race([outage.exited, sleep(15_000)]);
        if (exit?.code !== 3) problems.push(`past REDIS_MAX_OUTAGE_MS: exit ${exit?.code}, not 3`);
        w.redis.thaw();
      }
      const after = (short ? ['a1'] : ['a1', 'a2']).map((id) => w.spawn(id));
      await Promise.all(after.map((d) => d.waitReady()));
      const result = await settle(w, {
        timeoutMs: 90_000,
        problems,
        undrained: 'not every command ended after Redis woke',
      });
      return {
        trials,
        result,
        notes: `${trials} freezes (SIGSTOP) of redis-server: /healthz 503, exit 3 past a 3 s outage limit, SIGTERM with a 2 s grace exited in ≤ ${graceMs} ms`,
      };
    },
  );
}

async function healthz(port) {
  try {
    return (await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(1_000) }))
      .status;
  } catch {
    return 0;
  }
}

// A Redis without persistence restarted: everything queued is gone, which no reconnect
// tells. Each daemon must say so (error-level log line, a metric) and carry on.
function redisEmptyRestart({ rng, short, seed }) {
  return inScenario('redis-empty-restart', { rng, seed }, async (w) => {
    const trials = short ? 1 : 3;
    const ports = [await freePort(), await freePort()];
    const daemons = ports.map((port, i) => w.spawn(`e${i + 1}`, { METRICS_PORT: String(port) }));
    await Promise.all(daemons.map((d) => d.waitReady()));
    const problems = [];
    for (let trial = 0; trial < trials; trial++) {
      await w.push(Array.from({ length: 5 }, () => w.command()));
      if (!(await w.waitFinal(undefined, 60_000)))
        problems.push('commands before the restart did not end');
      await w.recorder.sync();
      await w.redis.restart('SIGKILL');
      for (const [i, d] of daemons.entries()) {
        const told = await waitUntil(
          () =>
            d.lines
              .filter((l) => l.level === 50 || l.level === 'error')
              .filter((l) => l.error_type === 'REDIS_DATA_LOST').length > trial,
          { timeoutMs: 15_000 },
        );
        if (!told) problems.push(`${d.name} did not report the lost data (trial ${trial + 1})`);
        const metrics = await fetch(`http://127.0.0.1:${ports[i]}/metrics`).then((r) => r.text());
        if (!metrics.includes(`\ntgfetch_redis_data_lost_total ${trial + 1}\n`))
          problems.push(`${d.name}: tgfetch_redis_data_lost_total is not ${trial + 1}`);
      }
    }
    await w.push(Array.from({ length: 5 }, () => w.command()));
    const result = await settle(w, {
      timeoutMs: 60_000,
      problems,
      undrained: 'commands after the restarts did not end',
    });
    return {
      trials,
      result,
      notes: `${trials} restarts of a redis-server without persistence; each of 2 daemons logged REDIS_DATA_LOST at error level and counted it`,
    };
  });
}

// 40,000 rejected commands, each with another spelling of a zone: the daemon's RSS must
// grow by less than 20 MB. The warm-up is a flood of its own (4,000): V8 sizes its heap for
// a flood in its first few thousand commands, a one-time step of about 13 MB that a
// 200-command warm-up counted as growth. Past it the heap swings by some 15 MB either way
// with its GC cycle, whatever the count: a bound scaled down to a shorter flood would
// measure that swing (20,000 commands once grew 22.7 MB), so the short suite leaves it out.
function zoneFlood({ rng, short, seed }) {
  if (short)
    return { name: 'zone-flood', skipped: 'full suite only (an RSS bound needs the long flood)' };
  return inScenario('zone-flood', { rng, seed }, async (w) => {
    const count = 40_000;
    const warmup = 4_000;
    const daemon = w.spawn('z1');
    await daemon.waitReady();
    await pushFlood(w, 'warm', 0, warmup, rng);
    await w.waitFinal(undefined, 60_000);
    const before = rss(daemon.pid);
    await pushFlood(w, 'zone', warmup, count, rng);
    const drained = await w.waitFinal(undefined, 600_000);
    const grown = (rss(daemon.pid) - before) / 1024;
    const result = await w.verify({
      expect: (_c, finals) => (finals.at(-1).event === 'failed' ? undefined : 'was not rejected'),
    });
    if (!drained) result.violations.push('the flood did not drain');
    if (grown >= 20) result.violations.push(`RSS grew by ${grown.toFixed(1)} MB (limit 20 MB)`);
    return {
      trials: 1,
      result,
      notes: `${count} rejected commands with distinct zone spellings after ${warmup} to warm up: RSS grew by ${grown.toFixed(1)} MB`,
    };
  });
}

/** Pushes `count` rejected commands in batches of 1,000, spellings from the `first`th on. */
async function pushFlood(w, label, first, count, rng) {
  for (let i = 0; i < count; i += 1_000) {
    const batch = Array.from({ length: Math.min(1_000, count - i) }, (_, j) =>
      spelled(`${label}-${i + j}`, first + i + j, rng),
    );
    await w.push(batch);
  }
}

/** A command rejected for its future date, its zone spelled the `n`th way (case and prefix). */
function spelled(id, n, rng) {
  const zone = 'America/Argentina/ComodRivadavia';
  let spelling = '';
  for (let i = 0, bits = n; i < zone.length; i++) {
    const ch = zone[i];
    if (/[a-z]/i.test(ch) && bits > 0) {
      spelling += bits & 1 ? ch.toUpperCase() : ch.toLowerCase();
      bits >>= 1;
    } else spelling += ch;
  }
  return {
    command: 'fetch',
    command_id: id,
    chat: `@${rng.pick(['chaos_alpha', 'chaos_bravo'])}`,
    mode: 'date',
    date: '2999-01-01',
    options: { tz: spelling },
  };
}

function rss(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
}

// Three long commands for one chat and three workers: two of them used to sit on the chat
// lock while six short commands for other chats waited. Now the others start at once.
function oneChatHol({ rng, short, seed }) {
  return inScenario(
    'one-chat-hol',
    { rng, seed, sim: { latencyMs: 40, maxPageSize: 10 } },
    async (w) => {
      const trials = short ? 1 : 3;
      const workers = ['h1', 'h2', 'h3'].map((id) => w.spawn(id));
      await Promise.all(workers.map((d) => d.waitReady()));
      const started = new Map();
      w.recorder.on((event) => {
        if (event.event === 'started' && !started.has(event.command_id))
          started.set(event.command_id, Date.now());
      });
      let worstMs = 0;
      const problems = [];
      for (let trial = 0; trial < trials; trial++) {
        const long = Array.from({ length: 3 }, () =>
          w.command({
            chatName: 'chaos_alpha',
            mode: 'range',
            from: isoBack(w, short ? 10 : 22),
            to: isoBack(w, 2),
            strategy: 'per_day',
            options: { force: true },
          }),
        );
        const other = (i, id) =>
          w.command({
            command_id: id,
            // Six chats of their own: two on one chat would wait for each other, rightly.
            chatName: `chaos_hol_${i}`,
            mode: 'date',
            date: isoBack(w, 3 + i),
            strategy: 'batch',
            options: {},
          });
        // Their days are fetched once first, so that what the others wait for is a worker,
        // not Telegram: a run that finds its day complete takes milliseconds.
        const warm = Array.from({ length: 6 }, (_, i) => other(i, `hol-warm-${trial}-${i}`));
        await w.push(warm);
        await w.waitFinal(
          warm.map((c) => c.command_id),
          60_000,
        );
        const others = Array.from({ length: 6 }, (_, i) => other(i, `hol-${trial}-${i}`));
        await w.push(long);
        await waitUntil(() => long.some((c) => started.has(c.command_id)), { timeoutMs: 10_000 });
        const pushedAt = Date.now();
        await w.push(others);
        await w.waitFinal(
          others.map((c) => c.command_id),
          60_000,
        );
        for (const c of others) {
          const waited = (started.get(c.command_id) ?? Number.POSITIVE_INFINITY) - pushedAt;
          worstMs = Math.max(worstMs, waited);
        }
        const stillLong = long.filter((c) => w.recorder.finals(c.command_id).length === 0).length;
        if (stillLong === 0)
          problems.push(
            'the long commands ended before the others started: no contention measured',
          );
        await w.waitFinal(
          long.map((c) => c.command_id),
          120_000,
        );
      }
      if (worstMs >= 1_000)
        problems.push(`others' commands waited up to ${worstMs} ms to start (limit 1 s)`);
      const result = await w.verify();
      result.violations.push(...problems);
      return {
        trials,
        result,
        notes: `3 workers, 3 long commands on one chat, 6 short ones on others: they waited ≤ ${worstMs} ms to start`,
      };
    },
  );
}

function isoBack(w, days) {
  return new Date(w.simOptions.now - days * 86_400_000).toISOString().slice(0, 10);
}

// Stream mode with no worker running: the producer pushed past the bound, and trimming
// dropped the oldest commands without a trace. Now the producer refuses past
// MAX_QUEUE_LENGTH (QUEUE_FULL), nothing is trimmed, and acked entries are deleted.
function streamBacklog({ rng, short, seed }) {
  return inScenario('stream-backlog', { rng, seed }, async (w) => {
    const max = short ? 100 : 10_000;
    const attempts = max + (short ? 10 : 300);
    const { createCommandClient } = await loadTransport();
    const producer = await createCommandClient({
      url: w.redis.url,
      transport: 'stream',
      stream: 'chaos:stream',
      maxQueueLength: max,
    });
    let refused = 0;
    try {
      for (let i = 0; i < attempts; i++) {
        // Spread over 50 chats: the backlog is about the queue, not about one chat's lock.
        const c = w.command({
          chatName: `chaos_backlog_${i % 50}`,
          mode: 'date',
          date: isoBack(w, 2 + (i % 30)),
          strategy: 'batch',
        });
        try {
          await producer.send(c);
          w.pushed.push({ id: c.command_id, command: c });
        } catch (error) {
          if (error.code !== 'QUEUE_FULL') throw error;
          refused++;
        }
      }
    } finally {
      await producer.close();
    }
    const env = { QUEUE_MODE: 'stream', QUEUE_NAME: 'chaos:stream', FETCH_CONCURRENCY: '2' };
    const workers = (short ? ['b1', 'b2'] : ['b1', 'b2', 'b3']).map((id) => w.spawn(id, env));
    await Promise.all(workers.map((d) => d.waitReady()));
    const drained = await w.waitFinal(undefined, short ? 120_000 : 900_000);
    const result = await w.verify();
    const left = await w.admin.xLen('chaos:stream');
    if (!drained) result.violations.push('the backlog did not drain');
    if (refused !== attempts - max)
      result.violations.push(`${refused} pushes refused, wanted ${attempts - max}`);
    if (left > 0) result.violations.push(`${left} entries left in the stream after all were acked`);
    return {
      trials: 1,
      result,
      notes: `${attempts} pushes with no worker, MAX_QUEUE_LENGTH=${max}: ${refused} refused (QUEUE_FULL), none trimmed; ${left} entries left after the drain`,
    };
  });
}
