// A real redis-server on a free port, owned by the suite: started, killed and restarted at
// will. `persistent` turns on an fsync-always AOF in the scenario's folder so a killed and
// restarted server keeps the queue, as a production Redis with persistence would; without
// it (the default) nothing is ever written to disk.
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { freePort, waitUntil } from './util.mjs';

export async function startRedis({ dir, persistent = false, port } = {}) {
  const chosen = port ?? (await freePort());
  const workDir = path.join(dir, 'redis');
  mkdirSync(workDir, { recursive: true });
  const args = [
    '--port',
    String(chosen),
    '--bind',
    '127.0.0.1',
    '--save',
    '',
    '--appendonly',
    persistent ? 'yes' : 'no',
    '--appendfsync',
    'always',
    '--dir',
    workDir,
    '--protected-mode',
    'no',
    '--logfile',
    path.join(workDir, 'redis.log'),
  ];
  let child;
  let exited;

  const up = async () => {
    child = spawn('redis-server', args, { stdio: 'ignore' });
    exited = new Promise((resolve) => child.once('exit', resolve));
    const ok = await waitUntil(() => ping(chosen), { timeoutMs: 10_000 });
    if (!ok) throw new Error(`redis-server did not start on port ${chosen}`);
  };
  await up();

  const server = {
    port: chosen,
    url: `redis://127.0.0.1:${chosen}`,
    get running() {
      return child.exitCode === null && child.signalCode === null;
    },
    /** SIGSTOP: its sockets stay open and nothing answers (a frozen host or VM). */
    freeze() {
      if (server.running) child.kill('SIGSTOP');
    },
    thaw() {
      if (server.running) child.kill('SIGCONT');
    },
    /** Kills the server (SIGKILL by default: a crash, not a shutdown). */
    async stop(signal = 'SIGKILL') {
      if (!server.running) return;
      child.kill('SIGCONT');
      child.kill(signal);
      await exited;
    },
    async start() {
      if (server.running) return;
      await up();
    },
    async restart() {
      await server.stop();
      await server.start();
    },
  };
  return server;
}

/** True when a RESP PING on `port` gets PONG. */
function ping(port) {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    const done = (value) => {
      socket.destroy();
      resolve(value);
    };
    socket.setTimeout(500, () => done(false));
    socket.on('error', () => done(false));
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (data) => done(data.toString().startsWith('+PONG')));
  });
}
