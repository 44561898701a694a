// Where the suite finds the built packages and their dependencies (pnpm keeps them inside
// each package, so they are resolved from the package that depends on them).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const BIN = path.join(ROOT, 'packages/daemon/bin/tgfetch.js');

const built = [
  'packages/daemon/dist/index.js',
  'packages/telegram/dist/testing.js',
  'packages/redis-transport/dist/index.js',
  'packages/test-utils/dist/index.js',
];

export function assertBuilt() {
  const missing = built.filter((file) => !existsSync(path.join(ROOT, file)));
  if (missing.length > 0) {
    throw new Error(`not built: ${missing.join(', ')}; run \`pnpm build\` first`);
  }
  if (spawnSync('redis-server', ['--version']).status !== 0) {
    throw new Error('redis-server is not on PATH: the suite starts its own (any Redis 7)');
  }
}

export async function loadRedis() {
  const require = createRequire(path.join(ROOT, 'packages/redis-transport/package.json'));
  return import(pathToFileURL(require.resolve('redis')).href);
}

export async function loadPg() {
  const require = createRequire(path.join(ROOT, 'packages/pg-store/package.json'));
  return (await import(pathToFileURL(require.resolve('pg')).href)).default;
}

export async function loadSimulatedTelegram() {
  const mod = await import(
    pathToFileURL(path.join(ROOT, 'packages/telegram/dist/testing.js')).href
  );
  return mod.createSimulatedTelegram;
}

export async function loadCore() {
  return import(pathToFileURL(path.join(ROOT, 'packages/core/dist/index.js')).href);
}

export async function loadExportSource() {
  const mod = await import(pathToFileURL(path.join(ROOT, 'packages/telegram/dist/export.js')).href);
  return mod.createExportSource;
}

export async function loadTransport() {
  return import(pathToFileURL(path.join(ROOT, 'packages/redis-transport/dist/index.js')).href);
}

/** The workspace's test utilities (its redis-server launcher). */
export function loadTestUtils() {
  return import(pathToFileURL(path.join(ROOT, 'packages/test-utils/dist/index.js')).href);
}

/** core's `parseChat`: how a command's `chat` becomes a username (or a numeric id). */
export async function loadParseChat() {
  const mod = await import(pathToFileURL(path.join(ROOT, 'packages/core/dist/index.js')).href);
  return mod.parseChat;
}
