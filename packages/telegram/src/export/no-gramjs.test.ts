import { readFile } from 'node:fs/promises';
import { builtinModules } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { workspaceSource } from '@tgfetch/test-utils';
import ts from 'typescript';
import { expect, it } from 'vitest';

const here = path.dirname(fileURLToPath(import.meta.url));
const coreEntry = workspaceSource('@tgfetch/core');
// Core's own runtime dependencies (valibot for schemas, croner for schedules): the only
// packages an export reader may pull in, since every install of core has them anyway.
const coreDependencies = Object.keys(
  JSON.parse(await readFile(path.join(path.dirname(coreEntry), '..', 'package.json'), 'utf8'))
    .dependencies as Record<string, string>,
).sort();

/**
 * Every module `@tgfetch/telegram/export` can load, found by following the import
 * statements of its sources (and core's) from the entry point, as the TypeScript compiler
 * reads them (static, dynamic and `require` imports): the files reached and the packages
 * they import. Type-only imports count too, to be strict.
 */
async function importGraph(entry: string) {
  const files = new Set<string>();
  const packages = new Set<string>();
  const queue = [entry];
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (files.has(file)) continue;
    files.add(file);
    const source = await readFile(file, 'utf8');
    for (const { fileName: spec } of ts.preProcessFile(source, true, true).importedFiles) {
      if (spec.startsWith('.')) {
        queue.push(path.resolve(path.dirname(file), spec.replace(/\.js$/, '.ts')));
      } else if (spec === '@tgfetch/core') queue.push(coreEntry);
      else if (!spec.startsWith('node:') && !builtinModules.includes(spec)) packages.add(spec);
    }
  }
  return { files: [...files], packages: [...packages] };
}

it('the export entry point never imports gramjs, even through core', async () => {
  const { files, packages } = await importGraph(path.join(here, 'index.ts'));
  expect(files).toContain(path.join(here, 'source.ts'));
  expect(files).toContain(coreEntry);
  expect(packages).not.toContain('telegram');
  expect(packages.filter((p) => p.startsWith('telegram/'))).toEqual([]);
  // Nothing else of @tgfetch/telegram (where the gramjs source lives) is reachable.
  const telegramSrc = path.resolve(here, '..');
  const outside = files.filter((f) => f.startsWith(telegramSrc) && !f.startsWith(here));
  expect(outside).toEqual([]);
  // Core's own dependencies are the only packages on the path.
  expect(packages.sort()).toEqual(coreDependencies);
  expect(coreDependencies).not.toContain('telegram');
  // Test helpers stay out of the shipped graph.
  expect(files.filter((f) => f.endsWith('.test.ts') || f.includes('/testing/'))).toEqual([]);
});

it('the errors entry point never imports gramjs either (the daemon loads it for its prompts)', async () => {
  const { files, packages } = await importGraph(path.join(here, '..', 'error-codes.ts'));
  expect(files).toContain(path.join(here, 'errors.ts'));
  expect(packages.sort()).toEqual(coreDependencies);
});
