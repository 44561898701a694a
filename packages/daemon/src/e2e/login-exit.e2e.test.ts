import { fileURLToPath } from 'node:url';
import { type ChildRun, eventually, lingerAfter, spawnProcess } from '@tgfetch/test-utils';
import { useTempDir } from '@tgfetch/test-utils/vitest';
import { describe, expect, it } from 'vitest';

/**
 * `main(['login'])` leaves nothing behind: run without the bin's forced exit, against a
 * scripted Telegram under real gramjs clients (see testing/login-child.mjs), with stdin a
 * pipe the parent keeps open, the process ends by itself within 1 s of `main` resolving.
 */

const CHILD = fileURLToPath(new URL('../testing/login-child.mjs', import.meta.url));
// The CLI reads `.env` from its working directory: the repository's must not leak in.
const cwd = useTempDir('tgfetch-login-exit-');

const QUESTION = 'Code from Telegram: ';

/**
 * Runs the child, typing each of `codes` once it is asked for one (as a person at a
 * terminal does) on a stdin left open; resolves its output and how long it lingered.
 */
async function login(codes: string[], ...args: string[]) {
  const run: ChildRun = spawnProcess(process.execPath, [CHILD, ...args], {
    cwd: cwd.dir,
    env: {
      PATH: process.env.PATH ?? '',
      TELEGRAM_API_ID: '12345',
      TELEGRAM_API_HASH: '0123456789abcdef0123456789abcdef',
    },
    stdin: 'pipe',
  });
  const lingered = lingerAfter(run, 'resolved ', 30_000);
  try {
    for (const [i, code] of codes.entries()) {
      await eventually(() => run.stderr().split(QUESTION).length > i + 1, {
        what: `question ${i + 1}`,
        timeoutMs: 20_000,
      });
      run.child.stdin?.write(`${code}\n`);
    }
    return { lingered: await lingered, exit: await run.exited, run };
  } finally {
    run.child.stdin?.destroy();
  }
}

describe('tgfetch login ends by itself', () => {
  it('after a failure (three wrong codes), with its stdin still open', async () => {
    const { lingered, exit, run } = await login(['11111', '22222', '33333']);
    expect(run.stderr()).toContain('login: PHONE_CODE_INVALID');
    expect(run.stdout()).toBe('resolved 1\n');
    expect(exit.code).toBe(0);
    expect(lingered).toBeLessThan(1000);
  }, 60_000);

  // gramjs' update loop left a 10 s timer behind each ping, the first 9 s after connecting.
  it('after a success that outlived the first keep-alive ping', async () => {
    const { lingered, exit, run } = await login(['12345'], 'after-ping');
    const [session, resolved] = run.stdout().split('\n');
    expect(session).toMatch(/^1[\w+/=-]{100,}$/);
    expect(resolved).toBe('resolved 0');
    expect(run.stderr()).toContain('Put this in TELEGRAM_SESSION');
    expect(exit.code).toBe(0);
    expect(lingered).toBeLessThan(1000);
  }, 60_000);
});
