import { access, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { simulatedFolder } from '@tgfetch/telegram/testing';
import { eventually } from '@tgfetch/test-utils';
import { type RedisTestContext, redisTestContext } from '@tgfetch/test-utils/vitest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, uniqueNames } from '../testing/cli-process.js';
import { daemonEnv, daemonPool } from '../testing/daemon-process.js';

/**
 * A schedule from `tgfetch schedule add` to its first stored day: a built daemon pushes its
 * tick as a fetch command, runs it, and `schedule list` shows how that run went.
 */

let redis: RedisTestContext;
let names: ReturnType<typeof uniqueNames>;
let dir: string;
let env: Record<string, string>;
const pool = daemonPool();
const folder = simulatedFolder('demo_chat');

beforeAll(async () => {
  redis = await redisTestContext();
  names = uniqueNames(redis.prefix);
  dir = await mkdtemp(path.join(os.tmpdir(), 'tgfetch-schedule-'));
  env = daemonEnv({
    url: redis.url,
    names,
    dataDir: path.join(dir, 'data'),
    workerId: 'e2e-scheduler',
    extra: { SCHEDULE_JITTER_MS: '0' },
  });
});

afterAll(async () => {
  await pool.killAll();
  // The schedule store's keys are not under the test's prefix.
  for await (const keys of redis.client.scanIterator({ MATCH: 'tg_schedules:*', COUNT: 500 })) {
    if (keys.length > 0) await redis.client.del(keys);
  }
  await redis?.cleanup();
  await rm(dir, { recursive: true, force: true });
});

async function streamEvents(): Promise<Array<Record<string, unknown>>> {
  const entries = (await redis.client.xRange(names.stream, '-', '+')) ?? [];
  return entries.map((e) => JSON.parse(String(e.message.payload)) as Record<string, unknown>);
}

const schedule = async (...args: string[]) => {
  const run = await runCli(['schedule', ...args], env, dir);
  if (run.code !== 0) throw new Error(`schedule ${args.join(' ')}: ${run.code}\n${run.stderr}`);
  return run.stdout;
};

describe('tgfetch schedule with a daemon', () => {
  it('turns a schedule into a fetch command, its day stored, its outcome in the list', async () => {
    await pool.start(env, dir);
    const added = await schedule('add', 'e2e-news', '--chat', '@demo_chat', '--every', '2s');
    expect(added).toMatch(/^added e2e-news: every 2s, 1 chat\(s\), next run \d{4}-/);

    // The tick's event names its command; the command is run like any other.
    const scheduled = await eventually(
      async () => (await streamEvents()).find((e) => e.event === 'scheduled'),
      { timeoutMs: 20_000, what: 'a scheduled event' },
    );
    expect(scheduled).toMatchObject({
      schedule: 'e2e-news',
      chats: ['@demo_chat'],
      missed: 0,
      worker_id: 'e2e-scheduler',
    });
    const [commandId] = scheduled.command_ids as string[];
    expect(commandId).toMatch(/^sched:e2e-news:\d{8}T\d{6}Z:@demo_chat$/);
    const completed = await eventually(
      async () =>
        (await streamEvents()).find((e) => e.event === 'completed' && e.command_id === commandId),
      { timeoutMs: 20_000, what: 'its completed event' },
    );
    // Yesterday in UTC, the day of a `days: 1` schedule, is on disk.
    const yesterday = new Date(Date.parse(String(scheduled.tick)) - 86_400_000)
      .toISOString()
      .slice(0, 10);
    expect(completed).toMatchObject({ params: { date: yesterday } });
    await access(
      path.join(env.DATA_DIR!, folder, yesterday.slice(0, 4), `discussions_${yesterday}.json`),
    );

    // Paused, its last run stays the last: the list tells it and how it went.
    await schedule('pause', 'e2e-news');
    const listed = await eventually(
      async () => {
        const [view] = JSON.parse(await schedule('list', '--json'));
        return view?.last_outcome?.status === 'completed' ? view : undefined;
      },
      { timeoutMs: 20_000, what: 'the last run completed in the list' },
    );
    expect(listed).toMatchObject({
      name: 'e2e-news',
      paused: true,
      next_run: null,
      last_run: { command_ids: [expect.stringMatching(/^sched:e2e-news:/)], missed: 0 },
    });
    const table = await schedule('list');
    expect(table.split('\n')[0]).toMatch(
      /^NAME\s+NEXT RUN\s+LAST RUN\s+OUTCOME\s+TRIGGER\s+CHATS$/,
    );
    expect(table).toMatch(
      /e2e-news\s+paused\s+\d{4}-\d{2}-\d{2} [\d:]{8}Z\s+completed\s+every 2s\s+1/,
    );
    expect(await schedule('show', 'e2e-news')).toContain('outcome   completed');
  });

  it('takes schedule commands from the queue, and refuses a bad one with a failed event', async () => {
    await redis.client.rPush(names.queue, [
      JSON.stringify({
        command: 'schedule',
        action: 'add',
        command_id: 'bad-cron',
        name: 'e2e-bad',
        chat: '@demo_chat',
        cron: '61 * * * *',
      }),
      JSON.stringify({
        command: 'schedule',
        action: 'add',
        name: 'e2e-morning',
        chats: ['@demo_chat', '@other_chat'],
        cron: '0 6 * * *',
        tz: 'Europe/Berlin',
      }),
      JSON.stringify({ command: 'schedule', action: 'resume', command_id: 'gone', name: 'nope' }),
    ]);
    const failed = await eventually(
      async () => {
        const all = (await streamEvents()).filter((e) => e.event === 'failed');
        return all.length >= 2 ? all : undefined;
      },
      { timeoutMs: 15_000, what: 'the two refusals' },
    );
    expect(
      failed.map((e) => [e.command_id, e.command, (e.error as { code: string }).code]),
    ).toEqual([
      ['bad-cron', 'schedule', 'SCHEDULE_INVALID_CRON'],
      ['gone', 'schedule', 'SCHEDULE_NOT_FOUND'],
    ]);
    const view = JSON.parse(await schedule('show', 'e2e-morning', '--json'));
    expect(view).toMatchObject({
      schedule: { chats: ['@demo_chat', '@other_chat'], cron: '0 6 * * *', tz: 'Europe/Berlin' },
      paused: false,
      last_run: null,
    });
    // Its next run is 06:00 in Berlin: 04:00 or 05:00 UTC, whatever the season.
    expect(view.next_run).toMatch(/T0[45]:00:00\.000Z$/);

    expect(await schedule('remove', 'e2e-morning')).toBe('removed e2e-morning\n');
    const again = await runCli(['schedule', 'remove', 'e2e-morning'], env, dir);
    expect(again).toMatchObject({ code: 1 });
    expect(again.stderr).toContain('SCHEDULE_NOT_FOUND');
    const usage = await runCli(
      ['schedule', 'add', 'x', '--chat', '@a', '--every', 'soon'],
      env,
      dir,
    );
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('every');
  });
});
