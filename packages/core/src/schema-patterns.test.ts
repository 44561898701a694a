import { readdirSync, readFileSync } from 'node:fs';
import { pythonSearches } from '@tgfetch/test-utils';
import { describe, expect, it } from 'vitest';
import { parseChat } from './chat.js';
import { COMMAND_CORPUS } from './command-corpus.js';
import { CHAT_PATTERN, DATE_PATTERN } from './command-schema.js';
import { NOT_TRIMMED, TRIMMED } from './json-pattern.js';
import { isIsoDate } from './time-zone.js';

/**
 * Every `pattern` of every published schema means the same to ECMA-262 (ajv: `u` flag) and
 * to Python's `re.search` (jsonschema). They part where Python's `$` matches before a final
 * newline and where `\d`, `\s`, `\w` take all of Unicode in Python and not in JavaScript.
 */

const dir = new URL('../schema/', import.meta.url);

function patternsOf(value: unknown, found: Set<string>): Set<string> {
  if (Array.isArray(value)) for (const item of value) patternsOf(item, found);
  else if (typeof value === 'object' && value !== null) {
    for (const [key, child] of Object.entries(value)) {
      if (key === 'pattern' && typeof child === 'string') found.add(child);
      else if (key === 'patternProperties' && typeof child === 'object' && child !== null) {
        for (const p of Object.keys(child)) found.add(p);
        patternsOf(child, found);
      } else patternsOf(child, found);
    }
  }
  return found;
}

const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
const PATTERNS = [
  ...patternsOf(
    files.map((f) => JSON.parse(readFileSync(new URL(f, dir), 'utf8'))),
    new Set<string>(),
  ),
  // The AsyncAPI document's own: single-quoted YAML is the text as it stands, double-quoted
  // YAML escapes as JSON does (for what a pattern holds).
  ...[
    ...readFileSync(new URL('asyncapi.yaml', dir), 'utf8').matchAll(
      /pattern: (?:'([^']*)'|("(?:[^"\\]|\\.)*"))/g,
    ),
  ].map((m) => m[1] ?? (JSON.parse(m[2]!) as string)),
];

/** What is left of a pattern once `[\s\S]` (any character in both dialects) is taken out. */
const risky = (pattern: string) => {
  const problems: string[] = [];
  const text = pattern.replaceAll('[\\s\\S]', '');
  let inClass = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\\') {
      const next = text[i + 1] ?? '';
      if ('dDsSwWbBZAz'.includes(next)) problems.push(`\\${next}`);
      i++;
    } else if (inClass) {
      if (c === ']') inClass = false;
    } else if (c === '[') inClass = true;
    else if (c === '$') problems.push('$');
    else if (c === '.') problems.push('.');
  }
  return problems;
};

// Strings where the dialects part, and the corpus's own strings with what breaks them.
const PROBES = (() => {
  const strings = new Set<string>([
    '',
    '\n',
    '2025-11-07',
    '2025-11-07T10:23:45Z',
    '123',
    '-42',
    '\u0661\u0662\u0663',
    '\uff11\uff12',
    'job-42',
    'Europe/Moscow',
    'UTC',
    '@ru_python',
    'https://t.me/s/durov?x=1',
    '\u001c@x',
    '\u0085@x',
    '@x\u0085',
    '\ufeff@x',
    '@x\u00a0',
    '_x',
    '\u00e9',
  ]);
  const collect = (value: unknown) => {
    if (typeof value === 'string' && value.length <= 300) strings.add(value);
    else if (typeof value === 'object' && value !== null)
      for (const child of Object.values(value)) collect(child);
  };
  for (const c of COMMAND_CORPUS) {
    try {
      collect(JSON.parse(c.text));
    } catch {
      // Not JSON: nothing to take.
    }
  }
  const base = [...strings];
  for (const s of base) {
    for (const variant of [`${s}\n`, `${s}\r\n`, `\n${s}`, `${s}\u0085`, `${s}\u001c`])
      strings.add(variant);
  }
  return [...strings];
})();

describe('patterns of the published schemas', () => {
  it(`hold no construct whose meaning differs between the dialects (${PATTERNS.length} patterns)`, () => {
    expect(PATTERNS.length).toBeGreaterThanOrEqual(8);
    const found = PATTERNS.map((p) => ({ pattern: p.slice(0, 80), problems: risky(p) })).filter(
      (p) => p.problems.length > 0,
    );
    expect(found).toEqual([]);
  });

  it('find the same strings with JavaScript RegExp (u) and Python re.search', () => {
    const python = pythonSearches(PATTERNS, PROBES);
    const differ: string[] = [];
    PATTERNS.forEach((pattern, p) => {
      const re = new RegExp(pattern, 'u');
      PROBES.forEach((probe, s) => {
        if (re.test(probe) !== python[p]![s])
          differ.push(`${pattern.slice(0, 40)} on ${JSON.stringify(probe).slice(0, 40)}`);
      });
    });
    expect(PROBES.length).toBeGreaterThan(500);
    expect(differ).toEqual([]);
  });

  it('the date pattern is isIsoDate: every month and day of every year 1960-2500 and beyond', () => {
    const re = new RegExp(DATE_PATTERN, 'u');
    const pad = (n: number, width: number) => String(n).padStart(width, '0');
    const years = [
      ...Array.from({ length: 541 }, (_, i) => 1960 + i),
      ...[2800, 3000, 3200, 4000, 6000, 9000, 9600, 9996, 9999],
    ];
    let tried = 0;
    for (const y of years) {
      for (let m = 0; m <= 13; m++) {
        for (let day = 0; day <= 32; day++) {
          const date = `${pad(y, 4)}-${pad(m, 2)}-${pad(day, 2)}`;
          if (re.test(date) !== isIsoDate(date))
            expect.fail(`${date}: pattern and isIsoDate differ`);
          tried++;
        }
      }
    }
    expect(tried).toBeGreaterThan(250_000);
    expect(re.test('2000-02-29') && re.test('2024-02-29') && !re.test('2100-02-29')).toBe(true);
  });

  it("the chat pattern's space class is what String.prototype.trim removes", () => {
    const space = new RegExp(`^${TRIMMED}$`, 'u');
    const other = new RegExp(`^${NOT_TRIMMED}$`, 'u');
    for (let code = 0; code <= 0xffff; code++) {
      const c = String.fromCharCode(code);
      if (code >= 0xd800 && code <= 0xdfff) continue;
      const trimmed = c.trim() === '';
      if (space.test(c) !== trimmed || other.test(c) === trimmed)
        expect.fail(`U+${code.toString(16)}: trim ${trimmed}`);
    }
  });

  it('the chat pattern is parseChat on chats around its length limit', () => {
    const re = new RegExp(CHAT_PATTERN, 'u');
    const chats = [255, 256, 257].flatMap((n) => {
      const query = 't.me/ru_python?'.length;
      return [
        `t.me/ru_python?${'a'.repeat(n - query)}`,
        ` t.me/ru_python?${'a'.repeat(n - query)}\n`,
        `t.me/ru_python?${'\u{1F600}'.repeat(n - query)}`,
        `t.me/ru_python?${'a'.repeat(n - query - 1)} `,
      ];
    });
    expect(chats.map((c) => re.test(c))).toEqual(chats.map((c) => parseChat(c).ok));
  });
});
