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

/** A link into a document at a heading: the document (relative to the root) and the anchor. */
export interface NamedAnchor {
  /** The linked document, or the linking one itself for `#anchor`; a folder stands for its README. */
  target: string;
  anchor: string;
}

/** The anchors of a document's relative links, `[text](other.md#anchor)` and `[text](#anchor)`. */
export function namedAnchors(document: string, text: string): NamedAnchor[] {
  const folder = path.posix.dirname(document);
  const found: NamedAnchor[] = [];
  for (const [, target = ''] of text.matchAll(LINK)) {
    const hash = target.indexOf('#');
    if (hash < 0 || /^[a-z][a-z0-9+.-]*:/i.test(target)) continue;
    const file = target.slice(0, hash);
    const resolved =
      file === ''
        ? document
        : path.posix.normalize(path.posix.join(folder, file)).replace(/\/$/, '');
    if (resolved.startsWith('..')) continue;
    found.push({ target: resolved, anchor: decodeURIComponent(target.slice(hash + 1)) });
  }
  return found;
}

/**
 * The anchors a document's headings get where it is read (GitHub's rule): the heading's text
 * as shown (code spans and links reduced to their text), lower case, punctuation dropped,
 * each space a hyphen; a repeated anchor gets `-1`, `-2`, … Headings inside code fences are
 * no headings.
 */
export function headingAnchors(text: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  let fence: string | undefined;
  for (const line of text.split('\n')) {
    const marker = /^\s*(`{3,}|~{3,})/.exec(line)?.[1];
    if (marker !== undefined) {
      if (fence === undefined) fence = marker[0];
      else if (marker[0] === fence) fence = undefined;
      continue;
    }
    const heading = fence === undefined ? /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line)?.[1] : undefined;
    if (heading === undefined) continue;
    const shown = heading.replace(/\[([^\]]*)\]\([^)]*\)/g, '$1').replace(/`/g, '');
    const slug = shown
      .toLowerCase()
      .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
      .replace(/ /g, '-');
    const count = seen.get(slug) ?? 0;
    seen.set(slug, count + 1);
    anchors.add(count === 0 ? slug : `${slug}-${count}`);
  }
  return anchors;
}
