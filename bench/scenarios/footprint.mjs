import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startRedisServer } from '@tgfetch/test-utils';
import { rssMb } from '../lib/proc.mjs';
import { median } from '../lib/stats.mjs';

/**
 * 5. Footprint: `tgfetch daemon` (simulated source) from spawn to its `ready` log line, and
 * its resident memory once idle, beside bare Node and Node that only loads gramjs.
 */

export const title = 'Footprint: daemon start-up and idle RSS';

const daemonDir = path.dirname(fileURLToPath(import.meta.resolve('@tgfetch/daemon/package.json')));
const bin = path.join(daemonDir, 'bin', 'tgfetch.js');
// gramjs as the daemon loads it: through @tgfetch/telegram (the daemon has no gramjs of its own).
const telegramDir = path.dirname(
  fileURLToPath(import.meta.resolve('@tgfetch/telegram/package.json')),
);
const gramjs = createRequire(path.join(telegramDir, 'package.json')).resolve('telegram');

export function params(smoke) {
  return smoke ? { runs: 1, idleMs: 1000 } : { runs: 3, idleMs: 3000 };
}

export async function run(smoke) {
  const p = params(smoke);
  const server = await startRedisServer();
  const daemon = [];
  const bare = [];
  const withGramjs = [];
  try {
    for (let i = 0; i < p.runs; i++) {
      daemon.push(await measureDaemon(server.url, p.idleMs));
      bare.push(await measure(['-e', READY_THEN_IDLE], {}, p.idleMs));
      withGramjs.push(
        await measure(
          ['-e', `require(${JSON.stringify(gramjs)}); ${READY_THEN_IDLE}`],
          {},
          p.idleMs,
        ),
      );
      const d = daemon[i];
      process.stderr.write(
        `  footprint run ${i + 1}/${p.runs}: ready in ${Math.round(d.readyMs)} ms (startup_ms ${d.startupMs}), idle ${Math.round(d.idleRssMb)} MB\n`,
      );
    }
  } finally {
    await server.close();
  }
  const m = (runs, field) => median(runs.map((r) => r[field]));
  const summary = {
    daemonReadyMs: m(daemon, 'readyMs'),
    daemonStartupMs: m(daemon, 'startupMs'),
    daemonIdleRssMb: m(daemon, 'idleRssMb'),
    bareNodeReadyMs: m(bare, 'readyMs'),
    bareNodeIdleRssMb: m(bare, 'idleRssMb'),
    gramjsReadyMs: m(withGramjs, 'readyMs'),
    gramjsIdleRssMb: m(withGramjs, 'idleRssMb'),
  };
  return {
    params: p,
    runs: { daemon, bare, withGramjs },
    summary,
    rows: [
      row(`daemon spawn → "ready", ms (its startup_ms: ${Math.round(summary.daemonStartupMs)})`, {
        ours: summary.daemonReadyMs,
        reference: summary.gramjsReadyMs,
        bare: `${Math.round(summary.bareNodeReadyMs)} ms`,
      }),
      row(`daemon idle RSS after ${p.idleMs / 1000} s, MB`, {
        ours: summary.daemonIdleRssMb,
        reference: summary.gramjsIdleRssMb,
        bare: `${Math.round(summary.bareNodeIdleRssMb)} MB`,
      }),
    ],
  };
}

/** A row of the daemon beside Node that only loads gramjs; bare Node is named for scale. */
function row(metric, { ours, reference, bare }) {
  return {
    metric,
    ours,
    reference,
    referenceName: `node that only loads gramjs (bare node: ${bare})`,
    ratio: ours / reference,
    target: '',
    met: undefined,
  };
}

const READY_THEN_IDLE = `console.log(JSON.stringify({ msg: 'ready' })); setInterval(() => {}, 1000);`;

async function measureDaemon(redisUrl, idleMs) {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'tgfetch-bench-daemon-'));
  try {
    return await measure(
      [bin, 'daemon'],
      {
        TGFETCH_SOURCE: 'simulated',
        REDIS_URL: redisUrl,
        DATA_DIR: path.join(dir, 'data'),
        LOG_LEVEL: 'info',
        WORKER_ID: `bench-${process.pid}`,
        METRICS_PORT: '0',
      },
      idleMs,
      dir,
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Spawns node with `args`, waits for a JSON line with msg "ready", idles, reads VmRSS. */
async function measure(args, env, idleMs, cwd = os.tmpdir()) {
  const t0 = performance.now();
  const child = spawn(process.execPath, args, {
    cwd,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stderr.on('data', (chunk) => {
    err += chunk;
  });
  const ready = await new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`no "ready" in 30 s:\n${out}\n${err}`)),
      30_000,
    );
    child.on('exit', (code) => reject(new Error(`exited ${code} before ready:\n${out}\n${err}`)));
    child.stdout.on('data', (chunk) => {
      out += chunk;
      for (const line of out.split('\n')) {
        if (!line.startsWith('{')) continue;
        const entry = JSON.parse(line);
        if (entry.msg === 'ready') {
          clearTimeout(timer);
          resolve({ at: performance.now(), entry });
        }
      }
    });
  });
  await new Promise((resolve) => setTimeout(resolve, idleMs));
  const idleRss = await rssMb(child.pid);
  child.removeAllListeners('exit');
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  await exited;
  return {
    readyMs: ready.at - t0,
    startupMs: ready.entry.startup_ms,
    idleRssMb: idleRss,
  };
}
