import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * A private `redis-server` for one scenario: a free port on loopback, nothing saved, never
 * the machine's own Redis.
 */
export async function startRedisServer() {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'tgfetch-bench-redis-'));
  const port = await freePort();
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'];
  args.push('--dir', dir, '--loglevel', 'warning');
  const child = spawn('redis-server', args, { cwd: dir, stdio: 'ignore' });
  const deadline = Date.now() + 10_000;
  while (!(await ping(port))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      throw new Error(`redis-server did not start on port ${port}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    /** `redis-cli` against this server; returns stdout. */
    async cli(...command) {
      const { stdout } = await run('redis-cli', ['-p', String(port), ...command]);
      return stdout;
    },
    async close() {
      if (child.exitCode === null) {
        const exited = once(child, 'exit');
        child.kill('SIGTERM');
        await exited;
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Counts what the server executes while `fn` runs, with `MONITOR`: commands sent by clients
 * (each command of a pipeline or MULTI counts once) apart from those run inside Lua scripts.
 */
export async function monitorCommands(port, fn) {
  const monitor = spawn('redis-cli', ['-p', String(port), 'monitor'], {
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const counts = { client: 0, lua: 0, byCommand: {} };
  let rest = '';
  let ready;
  const started = new Promise((resolve) => {
    ready = resolve;
  });
  monitor.stdout.setEncoding('utf8');
  monitor.stdout.on('data', (chunk) => {
    const lines = (rest + chunk).split('\n');
    rest = lines.pop() ?? '';
    for (const line of lines) {
      if (line.trim() === 'OK') {
        ready();
        continue;
      }
      const m = /^\d+\.\d+ \[\d+ ([^\]]+)\] "([^"]+)"/.exec(line);
      if (!m) continue;
      const lua = m[1] === 'lua';
      if (lua) counts.lua++;
      else counts.client++;
      const name = `${lua ? 'lua:' : ''}${m[2].toUpperCase()}`;
      counts.byCommand[name] = (counts.byCommand[name] ?? 0) + 1;
    }
  });
  await started;
  try {
    await fn();
    // MONITOR output trails the commands a little: wait for a marker to come through.
    const marker = `bench-marker-${Date.now()}`;
    const seen = new Promise((resolve) => {
      const onData = (chunk) => {
        if (String(chunk).includes(marker)) {
          monitor.stdout.off('data', onData);
          resolve();
        }
      };
      monitor.stdout.on('data', onData);
    });
    await run('redis-cli', ['-p', String(port), 'echo', marker]);
    await seen;
    // The marker itself is not the measured code's.
    counts.client--;
    counts.byCommand.ECHO--;
  } finally {
    monitor.kill('SIGTERM');
  }
  return counts;
}

async function freePort() {
  const server = net.createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  await once(server, 'close');
  return address.port;
}

function ping(port) {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1_000, () => done(false));
    socket.on('error', () => done(false));
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk) => done(String(chunk).includes('+PONG')));
  });
}
