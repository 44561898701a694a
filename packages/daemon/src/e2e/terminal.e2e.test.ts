import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { simulatedFolder } from '@tgfetch/telegram/testing';
import { eventually } from '@tgfetch/test-utils';
import { type RedisTestContext, redisTestContext } from '@tgfetch/test-utils/vitest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BIN, uniqueNames } from '../testing/cli-process.js';

/**
 * The built `tgfetch` on a real terminal: tmux runs it in a pane of its own server (its own
 * socket, so nothing else is touched) and the test reads the screen as a person would.
 */

const run = promisify(execFile);
let dir: string;
let socket: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'tgfetch-tty-'));
  socket = `tgfetch-test-${process.pid}-${Date.now()}`;
});
afterEach(async () => {
  await run('tmux', ['-L', socket, 'kill-server']).catch(() => {});
  await rm(dir, { recursive: true, force: true });
});

const tmux = (...args: string[]) => run('tmux', ['-L', socket, ...args], { timeout: 10_000 });
const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** Starts `env ... node -- tgfetch args` in a 120x20 pane that stays after it exits. */
async function startInPane(args: string[], env: Record<string, string>) {
  const command = [
    'env',
    ...Object.entries(env).map(([k, v]) => quote(`${k}=${v}`)),
    quote(process.execPath),
    '--',
    quote(BIN),
    ...args.map(quote),
  ].join(' ');
  await tmux('new-session', '-d', '-s', 'tty', '-x', '120', '-y', '20', '-c', dir, 'sh');
  await tmux('set-option', '-t', 'tty', 'remain-on-exit', 'on');
  await tmux('respawn-pane', '-k', '-t', 'tty', command);
}
const screen = async () => (await tmux('capture-pane', '-p', '-t', 'tty')).stdout;
/**
 * How the pane's process ended, once tmux has reaped it: `{ status }` for an exit,
 * `{ signal }` for a death by signal (an object, not the number: 0 is an exit status).
 *
 * A dead pane without either is not "exited 0", nor always "not yet": tmux built with
 * libutempter removes the pane's utmp record when the pane's terminal closes, running a helper
 * under utempter's own SIGCHLD handler, and the SIGCHLD of a child that exits in that window
 * is lost (tmux issue 311): tmux never reaps it and the status never comes. tmux reaps every
 * exited child on its next SIGCHLD, so a poll that finds no status sends one.
 */
const exitStatus = async () => {
  const { stdout } = await tmux(
    'display-message',
    '-p',
    '-t',
    'tty',
    '#{pane_dead}:#{pane_dead_status}:#{pane_dead_signal}:#{pid}',
  );
  const [dead, status, signal, serverPid] = stdout.trim().split(':');
  if (dead !== '1') return undefined;
  if (status) return { status: Number(status) };
  if (signal) return { signal: Number(signal) };
  process.kill(Number(serverPid), 'SIGCHLD');
  return undefined;
};

describe('tgfetch fetch on a terminal', { timeout: 90_000 }, () => {
  it('one live line: counts move inside a day, an ETA appears; then the summary', async () => {
    // Slow pages (250 ms each, 100 messages) over 3 busy days: several seconds of work.
    const sim = JSON.stringify({ latencyMs: 250, messagesPerDay: 600 });
    await startInPane(
      ['fetch', '--source', 'simulated', '--chat', 'tty_demo', '--days', '3', '-o', 'out'],
      { TGFETCH_SIM: sim, PATH: process.env.PATH ?? '' },
    );
    const seen: string[] = [];
    let mostLiveLines = 0;
    const live = /(\d+)\/3 days · (\d+) messages · \d+ msg\/s/;
    const status = await eventually(
      async () => {
        const shown = (await screen()).split('\n').filter((line) => live.test(line));
        mostLiveLines = Math.max(mostLiveLines, shown.length);
        for (const line of shown) if (seen.at(-1) !== line.trim()) seen.push(line.trim());
        return exitStatus();
      },
      { timeoutMs: 60_000, what: 'the fetch to end' },
    );
    expect(status).toEqual({ status: 0 });
    // Two readings with the same days done and different counts: the count moves inside a day.
    const readings = seen.map((l) => live.exec(l)).flatMap((m) => (m ? [[m[1], m[2]]] : []));
    expect(
      readings.some(([d, n]) => readings.some(([d2, n2]) => d === d2 && n !== n2)),
      seen.join('\n'),
    ).toBe(true);
    expect(seen.some((l) => /· ETA \d+(s|m\d{2}s)/.test(l))).toBe(true);
    // One live line, redrawn in place: never two of them on the screen.
    expect(mostLiveLines).toBe(1);
    const final = await screen();
    expect(final).toMatch(
      /^completed @tty_demo: \d+ messages in 3 day\(s\) written, 0 already complete/m,
    );
    expect(final).toContain(`files in     ${path.join('out', simulatedFolder('tty_demo'))}`);
    expect(final).toMatch(/^ {2}written {6}\d{4}-\d{2}-\d{2} \(\d+\), /m);
  });

  it('Ctrl-C stops it with 130, keeping the days already written', async () => {
    const sim = JSON.stringify({ latencyMs: 400, messagesPerDay: 600 });
    await startInPane(
      ['fetch', '--source', 'simulated', '--chat', 'tty_stop', '--days', '5', '-o', 'out'],
      { TGFETCH_SIM: sim, PATH: process.env.PATH ?? '' },
    );
    await eventually(async () => /[1-4]\/5 days/.test(await screen()), {
      timeoutMs: 30_000,
      what: 'a day stored',
    });
    await tmux('send-keys', '-t', 'tty', 'C-c');
    const status = await eventually(exitStatus, { timeoutMs: 15_000, what: 'the exit' });
    expect(status).toEqual({ status: 130 });
    expect(await screen()).toContain('interrupted: the days already written are complete and kept');
  });
});

describe('tgfetch daemon on a terminal', { timeout: 90_000 }, () => {
  let redis: RedisTestContext;
  beforeEach(async () => {
    redis = await redisTestContext();
  });
  afterEach(async () => {
    await redis.cleanup();
  });

  it('logs readable lines (JSON when not on a terminal is tested elsewhere)', async () => {
    const names = uniqueNames(redis.prefix);
    await startInPane(['daemon', '--source', 'simulated'], {
      PATH: process.env.PATH ?? '',
      REDIS_URL: redis.url,
      QUEUE_NAME: names.queue,
      EVENTS_CHANNEL: names.channel,
      EVENTS_STREAM: names.stream,
      WORKER_ID: 'tty-worker',
    });
    await eventually(async () => / INFO {2}ready worker_id=tty-worker /.test(await screen()), {
      timeoutMs: 30_000,
      what: 'the ready line',
    });
    expect(await screen()).not.toMatch(/^\{"level"/m);
    await tmux('send-keys', '-t', 'tty', 'C-c');
    expect(await eventually(exitStatus, { timeoutMs: 40_000, what: 'the exit' })).toEqual({
      status: 0,
    });
    expect(await screen()).toMatch(/ INFO {2}stopped/);
  });
});
