import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { CompletedEvent, FetchEvent, ProgressEvent } from '@tgfetch/core';
import { createCommandClient } from '@tgfetch/redis-transport';
import { simulatedFolder } from '@tgfetch/telegram/testing';
import { eventually, freePort, redisCli } from '@tgfetch/test-utils';
import { type RedisTestContext, redisTestContext } from '@tgfetch/test-utils/vitest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type CliProcess,
  readDayFiles,
  runCli,
  SECRETS,
  spawnCli,
  uniqueNames,
} from '../testing/cli-process.js';
import { daemonEnv, daemonPool } from '../testing/daemon-process.js';
import { type EventLog, listenForEvents } from '../testing/events.js';

/**
 * One built `tgfetch daemon` on the simulated Telegram and the test redis-server, driven
 * the way other services drive it: commands pushed with redis-cli, events heard on PubSub.
 */

let redis: RedisTestContext;
let names: ReturnType<typeof uniqueNames>;
let dir: string;
let dataDir: string;
let log: EventLog;
let daemon: CliProcess;
let metricsPort: number;
const pool = daemonPool();
const outputs: string[] = [];

beforeAll(async () => {
  redis = await redisTestContext();
  names = uniqueNames(redis.prefix);
  dir = await mkdtemp(path.join(os.tmpdir(), 'tgfetch-daemon-'));
  dataDir = path.join(dir, 'data');
  log = await listenForEvents(redis.url, names.channel);
  metricsPort = await freePort();
  daemon = await pool.start(
    daemonEnv({
      url: redis.url,
      names,
      dataDir,
      workerId: 'e2e-main',
      extra: { METRICS_PORT: String(metricsPort), METRICS_HOST: '127.0.0.1' },
    }),
    dir,
  );
});

afterAll(async () => {
  await pool.killAll();
  await log?.close();
  await redis?.cleanup();
  await rm(dir, { recursive: true, force: true });
});

const push = (command: unknown) =>
  redisCli(
    redis.url,
    'RPUSH',
    names.queue,
    typeof command === 'string' ? command : JSON.stringify(command),
  );

const fetchCommand = (id: string, extra: Record<string, unknown> = {}) => ({
  command: 'fetch',
  chat: `@${names.chat}`,
  mode: 'days',
  days: 2,
  strategy: 'batch',
  command_id: id,
  ...extra,
});

const snapshot = async () => {
  const files = await readDayFiles(dataDir);
  const bytes = new Map<string, string>();
  for (const file of files.keys())
    bytes.set(file, await readFile(path.join(dataDir, file), 'utf8'));
  return { files, bytes };
};

describe('tgfetch daemon', () => {
  it('runs a command pushed with redis-cli: started, progress per day, completed, day files', async () => {
    expect(await push(fetchCommand('first'))).toMatch(/^\d+$/);
    const final = await log.final('first');
    expect(final.event).toBe('completed');
    const events = log.of('first');
    expect(events.map((e) => e.event)).toEqual(['started', 'progress', 'progress', 'completed']);
    const started = events[0] as FetchEvent & { dates: string[] };
    const progress = events.filter((e): e is ProgressEvent => e.event === 'progress');
    expect(progress.map((p) => p.date)).toEqual(started.dates);
    expect(progress.every((p) => !p.skipped && p.worker_id === 'e2e-main')).toBe(true);

    const { files } = await snapshot();
    expect(files.size).toBe(2);
    for (const day of (final as CompletedEvent).days) {
      const file = path.relative(dataDir, day.file_path);
      expect(file).toBe(
        path.join(
          simulatedFolder(names.chat),
          day.date.slice(0, 4),
          `discussions_${day.date}.json`,
        ),
      );
      const doc = files.get(file);
      expect(doc?.date).toBe(day.date);
      expect(doc?.messages.length).toBe(day.count);
      const ids = doc?.messages.map((m) => m.id) ?? [];
      expect(ids).toEqual([...ids].sort((a, b) => a - b));
    }
  });

  it('runs the same command again without duplicates', async () => {
    const before = await snapshot();
    await push(fetchCommand('again'));
    const again = await log.final('again');
    expect(again.event).toBe('completed');
    const progress = log.of('again').filter((e): e is ProgressEvent => e.event === 'progress');
    expect(progress.map((p) => p.skipped)).toEqual([true, true]);
    expect((await snapshot()).bytes).toEqual(before.bytes);

    // Forced: both days fetched again and merged by id; only fetched_at may change.
    await push(fetchCommand('forced', { options: { force: true } }));
    expect((await log.final('forced')).event).toBe('completed');
    const forced = log.of('forced').filter((e): e is ProgressEvent => e.event === 'progress');
    expect(forced.map((p) => p.skipped)).toEqual([false, false]);
    const after = await snapshot();
    expect([...after.files.keys()]).toEqual([...before.files.keys()]);
    for (const [file, text] of after.bytes) {
      const strip = (s: string) => s.replace(/"fetched_at": "[^"]+"/, '');
      expect(strip(text)).toBe(strip(before.bytes.get(file) ?? ''));
    }
  });

  it('fetches again a deleted and a truncated day, logging the repair and announcing it', async () => {
    const before = await snapshot();
    const [gone, cut] = [...before.files.keys()].sort();
    await rm(path.join(dataDir, gone!));
    const text = before.bytes.get(cut!) ?? '';
    await writeFile(path.join(dataDir, cut!), text.slice(0, text.length / 2));
    await push(fetchCommand('repair'));
    const final = (await log.final('repair')) as CompletedEvent;
    expect(final.days.map((d) => [d.outcome, d.repair !== undefined])).toEqual([
      ['stored', true],
      ['stored', true],
    ]);
    const after = await snapshot();
    const strip = (s: string) => s.replace(/"fetched_at": "[^"]+"/, '');
    for (const [file, bytes] of before.bytes)
      expect(strip(after.bytes.get(file)!)).toBe(strip(bytes));
    await eventually(() =>
      daemon.jsonLines().some((l) => String(l.msg).startsWith('corrupt file moved aside')),
    );
    const repaired = daemon.jsonLines().filter((l) => String(l.msg).startsWith('day repaired'));
    expect(repaired.map((l) => l.command_id)).toEqual(['repair', 'repair']);
  });

  it('answers invalid commands with failed and carries on', async () => {
    const seen = log.events.length;
    await push('this is not json');
    await push(fetchCommand('bad-chat', { chat: '../../etc' }));
    await push(fetchCommand('future', { mode: 'date', date: '2999-01-01', days: undefined }));
    await push(fetchCommand('after-bad', { chat: `@${names.chat}_2`, days: 1 }));
    expect((await log.final('after-bad')).event).toBe('completed');

    const failed = log.events.slice(seen).filter((e) => e.event === 'failed');
    expect(failed.map((e) => (e as { error: { code: string } }).error.code)).toEqual([
      'INVALID_JSON',
      'INVALID_CHAT',
      'FUTURE_DATE',
    ]);
    expect(failed[1]?.command_id).toBe('bad-chat');
    expect(failed[2]?.command_id).toBe('future');
    expect(await redisCli(redis.url, 'LLEN', names.queue)).toBe('0');
  });

  it('tgfetch send --wait exits 0 and prints the completed event', async () => {
    const env = { REDIS_URL: redis.url, QUEUE_NAME: names.queue, EVENTS_CHANNEL: names.channel };
    const args = ['send', '--chat', `${names.chat}_3`, '--days', '1', '--wait', '--json'];
    const run = await runCli([...args, '--command-id', 'sent'], env, dir);
    outputs.push(run.stdout, run.stderr);
    expect(run.code).toBe(0);
    const event = JSON.parse(run.stdout) as CompletedEvent;
    expect(event).toMatchObject({
      event: 'completed',
      command_id: 'sent',
      chat: simulatedFolder(`${names.chat}_3`),
      requested_chat: `@${names.chat}_3`,
    });

    const readable = await runCli(
      ['send', '--chat', `${names.chat}_3`, '--days', '1', '--wait'],
      env,
      dir,
    );
    outputs.push(readable.stdout, readable.stderr);
    expect(readable.code).toBe(0);
    expect(readable.stdout).toMatch(/completed +@e2e_\w+_3 /);
    // Both progress lines (already complete now) went to stderr.
    expect(readable.stderr).toMatch(/progress .*already complete/);
  });

  it('tgfetch listen --json prints the events of commands', async () => {
    const env = { REDIS_URL: redis.url, EVENTS_CHANNEL: names.channel };
    const listener = spawnCli(['listen', '--json'], env, dir);
    const subscribers = async () =>
      Number((await redisCli(redis.url, 'PUBSUB', 'NUMSUB', names.channel)).split('\n')[1]);
    const before = await subscribers();
    await eventually(async () => (await subscribers()) > before, { what: 'listen to subscribe' });
    const client = await createCommandClient({
      url: redis.url,
      queue: names.queue,
      channel: names.channel,
    });
    try {
      await client.run(fetchCommand('heard', { days: 1 }));
    } finally {
      await client.close();
    }
    const lines = await eventually(() => {
      const heard = listener.jsonLines().filter((e) => e.command_id === 'heard');
      return heard.some((e) => e.event === 'completed') ? heard : undefined;
    });
    expect(lines.map((e) => e.event)).toEqual(['started', 'progress', 'completed']);
    listener.child.kill('SIGTERM');
    expect((await listener.exited).code).toBe(0);
    outputs.push(listener.stdout(), listener.stderr());
  });

  it('answers /healthz and /metrics on METRICS_PORT', async () => {
    const health = await fetch(`http://127.0.0.1:${metricsPort}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({
      ok: true,
      source: 'simulated',
      worker_id: 'e2e-main',
    });
    const metrics = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
    expect(metrics.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await metrics.text();
    expect(text).toMatch(/^tgfetch_commands_total\{status="completed"\} [1-9]\d*$/m);
    expect(text).toMatch(/^tgfetch_errors_total\{code="INVALID_JSON"\} 1$/m);
    expect(text).toMatch(/^# TYPE tgfetch_fetch_duration_seconds histogram$/m);
    expect((await fetch(`http://127.0.0.1:${metricsPort}/nothing`)).status).toBe(404);
  });

  it('logs JSON lines with the command fields and stops with exit 0 on SIGTERM', async () => {
    daemon.child.kill('SIGTERM');
    expect((await daemon.exited).code).toBe(0);
    const lines = daemon.jsonLines();
    const done = lines.find((l) => l.msg === 'command completed' && l.command_id === 'first');
    expect(done).toMatchObject({
      chat: simulatedFolder(names.chat),
      requested_chat: `@${names.chat}`,
      mode: 'days',
      level: 'info',
    });
    expect(typeof done?.duration_ms).toBe('number');
    const failed = lines.find((l) => l.msg === 'command failed' && l.command_id === 'future');
    expect(failed).toMatchObject({ error_type: 'FUTURE_DATE' });
    expect(lines.at(-1)?.msg).toBe('stopped');
  });

  it('never writes a secret to any output', () => {
    const all = [pool.output(), ...outputs].join('\n');
    expect(all).toContain('ready');
    for (const secret of Object.values(SECRETS)) expect(all).not.toContain(secret);
  });
});
