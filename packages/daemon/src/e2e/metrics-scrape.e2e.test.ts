import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { sessionAt, silentServer } from '@tgfetch/telegram/testing';
import { eventually, freePort, redisCli } from '@tgfetch/test-utils';
import { type RedisTestContext, redisTestContext } from '@tgfetch/test-utils/vitest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DAEMON_METRICS } from '../process/metric-declarations.js';
import { uniqueNames } from '../testing/cli-process.js';
import { daemonEnv, daemonPool } from '../testing/daemon-process.js';
import { type EventLog, listenForEvents } from '../testing/events.js';

/**
 * A built `tgfetch daemon` scraped the way Prometheus scrapes it, before, during and after a
 * command: every metric it declares is there with a sample, and each moves when it should.
 */

let redis: RedisTestContext;
let names: ReturnType<typeof uniqueNames>;
let dir: string;
let log: EventLog;
let port: number;
const pool = daemonPool();

beforeEach(async () => {
  redis = await redisTestContext();
  names = uniqueNames(redis.prefix);
  dir = await mkdtemp(path.join(os.tmpdir(), 'tgfetch-scrape-'));
  log = await listenForEvents(redis.url, names.channel);
  port = await freePort();
});

afterEach(async () => {
  await pool.killAll();
  await log?.close();
  await redis?.cleanup();
  await rm(dir, { recursive: true, force: true });
});

/** One scrape: the metric families by name, each with its HELP, TYPE and sample lines. */
async function scrape() {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const families = new Map<string, { help?: string; type?: string; samples: string[] }>();
  const family = (name: string) => {
    const f = families.get(name) ?? { samples: [] };
    families.set(name, f);
    return f;
  };
  for (const line of text.split('\n')) {
    const meta = /^# (HELP|TYPE) (\S+) (.*)$/.exec(line);
    if (meta) family(meta[2]!)[meta[1] === 'HELP' ? 'help' : 'type'] = meta[3]!;
    else if (line) {
      const name = /^[a-z_]+/.exec(line)?.[0] ?? '';
      const declared = families.has(name) ? name : name.replace(/_(bucket|sum|count)$/, '');
      family(declared).samples.push(line);
    }
  }
  /** The value of the sample `series` (name and labels as rendered), if there is one. */
  const value = (series: string) => {
    const name = series.replace(/\{.*$/, '');
    const f = families.get(name) ?? families.get(name.replace(/_(bucket|sum|count)$/, ''));
    const line = f?.samples.find((s) => s.startsWith(`${series} `));
    return line === undefined ? undefined : Number(line.slice(series.length + 1));
  };
  return { families, value };
}

const fetchCommand = (id: string) =>
  JSON.stringify({
    command: 'fetch',
    chat: `@${names.chat}`,
    mode: 'days',
    days: 3,
    command_id: id,
  });

describe('tgfetch daemon metrics, scraped', () => {
  it('has every declared metric with a sample, and moves them through a slow command', async () => {
    await pool.start(
      daemonEnv({
        url: redis.url,
        names,
        dataDir: path.join(dir, 'data'),
        workerId: 'w-scrape',
        extra: {
          METRICS_PORT: String(port),
          METRICS_HOST: '127.0.0.1',
          // Slow answers, and a flood wait on the first history page.
          TGFETCH_SIM: JSON.stringify({
            latencyMs: 400,
            faults: { every: 1, times: 1, error: 'FLOOD_WAIT_1', methods: ['messages.GetHistory'] },
          }),
        },
      }),
      dir,
    );
    const before = await eventually(
      async () => {
        const s = await scrape();
        return s.value('tgfetch_queue_length') === undefined ? undefined : s;
      },
      { what: 'the first queue sample' },
    );
    expect(before.value('tgfetch_commands_in_progress')).toBe(0);
    // The simulated Telegram answers in the daemon's own process: usable from the start.
    expect(before.value('tgfetch_telegram_connected')).toBe(1);
    expect(before.value('tgfetch_redis_connected')).toBe(1);
    expect(before.value('tgfetch_messages_fetched_total')).toBe(0);

    await redisCli(redis.url, 'RPUSH', names.queue, fetchCommand('slow'));
    const during = await eventually(
      async () => {
        const s = await scrape();
        return s.value('tgfetch_commands_in_progress') === 1 ? s : undefined;
      },
      { what: 'commands_in_progress 1 during the command' },
    );
    expect(during.value('tgfetch_telegram_connected')).toBe(1);
    expect(log.of('slow').some((e) => e.event === 'completed')).toBe(false);

    expect((await log.final('slow', 60_000)).event).toBe('completed');
    const after = await eventually(
      async () => {
        const s = await scrape();
        return s.value('tgfetch_commands_in_progress') === 0 ? s : undefined;
      },
      { what: 'commands_in_progress 0 after the command' },
    );
    expect(after.value('tgfetch_commands_total{status="completed"}')).toBe(1);
    expect(after.value('tgfetch_fetch_duration_seconds_count{status="completed"}')).toBe(1);
    expect(after.value('tgfetch_messages_fetched_total')).toBeGreaterThan(0);
    expect(after.value('tgfetch_days_stored_total')).toBe(3);
    expect(after.value('tgfetch_errors_total{code="FLOOD_WAIT"}')).toBe(1);
    expect(after.value('tgfetch_flood_wait_seconds_total')).toBeGreaterThanOrEqual(1);
    expect(after.value('tgfetch_telegram_connected')).toBe(1);

    // Every metric the daemon declares, and nothing else: HELP, TYPE and at least one sample.
    expect([...after.families.keys()].sort()).toEqual(DAEMON_METRICS.map((m) => m.name).sort());
    for (const { name, help, type } of DAEMON_METRICS) {
      const f = after.families.get(name);
      expect({ name, help: f?.help, type: f?.type }).toEqual({ name, help, type });
      expect(f?.samples.length, name).toBeGreaterThan(0);
    }
  });

  it('counts a command in hand while Telegram cannot be reached, and never calls it connected', async () => {
    const silent = await silentServer();
    try {
      await pool.start(
        {
          ...daemonEnv({
            url: redis.url,
            names,
            dataDir: path.join(dir, 'data'),
            workerId: 'w-scrape-net',
            extra: { METRICS_PORT: String(port), METRICS_HOST: '127.0.0.1' },
          }),
          TGFETCH_SOURCE: 'telegram',
          TELEGRAM_SESSION: await sessionAt('127.0.0.1'),
          // A proxy that accepts and never answers: the connect hangs to its deadline.
          TELEGRAM_PROXY: `socks5://127.0.0.1:${silent.port}`,
          TELEGRAM_CONNECT_TIMEOUT_MS: '5000',
        },
        dir,
      );
      // Connected on first use: nothing yet.
      expect((await scrape()).value('tgfetch_telegram_connected')).toBe(0);
      await redisCli(redis.url, 'RPUSH', names.queue, fetchCommand('unreachable'));
      await eventually(() => silent.connections.length > 0, { what: 'the connect to hang' });
      const connecting = await scrape();
      expect(connecting.value('tgfetch_commands_in_progress')).toBe(1);
      expect(connecting.value('tgfetch_telegram_connected')).toBe(0);

      const final = await log.final('unreachable', 30_000);
      expect(final).toMatchObject({ event: 'failed', error: { code: 'TELEGRAM_UNREACHABLE' } });
      const after = await eventually(
        async () => {
          const s = await scrape();
          return s.value('tgfetch_commands_in_progress') === 0 ? s : undefined;
        },
        { what: 'commands_in_progress 0 after the failure' },
      );
      expect(after.value('tgfetch_commands_total{status="failed"}')).toBe(1);
      expect(after.value('tgfetch_errors_total{code="TELEGRAM_UNREACHABLE"}')).toBe(1);
      expect(after.value('tgfetch_telegram_connected')).toBe(0);
    } finally {
      await silent.close();
    }
  });
});
