import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { headingAnchors, namedAnchors, namedPaths } from './docs-paths.ts';

/** Every repository path a document names exists, so a reader who follows one finds it. */

const root = fileURLToPath(new URL('../', import.meta.url));
const tracked = execFileSync('git', ['ls-files'], { cwd: root, encoding: 'utf8' })
  .split('\n')
  .filter(Boolean);

/** A file the documents tell the reader to create (`deploy/.env`), which the repository never holds. */
function ignored(file: string): boolean {
  try {
    execFileSync('git', ['check-ignore', '-q', file], { cwd: root });
    return true;
  } catch {
    return false;
  }
}

/** README.md, everything under docs/, and the README of every package, bench, chaos and examples. */
const documents = tracked.filter(
  (file) =>
    file === 'README.md' ||
    (file.startsWith('docs/') && file.endsWith('.md')) ||
    /^(packages\/[^/]+|bench|chaos|examples)\/README\.md$/.test(file),
);
/** The top-level entries of the repository: a bare path must start with one to be a repository path. */
const topLevel = new Set(tracked.map((file) => file.split('/')[0] as string));

describe('paths named in the documents', () => {
  it('finds the documents and the paths they name', async () => {
    expect(documents).toContain('README.md');
    expect(documents).toContain('docs/wire-contract.md');
    expect(documents).toContain('packages/core/README.md');
    const page = 'docs/wire-contract.md';
    const named = namedPaths(page, await readFile(path.join(root, page), 'utf8'), { topLevel });
    expect(named).toContain('packages/core/schema/asyncapi.yaml');
  });

  it('every one of them exists (or is one the reader makes, which git ignores)', async () => {
    const missing: string[] = [];
    for (const document of documents) {
      const text = await readFile(path.join(root, document), 'utf8');
      for (const named of namedPaths(document, text, { topLevel }))
        if (!existsSync(path.join(root, named)) && !ignored(named))
          missing.push(`${document}: ${named}`);
    }
    expect(missing).toEqual([]);
  });

  it('every docs/ page is linked from the docs index, and the index from the README', async () => {
    const index = await readFile(path.join(root, 'docs/README.md'), 'utf8');
    const linked = new Set(namedPaths('docs/README.md', index, { topLevel }));
    const pages = documents.filter((d) => d.startsWith('docs/') && d !== 'docs/README.md');
    expect(pages.length).toBeGreaterThan(5);
    expect(pages.filter((page) => !linked.has(page))).toEqual([]);
    const readme = await readFile(path.join(root, 'README.md'), 'utf8');
    expect(namedPaths('README.md', readme, { topLevel })).toContain('docs/README.md');
  });

  it('every link to a heading finds that heading', async () => {
    const broken: string[] = [];
    for (const document of documents) {
      const text = await readFile(path.join(root, document), 'utf8');
      for (const { target, anchor } of namedAnchors(document, text)) {
        const file = target.endsWith('.md') ? target : `${target}/README.md`;
        const linked = existsSync(path.join(root, file))
          ? await readFile(path.join(root, file), 'utf8')
          : '';
        if (!headingAnchors(linked).has(anchor)) broken.push(`${document}: ${target}#${anchor}`);
      }
    }
    expect(broken).toEqual([]);
  });
});

describe('namedPaths', () => {
  const topLevel = new Set(['packages', 'deploy', 'README.md']);

  it('reads links relative to the document, and bare paths from the root', () => {
    const text = [
      'See [the core](../core/README.md#ports) and `src/ports.ts`,',
      'or `packages/daemon/src/cli.ts` and deploy/compose.yaml.',
      'Not [a site](https://example.org/x), not data/ru_python/2025/x.json, not `packages/*/src`.',
    ].join('\n');
    expect(namedPaths('packages/fs-store/README.md', text, { topLevel }).sort()).toEqual([
      'deploy/compose.yaml',
      'packages/core/README.md',
      'packages/daemon/src/cli.ts',
      'packages/fs-store/src/ports.ts',
    ]);
  });

  it('finds a path that does not exist, so the check above can fail', () => {
    const text = 'measured in `packages/fs-store/src/engine-days.test.ts`.';
    const named = namedPaths('README.md', text, { topLevel });
    expect(named).toEqual(['packages/fs-store/src/engine-days.test.ts']);
    expect(existsSync(path.join(root, named[0] as string))).toBe(false);
    expect(ignored(named[0] as string)).toBe(false);
  });
});

describe('namedAnchors and headingAnchors', () => {
  it('reads anchors relative to the document, a bare one in the document itself', () => {
    const text = 'See [keys](wire.md#redis-keys), [up](../README.md#set-up) and [here](#below).';
    expect(namedAnchors('docs/cli.md', text)).toEqual([
      { target: 'docs/wire.md', anchor: 'redis-keys' },
      { target: 'README.md', anchor: 'set-up' },
      { target: 'docs/cli.md', anchor: 'below' },
    ]);
  });

  it("gives headings GitHub's anchors, and none to a line in a code fence", () => {
    const text = [
      '# Scaling out: several machines, one Redis',
      '### `tgfetch --help`',
      '## See [the core](../core)',
      '## Notes',
      '## Notes',
      '```sh',
      '# not a heading',
      '```',
    ].join('\n');
    expect([...headingAnchors(text)]).toEqual([
      'scaling-out-several-machines-one-redis',
      'tgfetch---help',
      'see-the-core',
      'notes',
      'notes-1',
    ]);
  });
});
