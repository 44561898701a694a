import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { closedPort, type SilentServer, silentServer } from '@tgfetch/telegram/testing';
import { eventually } from '@tgfetch/test-utils';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli, spawnCli } from '../testing/cli-process.js';

/**
 * `tgfetch login` as a user meets it: the built CLI, no route to Telegram (a refusing or a
 * silent proxy on loopback), stdin closed, signals, and a real terminal (tmux) for echo.
 */

let dir: string;
let silent: SilentServer;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'tgfetch-login-'));
  silent = await silentServer();
});
afterEach(async () => {
  await silent.close();
  await rm(dir, { recursive: true, force: true });
});

const env = (proxyPort: number, extra: Record<string, string> = {}) => ({
  TELEGRAM_API_ID: '12345',
  TELEGRAM_API_HASH: '0123456789abcdef0123456789abcdef',
  TELEGRAM_PROXY: `socks5://127.0.0.1:${proxyPort}`,
  ...extra,
});

describe('tgfetch login', () => {
  it('exits 1 with the reason on stderr and nothing on stdout when Telegram is unreachable', async () => {
    const run = await runCli(
      ['login', '--phone', '+15550001'],
      env(await closedPort(), { TELEGRAM_CONNECT_TIMEOUT_MS: '2000' }),
      dir,
    );
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(
      /login: TELEGRAM_UNREACHABLE: Could not reach Telegram at .* through socks5:\/\/127\.0\.0\.1:\d+/,
    );
    expect(run.stderr).toContain('No session was made.');
  });

  it('names a closed stdin as the reason, and prints no session', async () => {
    // spawnCli gives the child no stdin (/dev/null): the phone cannot be asked.
    const run = await runCli(['login'], env(silent.port), dir);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/Phone number \(international format\): /);
    expect(run.stderr).toMatch(/login: INPUT_CLOSED: Standard input closed before an answer/);
  });

  it('ends with 130 on the first SIGTERM during a hung connect, printing no session', async () => {
    const proc = spawnCli(
      ['login', '--phone', '+15550001'],
      env(silent.port, { TELEGRAM_CONNECT_TIMEOUT_MS: '600000', SHUTDOWN_GRACE_MS: '3000' }),
      dir,
    );
    await eventually(() => silent.connections.length > 0, { what: 'the connect to hang' });
    const signalled = Date.now();
    proc.child.kill('SIGTERM');
    expect((await proc.exited).code).toBe(130);
    expect(Date.now() - signalled).toBeLessThan(3000);
    expect(proc.stdout()).toBe('');
    expect(proc.stderr()).toContain('interrupted; no session was made');
  });
});

const run = promisify(execFile);
const DIST = fileURLToPath(new URL('../../dist/index.js', import.meta.url));

/** A real terminal: tmux runs `node script.mjs` in a pane whose screen the test reads. */
async function inTerminal(script: string, keys: string[]): Promise<string> {
  const socket = `tgfetch-${process.pid}-${Math.random().toString(36).slice(2)}`;
  const tmux = (...args: string[]) => run('tmux', ['-L', socket, ...args]);
  const file = path.join(dir, 'ask.mjs');
  await writeFile(file, script);
  const command = `'${process.execPath}' '${file}'; sleep 30`;
  await tmux('new-session', '-d', '-x', '100', '-y', '20', '-e', `DIST=${DIST}`, command);
  try {
    // capture-pane trims trailing blanks: the prompt reads 'Password:'.
    await eventually(async () => (await tmux('capture-pane', '-p')).stdout.includes('Password:'), {
      what: 'the prompt',
      timeoutMs: 20_000,
    });
    for (const key of keys) await tmux('send-keys', key);
    return await eventually(
      async () => {
        const screen = (await tmux('capture-pane', '-p')).stdout;
        return screen.includes('answer:') ? screen : undefined;
      },
      { what: 'the answer' },
    );
  } finally {
    await tmux('kill-server').catch(() => undefined);
  }
}

const ASK = (secret: boolean) => `
const { terminalPrompts } = await import(process.env.DIST);
const prompts = terminalPrompts(process.stdin, process.stderr, () => process.exit(130));
const answer = await prompts.ask('Password: ', { secret: ${secret} });
process.stderr.write('answer: ' + answer.length + ' characters, ' + JSON.stringify(answer === 'hunter2') + '\\n');
prompts.close();
`;

describe('login prompts on a terminal', () => {
  it('do not echo the 2FA password (and read it whole, backspace included)', async () => {
    const screen = await inTerminal(ASK(true), ['hunter22', 'BSpace', 'Enter']);
    expect(screen).toContain('answer: 7 characters, true');
    expect(screen).not.toContain('hunter2');
  });

  it('echo an ordinary answer (the same terminal shows what is typed)', async () => {
    const screen = await inTerminal(ASK(false), ['hunter2', 'Enter']);
    expect(screen).toContain('Password: hunter2');
    expect(screen).toContain('answer: 7 characters, true');
  });
});
