import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { EXIT, EXIT_MEANINGS } from './exit-codes.js';
import { COMMAND_NAMES, FLAGS, flagsOf } from './flags.js';

/** What the READMEs and docs/ promise about the command line, checked against the code. */
const root = fileURLToPath(new URL('../../../../', import.meta.url));
const read = (file: string) => readFileSync(path.join(root, file), 'utf8');

describe('documentation', () => {
  it('every package the root README links has a README', () => {
    const links = [...read('README.md').matchAll(/\]\((packages\/[a-z-]+)\)/g)].map((m) => m[1]);
    expect(links).toContain('packages/core');
    expect(links).toContain('packages/daemon');
    for (const link of links)
      expect(existsSync(path.join(root, `${link}/README.md`)), link).toBe(true);
  });

  it('says which commands take --source, as the parser does', () => {
    const readme = read('docs/cli.md');
    expect(readme).not.toMatch(/work with every command/);
    const takers = COMMAND_NAMES.filter((c) => flagsOf(c).includes('source'));
    expect(FLAGS.source.commands).toEqual(takers);
    const sentence = /are taken by ([^(]+)\(each command/.exec(readme.replace(/\s+/g, ' '))?.[1];
    expect(new Set(sentence?.match(/`(\w+)`/g)?.map((w) => w.slice(1, -1)))).toEqual(
      new Set(takers),
    );
  });

  it('docker compose reads the root .env the README and the deploy docs tell you to create', () => {
    const compose = read('deploy/compose.yaml');
    const envFile = /env_file:\s*(\S+)/.exec(compose)?.[1] ?? '';
    expect(path.resolve(root, 'deploy', envFile)).toBe(path.resolve(root, '.env'));
    expect(read('README.md')).toContain('cp .env.example .env');
    const deploying = read('docs/daemon.md');
    expect(deploying).toContain('cp .env.example .env');
    expect(deploying).toContain('docker compose -f deploy/compose.yaml up -d');
  });

  it('explains how to import an export: which --chat and which dates', () => {
    expect(read('README.md')).toContain('](docs/import.md)');
    const page = read('docs/import.md');
    expect(page).toMatch(/^# Importing a Telegram Desktop export\n/);
    expect(page).toContain('tgfetch chats --source export:');
    expect(page).toMatch(/--chat -100\d+ --from \d{4}-\d{2}-\d{2} --to \d{4}-\d{2}-\d{2}/);
  });

  it('the exit-code table names every code the commands return, once', () => {
    const codes = EXIT_MEANINGS.map(([code]) => code);
    expect(new Set(codes).size).toBe(codes.length);
    expect(codes.sort((a, b) => a - b)).toEqual(Object.values(EXIT).sort((a, b) => a - b));
    expect(read('packages/daemon/README.md')).toContain('Exit codes:');
  });
});
