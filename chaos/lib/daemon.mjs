// The built daemon (`tgfetch daemon`) as a child process. Its JSON log goes to a file
// (kept for post-mortems) and is parsed as it comes, so scenarios can wait for `ready` and
// count the retries it reports.
import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import path from 'node:path';
import { BIN } from './env.mjs';
import { waitUntil } from './util.mjs';

/** Settings every chaos daemon shares; scenarios override what they test. */
export function baseEnv({ redisUrl, dataDir, sim, workerId }) {
  return {
    REDIS_URL: redisUrl,
    TGFETCH_SOURCE: 'simulated',
    TGFETCH_SIM: JSON.stringify(sim),
    DATA_DIR: dataDir,
    QUEUE_NAME: 'chaos:commands',
    EVENTS_CHANNEL: 'chaos:events',
    EVENTS_STREAM: 'chaos:events:stream',
    EVENTS_STREAM_MAXLEN: '10000000',
    WORKER_ID: workerId,
    TGFETCH_TZ: 'UTC',
    LOG_LEVEL: 'info',
    SHUTDOWN_GRACE_MS: '3000',
    REDIS_MAX_OUTAGE_MS: '60000',
    MAX_DELIVERIES: '10',
    FETCH_CONCURRENCY: '1',
    QUEUE_VISIBILITY_MS: '1500',
    CHAT_LOCK_TTL_MS: '1500',
    MAX_FLOOD_WAIT_SEC: '30',
    RETRY_MAX_ATTEMPTS: '5',
    METRICS_PORT: '0',
  };
}

let serial = 0;

/** `command`: the tgfetch command to run (`daemon`, or `persist` for the pipeline scenario). */
export function spawnDaemon({ env, dir, label, command = 'daemon' }) {
  const name = `${label ?? env.WORKER_ID}-${++serial}`;
  const logFile = path.join(dir, 'logs', `${name}.log`);
  const log = createWriteStream(logFile);
  // A clean environment: no TELEGRAM_* or REDIS_* of the caller's shell can leak in, and the
  // working directory holds no .env.
  const child = spawn(process.execPath, [BIN, command], {
    cwd: dir,
    env: { PATH: process.env.PATH ?? '', HOME: dir, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines = [];
  const retries = {};
  let ready = false;
  let partial = '';
  child.stdout.on('data', (chunk) => {
    log.write(chunk);
    partial += chunk.toString();
    const parts = partial.split('\n');
    partial = parts.pop() ?? '';
    for (const line of parts) {
      let entry;
      try {
        entry = JSON.parse(line);
      } catch {
        continue;
      }
      lines.push(entry);
      if (entry.msg === 'ready') ready = true;
      if (entry.msg === 'waiting before retrying')
        retries[entry.error_type] = (retries[entry.error_type] ?? 0) + 1;
    }
  });
  const stderr = [];
  child.stderr.on('data', (chunk) => {
    log.write(chunk);
    stderr.push(chunk.toString());
  });
  const exited = new Promise((resolve) =>
    child.once('exit', (code, signal) => {
      log.end();
      resolve({ code, signal });
    }),
  );
  const daemon = {
    name,
    workerId: env.WORKER_ID,
    pid: child.pid,
    logFile,
    lines,
    retries,
    exited,
    get stderr() {
      return stderr.join('');
    },
    /** Its last error or fatal log line, else its stderr's end: why it exited, for a violation. */
    get lastError() {
      const entry = lines.findLast((l) => l.level === 'error' || l.level === 'fatal');
      if (entry) return `${entry.msg} (${entry.error_type ?? '-'}: ${entry.err ?? ''})`;
      return stderr.join('').slice(-300).trim() || 'nothing logged';
    },
    get alive() {
      return child.exitCode === null && child.signalCode === null;
    },
    get ready() {
      return ready;
    },
    async waitReady(timeoutMs = 30_000) {
      const ok = await waitUntil(() => ready || !daemon.alive, { timeoutMs });
      if (!ok || !ready) throw new Error(`daemon ${name} did not become ready (see ${logFile})`);
    },
    kill(signal = 'SIGKILL') {
      if (daemon.alive) child.kill(signal);
      return exited;
    },
    /** SIGTERM, then SIGKILL if it outlives `timeoutMs`; resolves with the exit. */
    async stop(timeoutMs = 15_000) {
      if (!daemon.alive) return exited;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      const result = await exited;
      clearTimeout(timer);
      return result;
    },
  };
  return daemon;
}
