// Schedules under fire: three daemons share 200 schedules in Redis, each every 10 s (added
// as `schedule` commands on the queue, so the workers' handler adds them), their ticks
// spread over 4 s by SCHEDULE_JITTER_MS. Daemons are SIGKILLed at random (mostly inside the
// windows where ticks are due, each replaced at once) and redis-server is killed and
// restarted once (AOF, fsync always). The ticks go to a queue of their own that nothing
// takes from (SCHEDULE_QUEUE), so afterwards it holds every push ever made: each tick the
// patterns say was due must be there exactly once (0 missed, 0 doubled, none extra).
// The restarted redis-server answers LOADING for a while (its AOF rewritten first, each key
// of the RDB preamble loaded with a delay), as a large production one does.

import { loadCore, loadTransport } from '../lib/env.mjs';
import { CHATS, inScenario } from '../lib/harness.mjs';
import { sleep, waitUntil } from '../lib/util.mjs';

export const name = 'schedules';

const SCHEDULES = 200;
const EVERY_MS = 10_000;
const JITTER_MS = 4_000;
const TICKS = 'chaos:ticks';

export function run({ rng, short, seed }) {
  const redisArgs = ['--key-load-delay', '2000', '--loading-process-events-interval-bytes', '1024'];
  return inScenario('schedules', { rng, seed, persistent: true, redisArgs }, async (w) => {
    const { jitterOffset, countTicks, parseScheduleCommandId } = await loadCore();
    const { createRedisSchedules } = await loadTransport();
    const seconds = short ? 60 : 600;
    const kills = short ? 10 : 80;
    const env = {
      SCHEDULE_QUEUE: TICKS,
      SCHEDULE_JITTER_MS: String(JITTER_MS),
      MAX_QUEUE_LENGTH: '1000000',
    };
    let serial = 0;
    const spawn = () => w.spawn(`s${++serial}`, env);
    const alive = [spawn(), spawn(), spawn()];
    await Promise.all(alive.map((d) => d.waitReady()));

    const names = Array.from({ length: SCHEDULES }, (_, i) => `every10s-${i}`);
    await w.admin.rPush(
      'chaos:commands',
      names.map((n, i) =>
        JSON.stringify({
          command: 'schedule',
          action: 'add',
          command_id: `add-${n}`,
          name: n,
          chat: `@${CHATS[i % CHATS.length]}`,
          every: '10s',
        }),
      ),
    );
    const added = await waitUntil(
      async () => (await w.admin.sCard('tg_schedules:names')) === SCHEDULES,
      { timeoutMs: 30_000, everyMs: 100 },
    );
    if (!added) throw new Error('the 200 schedule commands were not all applied');
    const began = Date.now();

    // Kills at random times of the run, three in four moved into a window where ticks are
    // due; redis-server killed and restarted once, halfway.
    const end = began + seconds * 1_000;
    const times = Array.from({ length: kills }, () => {
      const at = rng.int(began + 2_000, end - 2_000);
      const due = Math.floor(at / EVERY_MS) * EVERY_MS + rng.int(0, JITTER_MS);
      return rng.chance(0.75) && due > began ? due : at;
    }).sort((a, b) => a - b);
    let redisRestarted = false;
    let loadedMs = 0;
    for (const [k, at] of times.entries()) {
      await sleep(Math.max(0, at - Date.now()));
      if (!redisRestarted && k === Math.floor(kills / 2)) {
        await w.admin.bgRewriteAof();
        const rewritten = await waitUntil(
          async () => /aof_rewrite_in_progress:0/.test(await w.admin.info('persistence')),
          { timeoutMs: 10_000, everyMs: 50 },
        );
        if (!rewritten) throw new Error('the AOF rewrite before the restart did not end');
        const loadingFrom = Date.now();
        await w.redis.stop('SIGKILL');
        await sleep(rng.int(200, 1_000));
        await w.redis.start();
        loadedMs = Date.now() - loadingFrom;
        redisRestarted = true;
      }
      const victim = rng.pick(alive);
      victim.kill('SIGKILL');
      alive.splice(alive.indexOf(victim), 1);
      alive.push(spawn());
    }

    // Stop between two due windows: 7 s past a tick, 3 s after the last due time and 3 s
    // before the next, so that every tick due before the stop had a daemon's second to run.
    const stopAt =
      Math.ceil((Math.max(Date.now(), began + seconds * 1_000) - 7_000) / EVERY_MS) * EVERY_MS +
      7_000;
    await sleep(Math.max(0, stopAt - Date.now()));
    const store = createRedisSchedules({ client: w.admin, jitterMs: JITTER_MS });
    await Promise.all(names.map((n) => store.pause(n)));
    const pausedBy = Date.now();
    // The survivors stop on SIGTERM within the grace period, exit 0.
    const exits = await Promise.all(alive.map((d) => d.stop()));

    // What the patterns say: every tick t of each schedule with its due time (t plus the
    // schedule's offset) after the schedule was added and not after the stop.
    const expected = new Map();
    let fromPatterns = 0;
    for (const n of names) {
      const created = Number(await w.admin.hGet(`tg_schedules:schedule:${n}`, 'created'));
      const offset = jitterOffset(n, JITTER_MS);
      const first = Math.floor((created - offset) / EVERY_MS) * EVERY_MS + EVERY_MS;
      for (let t = first; t + offset <= stopAt; t += EVERY_MS) expected.set(`${n}@${t}`, 0);
      fromPatterns += countTicks({ every: '10s', tz: 'UTC' }, first, stopAt - offset);
    }
    const extra = [];
    for (const raw of await w.admin.lRange(TICKS, 0, -1)) {
      const { command_id: id } = JSON.parse(raw);
      const owner = parseScheduleCommandId(id);
      const key = owner ? `${owner.name}@${owner.tick}` : id;
      if (expected.has(key)) expected.set(key, expected.get(key) + 1);
      else extra.push(id);
    }
    const missed = [...expected].filter(([, n]) => n === 0).map(([k]) => k);
    const doubled = [...expected].filter(([, n]) => n > 1).map(([k]) => k);
    const pushed = [...expected.values()].reduce((a, n) => a + n, 0) + extra.length;

    // How late the ticks were pushed, from their events (a daemon killed between a push and
    // its event leaves that tick untold: the push is what counts).
    const entries = (await w.admin.xRange('chaos:events:stream', '-', '+')) ?? [];
    const told = entries
      .map((e) => JSON.parse(String(e.message.payload)))
      .filter((e) => e.event === 'scheduled');
    const late = told.map((e) => e.late_ms).sort((a, b) => a - b);
    const pct = (p) => late[Math.min(late.length - 1, Math.floor((p / 100) * late.length))] ?? 0;
    const collapsed = told.filter((e) => e.missed > 0).length;

    const violations = [
      ...missed.slice(0, 10).map((k) => `missed: ${k}`),
      ...doubled.slice(0, 10).map((k) => `pushed twice or more: ${k}`),
      ...extra.slice(0, 10).map((id) => `pushed but not due by the patterns: ${id}`),
    ];
    if (fromPatterns !== expected.size)
      violations.push(`countTicks says ${fromPatterns} ticks, the walk ${expected.size}`);
    for (const [i, exit] of exits.entries()) {
      if (exit.code !== 0)
        violations.push(
          `${alive[i].name} stopped with ${exit.code ?? exit.signal}, not 0: ${alive[i].lastError}`,
        );
    }
    if (pausedBy >= stopAt + (EVERY_MS - 7_000))
      violations.push(`the pauses took until ${pausedBy - stopAt} ms after the stop`);
    return {
      trials: kills,
      result: {
        commands: {
          pushed,
          completed: 0,
          failed: 0,
          dead: 0,
          lost: missed.length,
          redelivered: 0,
          codes: {},
        },
        data: { duplicates: doubled.length, broken: 0, mismatched: extra.length, files: 0 },
        violations,
      },
      notes: `${SCHEDULES} schedules every 10 s over ${Math.round((stopAt - began) / 1000)} s of real clock: ${expected.size} ticks due by the patterns (countTicks: ${fromPatterns}), ${pushed} pushed, ${missed.length} missed, ${doubled.length} doubled, ${extra.length} extra; ${kills} SIGKILLs, redis-server killed and restarted once (AOF, ${loadedMs} ms down or LOADING); ${told.length} scheduled events (${collapsed} standing for missed ticks), late_ms p50 ${pct(50)} p99 ${pct(99)} max ${late.at(-1) ?? 0}`,
    };
  });
}
