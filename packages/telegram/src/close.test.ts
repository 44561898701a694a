import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { lingerAfter, spawnProcess } from '@tgfetch/test-utils';
import { useBundledScript } from '@tgfetch/test-utils/vitest';
import { afterEach, describe, expect, it } from 'vitest';
import { closedPort, type SilentServer, sessionAt, silentServer } from './testing/endpoints.js';

/**
 * A process that used a Telegram source ends by itself once the source is closed: no gramjs
 * timer, retry loop or half-open socket keeps it alive. Runs the built package (the root
 * `pnpm test` builds first) in a child process, as an application embedding it would.
 */
const DIST = fileURLToPath(new URL('../dist/index.js', import.meta.url));
const SCRIPT = `
const { createTelegramClientSource } = await import(process.env.DIST);
const source = createTelegramClientSource({
  apiId: 12345, apiHash: '0123456789abcdef0123456789abcdef',
  session: process.env.SESSION, serverPort: Number(process.env.PORT), connectTimeoutMs: 1500,
});
const day = { chat: '@durov', from: Date.parse('2025-11-07'), to: Date.parse('2025-11-08') };
try { for await (const m of source.messages(day, new AbortController().signal)); }
catch (error) { process.stdout.write(error.code + '\\n'); }
await source.close();
process.stdout.write('closed\\n');
`;

/** Runs the script against 127.0.0.1:port; resolves how long the process lived after 'closed'. */
function run(port: number, session: string): Promise<{ out: string; afterCloseMs: number }> {
  const child = spawn(process.execPath, ['--input-type=module', '-e', SCRIPT], {
    env: { PATH: process.env.PATH ?? '', DIST, SESSION: session, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  let closedAt = 0;
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    out += chunk;
    if (!closedAt && out.includes('closed')) closedAt = Date.now();
  });
  const kill = setTimeout(() => child.kill('SIGKILL'), 20_000);
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', () => {
      clearTimeout(kill);
      resolve({ out, afterCloseMs: closedAt ? Date.now() - closedAt : Number.NaN });
    });
  });
}

let server: SilentServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('closing a Telegram source', () => {
  // gramjs alone keeps such a process 9-24 s (ping and retry timers, a connecting socket).
  it('lets the process exit at once after a silent server', async () => {
    server = await silentServer();
    const { out, afterCloseMs } = await run(server.port, await sessionAt());
    expect(out).toBe('TELEGRAM_UNREACHABLE\nclosed\n');
    expect(afterCloseMs).toBeLessThan(3000);
  });

  it('lets the process exit at once after a refused connection', async () => {
    const { out, afterCloseMs } = await run(await closedPort(), await sessionAt());
    expect(out).toBe('TELEGRAM_UNREACHABLE\nclosed\n');
    expect(afterCloseMs).toBeLessThan(3000);
  });
});

describe('closing a Telegram source after a fetch', () => {
  const child = useBundledScript(
    fileURLToPath(new URL('./testing-fixtures/fetch-child.ts', import.meta.url)),
  );

  // gramjs' update loop raced each ping against a 10 s timer it never cleared: the process
  // lived on up to 10 s after close() (the fetch waits for the first ping, 9 s in).
  it('lets the process exit by itself within 1 s of close() resolving', async () => {
    const run = spawnProcess(process.execPath, [child.script]);
    const lingered = await lingerAfter(run, 'closed\n', 30_000);
    expect(run.stdout()).toBe('messages 3\nclosed\n');
    expect((await run.exited).code).toBe(0);
    expect(lingered).toBeLessThan(1000);
  }, 60_000);
});
