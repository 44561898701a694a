#!/usr/bin/env node
// Builds the package in the working directory into dist/ without ever removing dist/:
// tsup writes into a staging folder of its own, then each file is renamed over its old
// copy (a rename is atomic, so a process importing dist/ meanwhile sees the old file or the
// new one, never none or half of one), and files the new build did not produce are removed
// last (nothing stale is left to be packed). A CLI run from a checkout while `pnpm test`
// rebuilds keeps working.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';

const dist = 'dist';
const staging = `.dist-next-${process.pid}`;
const filesUnder = (dir) =>
  readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name)));

try {
  const build = spawnSync('tsup', ['--out-dir', staging, ...process.argv.slice(2)], {
    stdio: 'inherit',
  });
  if (build.status !== 0) process.exit(build.status ?? 1);
  mkdirSync(dist, { recursive: true });
  const before = new Set(filesUnder(dist));
  const fresh = filesUnder(staging);
  // New names (hashed chunks) first: an entry never points at a file not yet in place.
  const order = [...fresh.filter((f) => !before.has(f)), ...fresh.filter((f) => before.has(f))];
  for (const file of order) {
    mkdirSync(path.dirname(path.join(dist, file)), { recursive: true });
    renameSync(path.join(staging, file), path.join(dist, file));
  }
  const produced = new Set(fresh);
  for (const file of before) if (!produced.has(file)) rmSync(path.join(dist, file));
} finally {
  rmSync(staging, { recursive: true, force: true });
}
