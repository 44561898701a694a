// Workers SIGKILLed at random moments while they run commands, then restarted: under the
// same WORKER_ID half the time (it adopts its own processing list at once) and under a new
// one otherwise (its list is reaped by the others once its heartbeat expires).
import { openScenario } from '../lib/harness.mjs';
import { sleep, waitUntil } from '../lib/util.mjs';

export const name = 'sigkill-workers';

export async function run({ rng, short, seed }) {
  const trials = short ? 10 : 50;
  const w = await openScenario('sigkill', { rng, seed, sim: { latencyMs: 40 } });
  const extra = { MAX_DELIVERIES: '20' };
  const live = new Map();
  const running = new Map();
  w.recorder.on((event) => {
    if (event.event === 'started') running.set(event.worker_id, event.command_id);
    else if (event.event === 'completed' || event.event === 'failed') {
      if (running.get(event.worker_id) === event.command_id) running.delete(event.worker_id);
    }
  });
  const start = async (id) => {
    const daemon = w.spawn(id, extra);
    await daemon.waitReady();
    live.set(id, daemon);
  };
  let kills = 0;
  let midCommand = 0;
  let sameId = 0;
  let nextId = 4;
  try {
    await Promise.all(['w1', 'w2', 'w3'].map(start));
    for (let trial = 0; trial < trials; trial++) {
      await w.push(Array.from({ length: rng.int(2, 4) }, () => w.command()));
      const busy = await waitUntil(
        () => {
          const ids = [...running.keys()].filter((id) => live.has(id));
          return ids.length > 0 ? ids : undefined;
        },
        { timeoutMs: 2_000 },
      );
      const victim = busy ? rng.pick(busy) : rng.pick([...live.keys()]);
      await sleep(rng.int(0, 150));
      if (running.has(victim)) midCommand++;
      await live.get(victim).kill('SIGKILL');
      kills++;
      live.delete(victim);
      running.delete(victim);
      const reuse = rng.chance(0.5);
      if (reuse) sameId++;
      await start(reuse ? victim : `w${nextId++}`);
    }
    const drained = await w.waitFinal(undefined, 120_000);
    const result = await w.verify({ allowRedelivery: true });
    if (!drained) result.violations.push('not every command ended within 120 s of the last kill');
    // A kill can cut at most one command per slot (FETCH_CONCURRENCY=1) after its outcome
    // was published and before it was acked.
    if (result.commands.redelivered > kills)
      result.violations.push(`${result.commands.redelivered} redelivered for ${kills} kills`);
    return {
      trials,
      result,
      notes: `${kills} SIGKILLs (${midCommand} mid-command), ${sameId} restarts under the same id; ${result.data.files} day files, ${result.data.messages} messages checked`,
      world: w,
    };
  } catch (error) {
    error.world = w;
    throw error;
  }
}
