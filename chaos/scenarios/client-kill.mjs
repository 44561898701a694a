// Connections cut by the server (`CLIENT KILL`) while commands run: the workers' blocking
// BLMOVE connections (found by name in CLIENT LIST), every subscriber (`TYPE pubsub`: the
// recorder's and a `tgfetch listen` process's), the daemons' other connections (publish,
// ack, heartbeat, lock), or all of them at once. Everyone must reconnect and carry on.
import { spawn } from 'node:child_process';
import { BIN } from '../lib/env.mjs';
import { openScenario } from '../lib/harness.mjs';
import { sleep, waitUntil } from '../lib/util.mjs';

export const name = 'client-kill';

const KINDS = ['blocking', 'subscribers', 'daemon-connections', 'everything'];

export async function run({ rng, short, seed }) {
  const trials = short ? 8 : 30;
  const w = await openScenario('client-kill', { rng, seed, sim: { latencyMs: 20 } });
  let listener;
  try {
    const workers = ['w1', 'w2'].map((id) => w.spawn(id));
    await Promise.all(workers.map((d) => d.waitReady()));
    listener = startListener(w);
    await waitUntil(() =>
      clients(w.admin).then((list) => list.filter((c) => c.flags.includes('P')).length >= 2),
    );
    const killed = Object.fromEntries(KINDS.map((k) => [k, 0]));
    for (let trial = 0; trial < trials; trial++) {
      await w.push(Array.from({ length: 3 }, () => w.command()));
      await sleep(rng.int(30, 300));
      const kind = KINDS[trial % KINDS.length];
      killed[kind] += await kill(w.admin, kind);
    }
    await w.waitFinal(undefined, 90_000);
    // Whoever was cut last must be back: fresh commands go through and are heard.
    const tail = await w.push([w.command(), w.command()]);
    const drained = await w.waitFinal(undefined, 60_000);
    const heard = await waitUntil(() => tail.every((t) => listener.finals.has(t.id)), {
      timeoutMs: 10_000,
    });
    const exits = workers.filter((d) => !d.alive).length;
    const result = await w.verify({ allowRedelivery: true });
    if (!drained) result.violations.push('not every command ended within 90 s');
    if (!heard)
      result.violations.push(
        '`tgfetch listen` stopped hearing events after its connection was killed',
      );
    if (exits > 0) result.violations.push(`${exits} daemons exited`);
    return {
      trials,
      result,
      world: w,
      notes: `killed ${Object.entries(killed)
        .map(([k, n]) => `${n} ${k}`)
        .join(
          ', ',
        )} connections; ${w.recorder.counts.streamOnly} events recovered from the stream; tgfetch listen heard ${listener.finals.size} outcomes`,
    };
  } catch (error) {
    error.world = w;
    throw error;
  } finally {
    listener?.child.kill('SIGTERM');
  }
}

function startListener(w) {
  const child = spawn(process.execPath, [BIN, 'listen', '--json'], {
    cwd: w.dir,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: w.dir,
      REDIS_URL: w.redis.url,
      EVENTS_CHANNEL: 'chaos:events',
    },
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const finals = new Set();
  let partial = '';
  child.stdout.on('data', (chunk) => {
    const lines = (partial + chunk).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      try {
        const event = JSON.parse(line);
        if (event.event === 'completed' || event.event === 'failed') finals.add(event.command_id);
      } catch {}
    }
  });
  return { child, finals };
}

async function clients(admin) {
  const text = String(await admin.sendCommand(['CLIENT', 'LIST']));
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) =>
      Object.fromEntries(
        line.split(' ').map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]),
      ),
    );
}

/** Kills one kind of connection; returns how many went. */
async function kill(admin, kind) {
  if (kind === 'subscribers')
    return Number(await admin.sendCommand(['CLIENT', 'KILL', 'TYPE', 'pubsub']));
  if (kind === 'everything') {
    const normal = Number(
      await admin.sendCommand(['CLIENT', 'KILL', 'TYPE', 'normal', 'SKIPME', 'yes']),
    );
    return normal + Number(await admin.sendCommand(['CLIENT', 'KILL', 'TYPE', 'pubsub']));
  }
  const list = await clients(admin);
  const victims = list.filter((c) =>
    kind === 'blocking'
      ? /^tgfetch:.*:pop$/.test(c.name)
      : !c.name.startsWith('chaos:') && !c.flags.includes('P') && !/:pop$/.test(c.name),
  );
  let n = 0;
  for (const c of victims) {
    n += Number(await admin.sendCommand(['CLIENT', 'KILL', 'ID', c.id]).catch(() => 0));
  }
  return n;
}
