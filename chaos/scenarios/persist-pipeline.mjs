// The persistence pipeline (MESSAGES_STREAM + `tgfetch persist`) under fire: daemons store days as files and append
// their messages to a Redis stream; `tgfetch persist` workers move them into PostgreSQL
// while being SIGKILLed mid-batch and while the PostgreSQL server is restarted (a clean
// `fast` stop and a crash-like `immediate` one). The checker then finds every message of
// the day files in PostgreSQL exactly once, and nothing dead-lettered or left pending.
import { checkPipeline } from '../lib/check-pg.mjs';
import { loadPg } from '../lib/env.mjs';
import { openScenario } from '../lib/harness.mjs';
import { postgresBinDir, startPostgres } from '../lib/postgres-server.mjs';
import { sleep, waitUntil } from '../lib/util.mjs';

export const name = 'persist-pipeline';

const STREAM = 'chaos:messages';
const GROUP = 'post_persist_workers';

export async function run({ rng, short, seed }) {
  if (!postgresBinDir()) return { skipped: 'no PostgreSQL server binaries installed' };
  const trials = short ? 6 : 30;
  const w = await openScenario('persist', { rng, seed, sim: { latencyMs: 5, messagesPerDay: 60 } });
  let pg;
  let client;
  try {
    pg = await startPostgres({ dir: w.dir });
    const pipeline = {
      MESSAGES_STREAM: STREAM,
      MESSAGES_STREAM_MAXLEN: '100000000',
      DATABASE_URL: pg.url,
    };
    const persistEnv = {
      ...pipeline,
      PERSIST_BATCH_SIZE: '25',
      PERSIST_CLAIM_IDLE_MS: '1500',
      // Kills land on the same entries again and again: they must not end as dead letters.
      MAX_DELIVERIES: '1000',
      LOG_LEVEL: 'debug',
      DATABASE_POOL_SIZE: '4',
    };
    const live = new Map();
    const startPersist = async (id) => {
      const worker = w.spawn(id, persistEnv, {}, 'persist');
      await worker.waitReady();
      live.set(id, worker);
    };
    const daemons = ['d1', 'd2'].map((id) => w.spawn(id, pipeline));
    await Promise.all(daemons.map((d) => d.waitReady()));
    await Promise.all(['p1', 'p2'].map(startPersist));

    let kills = 0;
    let midBatch = 0;
    let restarts = 0;
    let nextId = 3;
    const restartAt = new Set([Math.floor(trials / 3), Math.floor((2 * trials) / 3)]);
    for (let trial = 0; trial < trials; trial++) {
      await w.push(
        Array.from({ length: rng.int(2, 4) }, () => w.command({ options: { force: true } })),
      );
      if (restartAt.has(trial)) {
        await sleep(rng.int(50, 400));
        await pg.restart(restarts === 0 ? 'fast' : 'immediate');
        restarts++;
        continue;
      }
      // Wait for a victim in the middle of its batches, then kill it a moment later.
      const victim = rng.pick([...live.keys()]);
      const worker = live.get(victim);
      const seen = worker.lines.length;
      const busy = await waitUntil(
        () => worker.lines.slice(seen).some((l) => l.msg === 'batch persisted'),
        { timeoutMs: 3_000 },
      );
      await sleep(rng.int(0, 30));
      if (busy) midBatch++;
      await worker.kill('SIGKILL');
      kills++;
      live.delete(victim);
      await startPersist(rng.chance(0.5) ? victim : `p${nextId++}`);
    }
    const finished = await w.waitFinal(undefined, 120_000);
    const admin = w.admin;
    // Drained: every entry delivered (no lag) and acknowledged (nothing pending).
    const drained = await waitUntil(
      async () => {
        const groups = await admin.xInfoGroups(STREAM).catch(() => []);
        const g = groups.find((x) => String(x.name) === GROUP);
        return g && Number(g.pending) === 0 && Number(g.lag ?? 0) === 0;
      },
      { timeoutMs: 120_000, everyMs: 250 },
    );
    const result = await w.verify({ allowRedelivery: true, drained: true });
    const stopped = await Promise.all([...live.values()].map((p) => p.stop()));
    const Pg = await loadPg();
    client = new Pg.Client({ connectionString: pg.url });
    await client.connect();
    const check = await checkPipeline({ dataDir: w.dataDir, client });
    const dead = await admin.xLen(`${STREAM}:dead`);
    const appended = await admin.xLen(STREAM);
    if (!finished) result.violations.push('not every command ended within 120 s');
    if (!drained) result.violations.push('the messages stream was not drained within 120 s');
    if (dead > 0) result.violations.push(`${dead} dead letters`);
    if (stopped.some((s) => s.code !== 0))
      result.violations.push(`persist exits on SIGTERM: ${stopped.map((s) => s.code).join(', ')}`);
    if (check.expected === 0) result.violations.push('no message was stored: nothing checked');
    result.violations.push(...check.problems.map((p) => `pipeline: ${p}`));
    return {
      trials,
      result,
      notes: `${kills} persist SIGKILLs (${midBatch} mid-batch), ${restarts} PostgreSQL restarts; ${appended} stream entries for ${check.expected} distinct messages in ${result.data.files} day files, ${check.rows} rows (${check.missing} missing, ${check.extra} extra, ${check.differ} differing)`,
      world: w,
    };
  } catch (error) {
    error.world = w;
    throw error;
  } finally {
    await client?.end().catch(() => {});
    await w.stopAll().catch(() => {});
    await pg?.stop();
  }
}
