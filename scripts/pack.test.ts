import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { workspacePackages } from '@tgfetch/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * Every package as a user gets it: `pnpm pack` (which rewrites `workspace:^` to real
 * versions), installed with npm into a fresh project outside the workspace, then loaded
 * through both `import` and `require`.
 */
const run = promisify(execFile);
const root = new URL('..', import.meta.url).pathname;
/** Every published package of `packages/` (test-utils is private). */
const packages = workspacePackages().filter((pkg) => !pkg.private);

// Entry points and one export each must have, checked from ESM and CommonJS alike.
// (`@tgfetch/core/testing` is left out: it runs inside vitest, which is ESM-only.)
const entries: Record<string, string> = {
  '@tgfetch/core': 'parseCommand',
  '@tgfetch/telegram': 'createTelegramSource',
  '@tgfetch/telegram/testing': 'createSimulatedTelegram',
  '@tgfetch/telegram/export': 'createExportSource',
  '@tgfetch/telegram/proxy': 'parseProxy',
  '@tgfetch/telegram/errors': 'TELEGRAM_ERROR_CODES',
  '@tgfetch/fs-store': 'createFsStore',
  '@tgfetch/pg-store': 'openPgStore',
  '@tgfetch/redis-transport': 'createCommandClient',
  '@tgfetch/console': 'startConsole',
};

let project: string;

beforeAll(async () => {
  for (const { folder } of packages) {
    if (!existsSync(join(root, folder, 'dist'))) {
      throw new Error(`${folder}/dist is missing: run \`pnpm build\` first (\`pnpm test\` does)`);
    }
  }
  project = await mkdtemp(join(tmpdir(), 'tgfetch-pack-'));
  const tarballs = join(project, 'tarballs');
  for (const { folder } of packages) {
    await run('pnpm', ['pack', '--pack-destination', tarballs], { cwd: join(root, folder) });
  }
  const files = (await readdir(tarballs)).map((f) => join(tarballs, f));
  await writeFile(
    join(project, 'package.json'),
    JSON.stringify({ name: 'consumer', private: true }),
  );
  await run(
    'npm',
    ['install', '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel=error', ...files],
    {
      cwd: project,
    },
  );
}, 240_000);

afterAll(async () => {
  if (project) await rm(project, { recursive: true, force: true });
});

describe('packed packages in a fresh project', () => {
  it('ship only dist (and schemas) with a complete manifest', async () => {
    expect(packages.map((pkg) => pkg.name)).toContain('@tgfetch/daemon');
    for (const { name } of packages) {
      const manifest = JSON.parse(
        await readFile(join(project, 'node_modules', name, 'package.json'), 'utf8'),
      );
      expect(manifest.engines.node).toBe('>=20.19');
      expect(manifest.sideEffects).toBe(false);
      expect(JSON.stringify(manifest.dependencies ?? {})).not.toContain('workspace:');
      const shipped = await readdir(join(project, 'node_modules', name));
      expect(
        shipped.filter(
          (f) =>
            ![
              'dist',
              'schema',
              'bin',
              // The console's style sheet and script, served from the package.
              'assets',
              'package.json',
              'README.md',
              'CHANGELOG.md',
              'LICENSE',
              'node_modules',
            ].includes(f),
        ),
      ).toEqual([]);
    }
  });

  it('load through import', async () => {
    const script = Object.entries(entries)
      .map(
        ([spec, name], i) =>
          `import * as m${i} from '${spec}';\nif (m${i}.${name} === undefined) throw new Error('${spec} lacks ${name}');`,
      )
      .join('\n');
    await writeFile(join(project, 'esm.mjs'), `${script}\nconsole.log('esm ok');\n`);
    const { stdout } = await run(process.execPath, ['esm.mjs'], { cwd: project });
    expect(stdout.trim()).toBe('esm ok');
  });

  it('load through require', async () => {
    const script = Object.entries(entries)
      .map(
        ([spec, name]) =>
          `if (require('${spec}').${name} === undefined) throw new Error('${spec} lacks ${name}');`,
      )
      .join('\n');
    await writeFile(join(project, 'cjs.cjs'), `${script}\nconsole.log('cjs ok');\n`);
    const { stdout } = await run(process.execPath, ['cjs.cjs'], { cwd: project });
    expect(stdout.trim()).toBe('cjs ok');
  });

  it('run a command end to end from the installed core', async () => {
    const script = `
const { parseCommand, runFetch, createMemorySource, createMemoryStore, createMemoryProgress, createMemoryEventSink } = require('@tgfetch/core');
const parsed = parseCommand({ command: 'fetch', chat: '@packed', mode: 'date', date: '2025-01-02' });
if (!parsed.ok) throw parsed.error;
const source = createMemorySource({ '@packed': [{ id: 1, date: '2025-01-02T10:00:00Z', chat: '@packed', text: 'hi' }] });
runFetch(parsed.command, { source, store: createMemoryStore(), progress: createMemoryProgress(), events: createMemoryEventSink() })
  .then((r) => console.log(r.event, r.processed));
`;
    await writeFile(join(project, 'run.cjs'), script);
    const { stdout } = await run(process.execPath, ['run.cjs'], { cwd: project });
    expect(stdout.trim()).toBe('completed 1');
  });

  it('install the tgfetch command', async () => {
    const bin = join(project, 'node_modules', '.bin', 'tgfetch');
    const { stdout } = await run(bin, ['--help'], { cwd: project });
    expect(stdout).toContain('Usage: tgfetch <command>');
    const fetched = await run(
      bin,
      ['fetch', '--source', 'simulated', '--chat', 'packed_chat', '--days', '1', '--json'],
      {
        cwd: project,
        env: { ...process.env, TELEGRAM_SESSION: '', DATA_DIR: join(project, 'data') },
      },
    );
    // The chat's canonical identity is its marked id; the event also says what was asked for.
    expect(JSON.parse(fetched.stdout)).toMatchObject({
      event: 'completed',
      chat: expect.stringMatching(/^-100\d+$/),
      requested_chat: '@packed_chat',
    });
  });

  it('ship the JSON Schemas of the contracts', async () => {
    const { stdout } = await run(
      process.execPath,
      [
        '-e',
        "for (const s of ['command', 'event', 'message']) console.log(require('@tgfetch/core/schema/' + s + '.json').title)",
      ],
      { cwd: project },
    );
    expect(stdout.trim().split('\n')).toEqual([
      'tgfetch command',
      'tgfetch event',
      'tgfetch message',
    ]);
    // The AsyncAPI document, and every schema it points at, resolve from the package.
    const asyncapi = await run(
      process.execPath,
      [
        '-e',
        `const fs = require('node:fs'), path = require('node:path');
const file = require.resolve('@tgfetch/core/schema/asyncapi.yaml');
const refs = [...new Set([...fs.readFileSync(file, 'utf8').matchAll(/[.][/]([a-z-]+[.]json)/g)].map((m) => m[1]))];
for (const ref of refs) require(path.join(path.dirname(file), ref));
console.log(refs.sort().join(' '));`,
      ],
      { cwd: project },
    );
    expect(asyncapi.stdout.trim()).toBe('command.json event.json legacy-event.json');
  });
});
