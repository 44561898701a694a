/**
 * Pieces of the `pattern`s of the published JSON Schemas, written so that they mean the same
 * to an ECMA-262 validator (ajv) and to Python's `re` (jsonschema), which differ where a
 * careless pattern goes: Python's `$` also matches before a final newline, and its `\d`,
 * `\s`, `\w` take every Unicode digit, space and letter. So no pattern here uses `$`, `\d`,
 * `\s`, `\w`, `\b` or `.`: the end is `END`, classes are spelled out.
 */

/** The end of the string, in both dialects (a `$` in Python also matches before a final `\n`). */
export const END = '(?![\\s\\S])';

/**
 * What JavaScript's `String.prototype.trim` removes (WhiteSpace and LineTerminator of
 * ECMA-262), as a class: `\s` means another set in Python (it has U+001C–U+001F and U+0085,
 * not U+FEFF).
 */
export const TRIMMED =
  '[\\t\\n\\u000b\\f\\r \\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff]';

/** The same class, without what it holds. */
export const NOT_TRIMMED = `[^${TRIMMED.slice(1)}`;

/**
 * A pattern matching exactly `names`, each in any ASCII letter case (`[Uu][Tt][Cc]`), as a
 * trie so that shared prefixes are written once. Names hold letters, digits and `_+-/`.
 */
export function anyCaseNames(names: readonly string[]): string {
  interface Node {
    end: boolean;
    next: Map<string, Node>;
  }
  const root: Node = { end: false, next: new Map() };
  for (const name of names) {
    if (!/^[A-Za-z0-9_+\-/]+$/.test(name)) throw new TypeError(`not a plain name: ${name}`);
    let node = root;
    for (const char of name.toLowerCase()) {
      let child = node.next.get(char);
      if (!child) {
        child = { end: false, next: new Map() };
        node.next.set(char, child);
      }
      node = child;
    }
    node.end = true;
  }
  const char = (c: string) =>
    c === '+' ? '\\+' : c >= 'a' && c <= 'z' ? `[${c.toUpperCase()}${c}]` : c;
  const emit = (node: Node): string => {
    const branches = [...node.next]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([c, child]) => char(c) + emit(child));
    if (branches.length === 0) return '';
    const body = branches.length === 1 ? branches[0]! : `(?:${branches.join('|')})`;
    if (!node.end) return body;
    return branches.length === 1 ? `(?:${body})?` : `${body}?`;
  };
  const body = emit(root);
  return root.next.size > 1 ? body : `(?:${body})`;
}
