#!/usr/bin/env node
// Makes sure the real components the tests start are on this machine: the README's test
// command must work on a fresh machine with only Node. What is missing is installed with
// apt-get when that is possible (Debian, as root); otherwise the exact command is named.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';

/** Each tool the test suite runs, and the Debian package that brings it. */
const NEEDED = [
  { command: 'redis-server', debian: 'redis-server' },
  // Proxy tests go through a real SOCKS5 proxy; terminal tests drive a real terminal.
  { command: 'microsocks', debian: 'microsocks' },
  { command: 'tmux', debian: 'tmux' },
  // The alert rules are checked and unit-tested with promtool.
  { command: 'promtool', debian: 'prometheus' },
  // The console's browser tests drive Debian's Chromium (never a browser Playwright downloads).
  {
    command: 'chromium',
    debian: 'chromium',
    present: () => has('chromium') || existsSync('/usr/bin/chromium'),
  },
  // The published JSON Schemas are checked with Python's jsonschema, as a Python producer
  // would use them: python3 on PATH or the system's (where Debian's package puts it).
  {
    command: 'python3 with jsonschema',
    debian: 'python3-jsonschema',
    present: () =>
      ['python3', '/usr/bin/python3'].some(
        (python) => spawnSync(python, ['-c', 'import jsonschema']).status === 0,
      ),
  },
];

const has = (command) => spawnSync('sh', ['-c', `command -v ${command}`]).status === 0;
const root = typeof process.getuid === 'function' && process.getuid() === 0;
const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
const aptGet = (args) => spawnSync('apt-get', args, { stdio: 'inherit', env }).status === 0;

const missing = NEEDED.filter((tool) => !(tool.present ? tool.present() : has(tool.command)));
// The pg-store tests need a PostgreSQL server where they may CREATE DATABASE: DATABASE_URL,
// or postgres@127.0.0.1:5432. Nothing listening there and no server installed: install one.
const wantsPostgres = !process.env.DATABASE_URL && !(await listening('127.0.0.1', 5432));
if (wantsPostgres && !has('pg_ctlcluster')) {
  missing.push({ command: 'a PostgreSQL server on 127.0.0.1:5432', debian: 'postgresql' });
}
if (missing.length > 0) {
  const packages = [...new Set(missing.map((tool) => tool.debian))];
  const names = missing.map((tool) => tool.command).join(', ');
  if (!root || !has('apt-get')) {
    console.error(
      `The tests need ${names}. Install it first, e.g. on Debian or Ubuntu:\n` +
        `  sudo apt-get install -y ${packages.join(' ')}`,
    );
    process.exit(1);
  }
  console.error(`Installing ${packages.join(', ')} for the tests (apt-get) ...`);
  if (!aptGet(['update', '-qq']) || !aptGet(['install', '-y', '-qq', ...packages])) {
    console.error(`apt-get could not install ${packages.join(' ')}`);
    process.exit(1);
  }
}

if (wantsPostgres) await startPostgres();

/** Starts the installed clusters that are down and gives the tests a way in. */
async function startPostgres() {
  const clusters = spawnSync('pg_lsclusters', ['--no-header'], { encoding: 'utf8' });
  for (const line of (clusters.stdout ?? '').split('\n').filter(Boolean)) {
    const [version, cluster, , status] = line.trim().split(/\s+/);
    if (status !== 'online')
      spawnSync('pg_ctlcluster', [version, cluster, 'start'], { stdio: 'inherit' });
  }
  if (!(await listening('127.0.0.1', 5432, 10_000))) {
    console.error('PostgreSQL does not listen on 127.0.0.1:5432: start it, or set DATABASE_URL');
    process.exit(1);
  }
  // A fresh Debian server asks for a password over TCP (the development machines trust
  // loopback): when the default URL is refused, give the postgres user a password of the
  // tests' own and leave the URL where the tests' set-up reads it (inside node_modules,
  // so the tree stays clean).
  const check = (url) =>
    spawnSync('psql', [url, '-qAtc', 'select 1'], { env: { ...env, PGCONNECT_TIMEOUT: '5' } })
      .status === 0;
  if (check('postgres://postgres@127.0.0.1:5432/postgres') || !root) return;
  const password = 'tgfetch-tests';
  spawnSync('su', ['postgres', '-c', `psql -qc "ALTER USER postgres PASSWORD '${password}'"`], {
    stdio: 'inherit',
  });
  const url = `postgres://postgres:${password}@127.0.0.1:5432/postgres`;
  if (!check(url)) {
    console.error('PostgreSQL refuses the postgres user on 127.0.0.1: set DATABASE_URL');
    process.exit(1);
  }
  mkdirSync(new URL('../node_modules/.cache/tgfetch/', import.meta.url), { recursive: true });
  writeFileSync(new URL('../node_modules/.cache/tgfetch/database-url', import.meta.url), url);
}

/** Whether something accepts TCP connections at host:port within `ms`. */
function listening(host, port, ms = 2_000) {
  return new Promise((resolve) => {
    const deadline = Date.now() + ms;
    const attempt = () => {
      const socket = connect({ host, port });
      socket.setTimeout(1_000);
      const fail = () => {
        socket.destroy();
        if (Date.now() < deadline) setTimeout(attempt, 200);
        else resolve(false);
      };
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', fail);
      socket.once('timeout', fail);
    };
    attempt();
  });
}
