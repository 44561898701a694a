import path from 'node:path';

export interface NamedPathsOptions {
  /** The repository's top-level entries: a bare path names the repository only if it starts with one. */
  topLevel: ReadonlySet<string>;
}

/** Text that marks a pattern or a placeholder rather than one file (`packages/*`, `<chat>/…`, `{a,b}`). */
const PATTERN = /[*<>{}$]/;
/** A markdown link's target: `[text](target)` or `[text](target "title")`. */
const LINK = /\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g;
/** A run of path characters with at least one slash, as it stands in prose or a code span. */
const BARE = /(?<![\w./@:-])(\.{0,2}\/?[\w.-]+(?:\/[\w.*<>{}$-]+)+\/?)/g;
/** Folders of a package that its own README names relative to itself (`src/ports.ts`). */
const PACKAGE_LOCAL = new Set(['src', 'schema', 'bin']);

/**
 * The repository paths (relative to the root, without a trailing slash) a document names:
 * its relative link targets, read from the document's folder, and bare paths that begin with
 * a top-level entry of the repository (or, in a package's README, with one of its own
 * folders). Web addresses, anchors, patterns and paths outside the repository are left out.
 */
export function namedPaths(document: string, text: string, options: NamedPathsOptions): string[] {
  const folder = path.posix.dirname(document);
  const found = new Set<string>();
  const add = (candidate: string, from: string) => {
    const clean = candidate.split('#')[0]?.replace(/[.,;:]+$/, '') ?? '';
    if (clean === '' || PATTERN.test(clean)) return;
    const resolved = path.posix.normalize(path.posix.join(from, clean)).replace(/\/$/, '');
    if (resolved.startsWith('..') || resolved === '.') return;
    found.add(resolved);
  };

  const linked = new Set<string>();
  for (const [, target = ''] of text.matchAll(LINK)) {
    if (/^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith('#')) continue;
    linked.add(target);
    add(target, folder);
  }
  const packageFolder = /^packages\/[^/]+$/.test(folder) ? folder : undefined;
  for (const [, candidate = ''] of text.matchAll(BARE)) {
    if (linked.has(candidate) || candidate.startsWith('.') || candidate.startsWith('/')) continue;
    const first = candidate.split('/')[0] as string;
    if (options.topLevel.has(first)) add(candidate, '.');
    else if (packageFolder !== undefined && PACKAGE_LOCAL.has(first)) add(candidate, packageFolder);
  }
  return [...found];
}
