#!/usr/bin/env node
// Makes sure the real components the tests start are on this machine: the README's test
// command must work on a fresh machine with only Node. What is missing is installed with
// apt-get when that is possible (Debian, as root); otherwise the exact command is named.
import { spawnSync } from 'node:child_process';

/** Each tool the test suite runs, and the Debian package that brings it. */
const NEEDED = [
  { command: 'redis-server', debian: 'redis-server' },
  // Proxy tests go through a real SOCKS5 proxy; terminal tests drive a real terminal.
  { command: 'microsocks', debian: 'microsocks' },
  { command: 'tmux', debian: 'tmux' },
  // The alert rules are checked and unit-tested with promtool.
  { command: 'promtool', debian: 'prometheus' },
];

const has = (command) => spawnSync('sh', ['-c', `command -v ${command}`]).status === 0;
const missing = NEEDED.filter((tool) => !has(tool.command));
if (missing.length > 0) {
  const packages = [...new Set(missing.map((tool) => tool.debian))];
  const names = missing.map((tool) => tool.command).join(', ');
  const root = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!root || !has('apt-get')) {
    console.error(
      `The tests need ${names}. Install it first, e.g. on Debian or Ubuntu:\n` +
        `  sudo apt-get install -y ${packages.join(' ')}`,
    );
    process.exit(1);
  }
  console.error(`Installing ${packages.join(', ')} for the tests (apt-get) ...`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const run = (args) => spawnSync('apt-get', args, { stdio: 'inherit', env }).status === 0;
  if (!run(['update', '-qq']) || !run(['install', '-y', '-qq', ...packages])) {
    console.error(`apt-get could not install ${packages.join(' ')}`);
    process.exit(1);
  }
}
