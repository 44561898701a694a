import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

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
