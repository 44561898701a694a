// Redis itself failing: a server killed and restarted while commands run (with an
// fsync-always AOF, as a production Redis that must not lose its queue would have), a
// daemon started before Redis is up, and an outage longer than REDIS_MAX_OUTAGE_MS (the
// daemon must exit 3 and a restarted daemon must drain the queue).
import { guard, inScenario } from '../lib/harness.mjs';
import { sleep, waitUntil } from '../lib/util.mjs';

export const name = 'redis';
export const names = ['redis-restart', 'redis-down-at-start', 'redis-outage-too-long'];

export async function run({ rng, short, seed, only }) {
  const wanted = (n) => !only || only.some((o) => n.startsWith(o));
  const out = [];
  const all = { restartMidRun, downAtStart, outageTooLong };
  for (const [i, fn] of Object.values(all).entries()) {
    if (wanted(names[i])) out.push(await guard(names[i], () => fn({ rng, short, seed })));
  }
  return out;
}

function restartMidRun({ rng, short, seed }) {
  const options = { rng, seed, persistent: true, sim: { latencyMs: 30 } };
  return inScenario('redis-restart', options, async (w) => {
    const trials = short ? 3 : 10;
    const workers = ['w1', 'w2'].map((id) => w.spawn(id));
    await Promise.all(workers.map((d) => d.waitReady()));
    for (let trial = 0; trial < trials; trial++) {
      await w.push(Array.from({ length: 4 }, () => w.command()));
      await sleep(rng.int(100, 600));
      await w.redis.stop('SIGKILL');
      await sleep(rng.int(200, 1_500));
      await w.redis.start();
    }
    const drained = await w.waitFinal(undefined, 90_000);
    const exits = workers.filter((d) => !d.alive).length;
    const result = await w.verify({ allowRedelivery: true });
    if (!drained)
      result.violations.push('not every command ended within 90 s after the last restart');
    if (exits > 0) result.violations.push(`${exits} daemons exited during short outages`);
    const reconnects = workers.reduce(
      (n, d) => n + d.lines.filter((l) => l.msg === 'redis connection problem').length,
      0,
    );
    return {
      trials,
      result,
      notes: `${trials} kill -9 + restarts of redis-server (AOF, fsync always), 2 workers; ${reconnects} connection problems logged; ${w.recorder.counts.streamOnly} events recovered from the stream`,
    };
  });
}

function downAtStart({ rng, short, seed }) {
  return inScenario('redis-down-at-start', { rng, seed, persistent: true }, async (w) => {
    const trials = short ? 2 : 5;
    const codes = [];
    for (let trial = 0; trial < trials; trial++) {
      await w.redis.stop('SIGKILL');
      const daemon = w.spawn(`w${trial + 1}`, { REDIS_MAX_OUTAGE_MS: '20000' });
      await sleep(rng.int(500, 2_500));
      if (!daemon.alive) throw new Error(`daemon gave up while Redis was down for under 3 s`);
      await w.redis.start();
      await daemon.waitReady(20_000);
      const entries = await w.push(Array.from({ length: 3 }, () => w.command()));
      await w.waitFinal(
        entries.map((e) => e.id),
        30_000,
      );
      codes.push((await daemon.stop()).code);
    }
    const result = await w.verify();
    if (codes.some((c) => c !== 0)) result.violations.push(`exit codes after SIGTERM: ${codes}`);
    return {
      trials,
      result,
      notes: `daemon started 0.5-2.5 s before redis-server each time; exit codes ${[...new Set(codes)]}`,
    };
  });
}

function outageTooLong({ rng, short, seed }) {
  const options = { rng, seed, persistent: true, sim: { latencyMs: 60 } };
  return inScenario('redis-outage-too-long', options, async (w) => {
    const trials = short ? 1 : 3;
    const exitCodes = [];
    for (let trial = 0; trial < trials; trial++) {
      const id = trial % 2 === 0 ? 'w1' : `w${trial + 1}`;
      const first = w.spawn(id, { REDIS_MAX_OUTAGE_MS: '2000' });
      await first.waitReady();
      const entries = await w.push(Array.from({ length: 3 }, () => w.command()));
      await waitUntil(() => entries.some((e) => w.recorder.byCommand.get(e.id)?.started.length), {
        timeoutMs: 10_000,
      });
      await w.redis.stop('SIGKILL');
      const exit = await Promise.race([first.exited, sleep(30_000).then(() => ({ code: 'hung' }))]);
      exitCodes.push(exit.code);
      await w.redis.start();
      await w.push(Array.from({ length: 2 }, () => w.command()));
      // Alternately the same WORKER_ID (adopts its own processing list) and a new one (reaps).
      const second = w.spawn(trial % 2 === 0 ? id : `w${trial + 1}b`, {
        REDIS_MAX_OUTAGE_MS: '2000',
      });
      await second.waitReady();
      await w.waitFinal(undefined, 60_000);
      await second.stop();
    }
    const result = await w.verify({ allowRedelivery: true });
    if (exitCodes.some((c) => c !== 3))
      result.violations.push(`daemon exit codes after the outage: ${exitCodes} (want 3)`);
    return {
      trials,
      result,
      notes: `REDIS_MAX_OUTAGE_MS=2000, Redis down until the daemon exited: exit codes ${exitCodes}; a restarted daemon drained the queue`,
    };
  });
}
