// Poison commands: one that crashes its worker every time it starts (the suite SIGKILLs the
// worker on its `started` event, as an out-of-memory kill would) and one that hangs every
// time (the suite, standing in for a supervisor's watchdog, kills the worker 600 ms into
// it). After MAX_DELIVERIES deliveries the command must go to the dead-letter list with a
// `failed` POISON_COMMAND event, and the commands around it must complete.
import { openScenario } from '../lib/harness.mjs';
import { sleep, waitUntil } from '../lib/util.mjs';

export const name = 'poison';

const MAX_DELIVERIES = 3;

export async function run({ rng, short, seed }) {
  const trials = short ? 2 : 6;
  const w = await openScenario('poison', { rng, seed, sim: { latencyMs: 25, maxPageSize: 10 } });
  const poisons = new Set();
  const starts = new Map();
  w.recorder.on((event) => {
    if (event.event === 'started' && poisons.has(event.command_id))
      starts.set(event.command_id, (starts.get(event.command_id) ?? 0) + 1);
  });
  const env = { MAX_DELIVERIES: String(MAX_DELIVERIES) };
  let worker = w.spawn('p1', env);
  let kills = 0;
  try {
    await worker.waitReady();
    for (let trial = 0; trial < trials; trial++) {
      const kind = trial % 2 === 0 ? 'crash' : 'hang';
      const poison = w.command({
        command_id: `poison-${kind}-${trial}`,
        mode: 'range',
        from: isoBack(w, 35),
        to: isoBack(w, 2),
        strategy: 'per_day',
        options: { force: true },
      });
      poisons.add(poison.command_id);
      await w.push([w.command(), poison, w.command()], { poison: kind });
      for (let deliveries = 0; ; ) {
        const seen = await waitUntil(
          () =>
            (starts.get(poison.command_id) ?? 0) > deliveries ||
            w.recorder.finals(poison.command_id).length > 0,
          { timeoutMs: 30_000 },
        );
        if (!seen) throw new Error(`${poison.command_id} neither started again nor ended`);
        if (w.recorder.finals(poison.command_id).length > 0) break;
        deliveries = starts.get(poison.command_id);
        if (kind === 'hang') await sleep(600);
        await worker.kill('SIGKILL');
        kills++;
        worker = w.spawn('p1', env);
        await worker.waitReady();
      }
    }
    const drained = await w.waitFinal(undefined, 60_000);
    const dead = await w.admin.lRange('chaos:commands:dead', 0, -1);
    const expect = (command, finals) => {
      const last = finals[finals.length - 1];
      if (!poisons.has(command.id))
        return last.event === 'completed'
          ? undefined
          : `a command beside the poison failed: ${last.error?.code}`;
      if (last.event !== 'failed' || last.error.code !== 'POISON_COMMAND')
        return `wanted failed POISON_COMMAND, got ${last.event} ${last.error?.code ?? ''}`;
      if (!/dead-letter/.test(last.error.message)) return `no reason given: ${last.error.message}`;
      if (starts.get(command.id) !== MAX_DELIVERIES)
        return `started ${starts.get(command.id)} times, MAX_DELIVERIES is ${MAX_DELIVERIES}`;
      if (!dead.some((payload) => payload.includes(`"${command.id}"`)))
        return 'not in the dead-letter list';
      return undefined;
    };
    const result = await w.verify({ expect });
    if (!drained) result.violations.push('not every command ended within 60 s');
    return {
      trials,
      result,
      world: w,
      notes: `${poisons.size} poison commands (crash, hang alternately), ${kills} worker kills, MAX_DELIVERIES=${MAX_DELIVERIES}; ${dead.length} in the dead-letter list`,
    };
  } catch (error) {
    error.world = w;
    throw error;
  }
}

function isoBack(w, days) {
  return new Date(w.simOptions.now - days * 86_400_000).toISOString().slice(0, 10);
}
