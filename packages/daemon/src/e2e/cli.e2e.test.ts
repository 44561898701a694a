import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { CompletedEvent } from '@tgfetch/core';
import { simulatedFolder } from '@tgfetch/telegram/testing';
import { eventually } from '@tgfetch/test-utils';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { busyDate } from '../testing/busy-day.js';
import { listFiles, readDayFiles, runCli, SECRETS, spawnCli } from '../testing/cli-process.js';

/** The built `tgfetch` without Redis: one-shot fetches, configuration errors, help. */

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'tgfetch-cli-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const expectNoSecrets = (run: { stdout: string; stderr: string }) => {
  for (const secret of Object.values(SECRETS)) {
    expect(run.stdout).not.toContain(secret);
    expect(run.stderr).not.toContain(secret);
  }
};

describe('tgfetch fetch', () => {
  it('fetches from the simulated Telegram into --data-dir without Redis', async () => {
    const run = await runCli(
      ['fetch', '--source', 'simulated', '--chat', 'x', '--days', '2', '--data-dir', 'out'],
      { ...SECRETS, REDIS_URL: 'redis://127.0.0.1:1' },
      dir,
    );
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(
      /^completed @x: \d+ messages in 2 day\(s\) written, 0 already complete/,
    );
    // Not a terminal: plain progress lines on stderr.
    expect(run.stderr).toMatch(/^started @x: 2 day\(s\)\n/);
    expect(run.stderr.match(/^\d{4}-\d{2}-\d{2}: \d+ messages -> /gm)).toHaveLength(2);
    const days = await readDayFiles(path.join(dir, 'out'));
    expect(days.size).toBe(2);
    expect(await listFiles(path.join(dir, 'out'))).toContain(
      path.join(simulatedFolder('x'), 'progress.json'),
    );
    expectNoSecrets(run);
  });

  it('--json prints the completed event; a second run finds the days complete', async () => {
    const date = new Date(Date.now() - 2 * 86_400_000).toISOString().slice(0, 10);
    const args = ['fetch', '--source', 'simulated', '--chat', '@Some_Chat', '--date', date];
    const first = await runCli([...args, '--json'], {}, dir);
    expect(first.code).toBe(0);
    const event = JSON.parse(first.stdout) as CompletedEvent;
    expect(event).toMatchObject({
      event: 'completed',
      chat: simulatedFolder('some_chat'),
      requested_chat: '@some_chat',
      mode: 'date',
    });
    expect(event.days).toEqual([expect.objectContaining({ date, skipped: false, complete: true })]);
    // The default DATA_DIR (./data) joined with the day's location, as the documents show.
    expect(event.days[0]?.file_path).toBe(
      `data/${simulatedFolder('some_chat')}/${date.slice(0, 4)}/discussions_${date}.json`,
    );
    const again = await runCli([...args, '--json'], {}, dir);
    expect(JSON.parse(again.stdout).days[0]).toMatchObject({ skipped: true });
  });

  it('writes identical messages for a past day from two simulated runs seconds apart', async () => {
    const date = busyDate('steady', 3);
    const run = (out: string) =>
      runCli(
        ['fetch', '--source', 'simulated', '--chat', 'steady', '--date', date, '--data-dir', out],
        {},
        dir,
      );
    const startedSec = Math.floor(Date.now() / 1000);
    expect((await run('a')).code).toBe(0);
    // The second process starts in a later second of the clock than the first did.
    await eventually(() => Math.floor(Date.now() / 1000) > startedSec, { what: 'the next second' });
    expect((await run('b')).code).toBe(0);
    const messages = async (out: string) =>
      [...(await readDayFiles(path.join(dir, out))).values()].map((day) => day.messages);
    const a = await messages('a');
    expect(a).toHaveLength(1);
    expect(a[0]!.length).toBeGreaterThan(0);
    expect(await messages('b')).toEqual(a);
  });

  it('reads .env from the working directory, the real environment winning', async () => {
    await writeFile(
      path.join(dir, '.env'),
      'TGFETCH_SOURCE=simulated\nDATA_DIR=from-env-file\nFETCH_STRATEGY=per_day\nTGFETCH_TZ=Mars/Base\n',
    );
    const run = await runCli(
      ['fetch', '--chat', 'y', '--days', '1', '--json'],
      { TGFETCH_TZ: 'Asia/Tokyo' },
      dir,
    );
    expect(run.stderr).not.toContain('TGFETCH_TZ');
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout).days[0].file_path).toContain(
      path.join('from-env-file', simulatedFolder('y')),
    );
    const [day] = (await readDayFiles(path.join(dir, 'from-env-file'))).values();
    expect(day).toMatchObject({ time_zone: 'Asia/Tokyo' });
  });

  it('a usage mistake exits 2 with the reason', async () => {
    const run = await runCli(['fetch', '--source', 'simulated', '--chat', 'x'], {}, dir);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('give exactly one of --date D, --days N, or --from A --to B');
    const future = await runCli(
      ['fetch', '--source', 'simulated', '--chat', 'x', '--date', '2999-01-01'],
      {},
      dir,
    );
    expect(future.code).toBe(2);
    expect(future.stderr).toMatch(/future/i);
  });
});

describe('bad configuration', () => {
  it('lists every problem at once, exits 2, and echoes no secret', async () => {
    const run = await runCli(
      ['daemon'],
      {
        FETCH_CONCURRENCY: 'abc',
        TGFETCH_TZ: 'Mars/Base',
        TELEGRAM_API_HASH: SECRETS.TELEGRAM_SESSION,
        TELEGRAM_SESSION: SECRETS.TELEGRAM_SESSION,
        REDIS_URL: 'http://nope',
      },
      dir,
    );
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('invalid configuration');
    expect(run.stderr).toContain('FETCH_CONCURRENCY must be a whole number');
    expect(run.stderr).toContain('TGFETCH_TZ must be an IANA time zone');
    expect(run.stderr).toContain('TELEGRAM_API_HASH must be 32 hex characters');
    expect(run.stderr).toContain('REDIS_URL must start with redis://');
    expect(run.stderr).toContain('TELEGRAM_API_ID is required');
    expectNoSecrets(run);
  });

  it('names every missing Telegram variable when the source is Telegram', async () => {
    const run = await runCli(['fetch', '--chat', 'x', '--days', '1'], {}, dir);
    expect(run.code).toBe(2);
    for (const key of ['TELEGRAM_API_ID', 'TELEGRAM_API_HASH', 'TELEGRAM_SESSION'])
      expect(run.stderr).toContain(`${key} is required`);
  });
});

describe('tgfetch', () => {
  it('prints help, and rejects an unknown command with exit 2', async () => {
    const help = await runCli(['--help'], {}, dir);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: tgfetch <command>');
    const unknown = await runCli(['fetchh'], {}, dir);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("unknown command 'fetchh'");
    expect(unknown.stderr).toContain('(Did you mean fetch?)');
  });

  it("prints the package's version", async () => {
    const { version } = JSON.parse(
      readFileSync(new URL('../../package.json', import.meta.url), 'utf8'),
    );
    for (const argv of [['--version'], ['-V'], ['version']])
      expect(await runCli(argv, {}, dir)).toMatchObject({ code: 0, stdout: `${version}\n` });
  });

  it("--env-file nope.env is tgfetch's own error, exit 2, also run through the shebang", async () => {
    const args = ['fetch', '--chat', 'x', '--days', '1', '--env-file', 'nope.env'];
    const direct = await runCli(args, {}, dir, 15_000, { direct: true });
    expect(direct.code).toBe(2);
    expect(direct.stderr).toBe(
      'tgfetch: invalid configuration:\n  - --env-file nope.env does not exist\n',
    );
    expect(await runCli(args, {}, dir)).toMatchObject({ code: 2, stderr: direct.stderr });
  });

  it('completion: a script per shell, and the callback completes commands, flags, choices', async () => {
    const bash = await runCli(['completion', 'bash'], {}, dir);
    expect(bash.code).toBe(0);
    expect(bash.stdout).toContain('complete -F __tgfetch_complete tgfetch');
    expect((await runCli(['completion', 'zsh'], {}, dir)).stdout).toMatch(/^#compdef tgfetch/);
    expect((await runCli(['completion', 'fish'], {}, dir)).stdout).toContain('complete -c tgfetch');
    const words = async (...line: string[]) =>
      (await runCli(['complete', '--', ...line], {}, dir)).stdout
        .split('\n')
        .filter((l) => l && !l.startsWith(':'))
        .map((l) => l.split('\t')[0]);
    expect(await words('fe')).toEqual(['fetch']);
    expect(await words('send', '--wa')).toEqual(['--wait']);
    expect(await words('fetch', '--strategy', '')).toEqual(['batch', 'per_day']);
    expect(await words('send', '--sou')).toEqual([]); // send takes no --source
  });

  it('takes a negative numeric chat as a value (resolve and fetch by id)', async () => {
    const sim = JSON.stringify({ dialogs: ['by_number'] });
    const named = await runCli(
      ['resolve', '@by_number', '--json', '--source', 'simulated'],
      { TGFETCH_SIM: sim },
      dir,
    );
    expect(named.code).toBe(0);
    const { id } = JSON.parse(named.stdout) as { id: string };
    expect(id).toMatch(/^-100\d+$/);
    const byId = await runCli(['resolve', id, '--source', 'simulated'], { TGFETCH_SIM: sim }, dir);
    expect(byId).toMatchObject({ code: 0 });
    expect(byId.stdout).toMatch(/^@by_number\n {2}id {5}-100\d+\n/);
    const chats = await runCli(
      ['chats', '--source', 'simulated', '--json'],
      { TGFETCH_SIM: sim },
      dir,
    );
    expect(JSON.parse(chats.stdout)).toEqual([
      expect.objectContaining({ chat: '@by_number', id, kind: expect.any(String) }),
    ]);
  });

  it('refuses simulated Telegram options it does not know, as a configuration error', async () => {
    const run = await runCli(
      ['fetch', '--source', 'simulated', '--chat', 'demo', '--days', '1', '-o', 'out'],
      { TGFETCH_SIM: JSON.stringify({ latencyMS: 5 }) },
      dir,
    );
    expect(run.code, run.stderr).toBe(2);
    expect(run.stderr).toContain(
      'TGFETCH_SIM.latencyMS: is not an option of the simulated Telegram',
    );
    expect(await listFiles(dir)).toEqual([]);
  });
});

describe('tgfetch login', () => {
  const creds = { TELEGRAM_API_ID: '12345', TELEGRAM_API_HASH: SECRETS.TELEGRAM_API_HASH };

  it('Ctrl-C at the phone prompt exits 130 with no session; ended input exits 1', async () => {
    const login = spawnCli(['login'], creds, dir, { stdin: 'pipe' });
    const timer = setTimeout(() => login.child.kill('SIGKILL'), 15_000);
    await eventually(() => login.stderr().includes('Phone number'), { what: 'the phone prompt' });
    login.child.kill('SIGINT');
    expect((await login.exited).code).toBe(130);
    clearTimeout(timer);
    expect(login.stderr()).toContain('login: interrupted; no session was made');
    expect(login.stdout()).toBe('');

    const ended = await runCli(['login'], creds, dir); // stdin is /dev/null
    expect(ended.code).toBe(1);
    expect(ended.stderr).toContain('login: INPUT_CLOSED: Standard input closed');
    expect(ended.stderr).toContain('No session was made');
    expect(ended.stdout).toBe('');
  });
});
