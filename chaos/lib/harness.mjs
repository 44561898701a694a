// One scenario's world: a temp folder, its own redis-server, an admin client, the event
// recorder, the daemons it starts, and the commands it pushed. `close()` tears it all down.
import { mkdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { checkCommands, checkDataDir, checkQueue, checkReportedDays } from './check.mjs';
import { baseEnv, spawnDaemon } from './daemon.mjs';
import { loadParseChat, loadRedis, loadTestUtils } from './env.mjs';
import { createRecorder } from './recorder.mjs';
import { DAY_MS, isoDay, waitUntil } from './util.mjs';

export const CHATS = ['chaos_alpha', 'chaos_bravo', 'chaos_charlie', 'chaos_delta', 'chaos_echo'];

/** Today's UTC midnight: the simulated histories end there, so every day fetched is over. */
export function historyEnd() {
  const now = new Date();
  now.setUTCHours(0, 0, 0, 0);
  return now.getTime();
}

export async function openScenario(
  name,
  { rng, persistent = false, sim = {}, seed = 1, redisArgs = [] },
) {
  const dir = await mkdtemp(path.join(os.tmpdir(), `tgfetch-chaos-${name}-`));
  mkdirSync(path.join(dir, 'logs'));
  const dataDir = path.join(dir, 'data');
  mkdirSync(dataDir);
  const simOptions = {
    seed,
    now: historyEnd(),
    historyDays: 40,
    messagesPerDay: 30,
    maxPageSize: 25,
    latencyMs: 5,
    ...sim,
  };
  const { startRedisServer } = await loadTestUtils();
  // In the scenario's folder, so its log and AOF stay with the rest for post-mortems.
  const redis = await startRedisServer({
    dir: path.join(dir, 'redis'),
    persistent,
    serverArgs: redisArgs,
  });
  const { createClient } = await loadRedis();
  const admin = createClient({
    url: redis.url,
    name: 'chaos:admin',
    socket: { reconnectStrategy: () => 50, connectTimeout: 2_000 },
  });
  admin.on('error', () => {});
  await admin.connect();
  const recorder = await createRecorder({
    url: redis.url,
    channel: 'chaos:events',
    stream: 'chaos:events:stream',
  });
  const daemons = [];
  const pushed = [];
  let counter = 0;

  const queueEmpty = async () => {
    try {
      const queue = await checkQueue(admin);
      return queue.queued === 0 && queue.processing === 0;
    } catch {
      return false; // Redis away for a moment: ask again.
    }
  };

  const world = {
    name,
    dir,
    dataDir,
    redis,
    admin,
    recorder,
    simOptions,
    daemons,
    pushed,
    env(workerId, extra = {}, simExtra = {}) {
      return {
        ...baseEnv({ redisUrl: redis.url, dataDir, sim: { ...simOptions, ...simExtra }, workerId }),
        ...extra,
      };
    },
    spawn(workerId, extra = {}, simExtra = {}, command = 'daemon') {
      const daemon = spawnDaemon({
        env: world.env(workerId, extra, simExtra),
        dir,
        label: workerId,
        command,
      });
      daemons.push(daemon);
      return daemon;
    },
    /** A valid fetch command over whole past days of one of the chats. */
    command(overrides = {}) {
      const id = `${name}-${++counter}`;
      const chat = `@${overrides.chatName ?? rng.pick(CHATS)}`;
      const end = simOptions.now - rng.int(1, simOptions.historyDays - 5) * DAY_MS;
      const span = rng.int(1, 4);
      const strategy = rng.pick(['batch', 'per_day']);
      const roll = rng.next();
      const body =
        roll < 0.6
          ? { mode: 'range', from: isoDay(end - (span - 1) * DAY_MS), to: isoDay(end) }
          : roll < 0.8
            ? { mode: 'date', date: isoDay(end) }
            : { mode: 'days', days: rng.int(1, 3) };
      const command = {
        command: 'fetch',
        command_id: id,
        chat,
        strategy,
        ...body,
        ...(rng.chance(0.2) ? { options: { force: true } } : {}),
      };
      const { chatName: _, ...rest } = overrides;
      return { ...command, ...rest };
    },
    async push(commands, meta = {}) {
      const list = Array.isArray(commands) ? commands : [commands];
      if (list.length === 0) return [];
      await admin.rPush(
        'chaos:commands',
        list.map((c) => JSON.stringify(c)),
      );
      const entries = list.map((c) => ({ id: c.command_id, command: c, ...meta }));
      pushed.push(...entries);
      return entries;
    },
    /** Waits until every given command has a final event (reading the stream as it goes). */
    async waitFinal(ids = pushed.map((p) => p.id), timeoutMs = 60_000) {
      let last = 0;
      return Boolean(
        await waitUntil(
          async () => {
            if (Date.now() - last > 400) {
              last = Date.now();
              await recorder.sync();
            }
            return ids.every((id) => recorder.finals(id).length > 0);
          },
          { timeoutMs },
        ),
      );
    },
    async stopAll() {
      await Promise.all(daemons.map((d) => d.stop()));
    },
    /** Stops the daemons, then checks the history, the data and what Redis still holds. */
    async verify({ allowRedelivery = false, expect, drained = true, sources } = {}) {
      // Delivery is at least once: a command can have ended while a copy of it is still
      // queued or in hand (taken back from a worker whose heartbeat lapsed in an outage, or
      // deferred by a worker that found its chat busy with the other copy). The workers
      // still running take it in milliseconds (its days are complete); stopping them on the
      // last final event left it in the queue ("1 queued", nothing lost).
      if (drained && daemons.some((d) => d.alive))
        await waitUntil(queueEmpty, { timeoutMs: 20_000 });
      await world.stopAll();
      await recorder.sync();
      const commands = checkCommands(recorder, pushed, { allowRedelivery, expect });
      // The chats asked for, by the commands pushed here and by what the events say was
      // asked (payloads pushed raw, as the fuzz does).
      const parseChat = await loadParseChat();
      const asked = [
        ...pushed.map((p) => p.command?.chat),
        ...[...recorder.byCommand.values()].flatMap((e) => e.finals.map((f) => f.requested_chat)),
      ];
      const chatNames = [
        ...new Set(
          asked
            .filter((c) => typeof c === 'string' || typeof c === 'number')
            .map((c) => parseChat(c))
            .filter((parsed) => parsed.ok && parsed.chat.startsWith('@'))
            .map((parsed) => parsed.chat.slice(1)),
        ),
      ];
      const data = await checkDataDir(dataDir, simOptions, chatNames, { sources });
      const queue = await checkQueue(admin);
      const reported = await checkReportedDays(recorder, pushed);
      const violations = [
        ...commands.violations,
        ...data.problems.map((p) => `data: ${p}`),
        ...reported.slice(0, 20).map((p) => `reported complete but missing: ${p}`),
      ];
      if (drained && (queue.queued > 0 || queue.processing > 0))
        violations.push(
          `queue not drained: ${queue.queued} queued, ${queue.processing} in processing lists`,
        );
      if (data.broken > 0 || data.duplicates > 0 || data.mismatched > 0)
        violations.push(
          `data: ${data.broken} broken, ${data.duplicates} duplicate ids, ${data.mismatched} days unlike the chat`,
        );
      const crashes = daemons.filter((d) => d.crashed).length;
      return { commands, data, queue, violations, crashes };
    },
    async close({ keep = false } = {}) {
      await Promise.all(daemons.map((d) => d.kill('SIGKILL')));
      await recorder.close();
      await admin.quit().catch(() => {});
      admin.destroy?.();
      await redis.stop('SIGKILL');
      if (!keep) await rm(dir, { recursive: true, force: true });
    },
  };
  return world;
}

/**
 * Runs `fn` in a world of its own. Its outcome carries the scenario's name and world, and
 * so does a thrown error, so that run.mjs can close (or keep) the world either way.
 */
export async function inScenario(name, options, fn) {
  const w = await openScenario(name, options);
  try {
    return { name, world: w, ...(await fn(w)) };
  } catch (error) {
    error.world = w;
    throw error;
  }
}

/** One scenario of several: its failure becomes its row, and the next ones still run. */
export async function guard(name, fn) {
  try {
    return await fn();
  } catch (error) {
    return { name, error: String(error.stack ?? error), world: error.world };
  }
}

/**
 * The usual end after faults: waits up to `timeoutMs` for every command to end, then the
 * usual check (a command may have run twice) with what the trials saw added.
 */
export async function settle(w, { timeoutMs, problems = [], undrained }) {
  const drained = await w.waitFinal(undefined, timeoutMs);
  const result = await w.verify({ allowRedelivery: true });
  result.violations.push(...problems);
  if (!drained) result.violations.push(undrained);
  return result;
}
