import { describe, expect, it } from 'vitest';
import { createJsonTokenizer, JsonSyntaxError } from './json-tokenizer.js';
import { createJsonWalker, type JsonValue } from './json-walker.js';

/** Parses `text` fed `chunkSize` bytes at a time, through the tokenizer and the walker. */
function parse(text: string | Uint8Array, chunkSize = 65_536): JsonValue {
  const bytes = typeof text === 'string' ? Buffer.from(text) : text;
  let result: JsonValue | undefined;
  let scalarRoot: JsonValue | undefined;
  const tokenizer = createJsonTokenizer(
    createJsonWalker({
      capture: () => true,
      captured: (_path, value) => {
        result = value;
      },
      scalar: (_path, value) => {
        scalarRoot = value;
      },
    }),
  );
  for (let i = 0; i < bytes.length; i += chunkSize)
    tokenizer.write(bytes.subarray(i, i + chunkSize));
  tokenizer.end();
  return result ?? (scalarRoot as JsonValue);
}

function syntaxError(text: string, chunkSize?: number): JsonSyntaxError {
  try {
    parse(text, chunkSize);
  } catch (error) {
    expect(error).toBeInstanceOf(JsonSyntaxError);
    return error as JsonSyntaxError;
  }
  throw new Error(`parsed without an error: ${text}`);
}

const DOCUMENT = JSON.stringify(
  {
    empty: { o: {}, a: [], s: '' },
    text: ['plain ', { type: 'bold', text: 'жирный 😀' }, ' مرحبا', { nested: [[1, [2, [3]]]] }],
    escapes: 'quote " backslash \\ slash / \b\f\n\r\t \u0001 \u2028 \ud83d\ude00 é',
    numbers: [0, -0.5, 12.25e3, 1e-7, -17, 9007199254740991],
    literals: [true, false, null],
    ['__proto__']: { polluted: true },
  },
  null,
  1,
);

describe('json tokenizer', () => {
  it('parses like JSON.parse whatever the chunk size', () => {
    const expected = JSON.parse(DOCUMENT);
    for (const size of [1, 2, 3, 5, 7, 13, 64, 1 << 16]) {
      expect(parse(DOCUMENT, size), `chunk size ${size}`).toEqual(expected);
    }
    const parsed = parse(DOCUMENT) as Record<string, JsonValue>;
    expect(Object.getPrototypeOf(parsed)).toBe(Object.prototype);
    expect(Object.hasOwn(parsed, '__proto__')).toBe(true);
  });

  it('decodes a multi-byte character split at every possible chunk boundary', () => {
    const text = '{"s":"a😀bжc中d","k😀":1}';
    const bytes = Buffer.from(text);
    for (let cut = 1; cut < bytes.length; cut++) {
      const tokenizer = createJsonTokenizer(
        createJsonWalker({
          capture: () => true,
          captured: (_p, value) => expect(value, `cut at ${cut}`).toEqual(JSON.parse(text)),
        }),
      );
      tokenizer.write(bytes.subarray(0, cut));
      tokenizer.write(bytes.subarray(cut));
      tokenizer.end();
    }
  });

  it('splits \\u escapes and surrogate pairs across chunks', () => {
    const text = '["\\ud83d\\ude00\\u0436", "x\\n"]';
    for (const size of [1, 2, 3, 4]) expect(parse(text, size)).toEqual(['😀ж', 'x\n']);
  });

  it('keeps integers beyond 2^53 exact as decimal strings', () => {
    expect(parse('[9007199254740993, -12345678901234567890, 1.5e300]')).toEqual([
      '9007199254740993',
      '-12345678901234567890',
      1.5e300,
    ]);
  });

  it('reports offsets of structural events in the whole input', () => {
    const seen: [string, number][] = [];
    const tokenizer = createJsonTokenizer(
      {
        startObject: (o) => seen.push(['{', o]),
        endObject: (e) => seen.push(['}', e]),
        startArray: (o) => seen.push(['[', o]),
        endArray: (e) => seen.push([']', e]),
        key: () => {},
        scalar: (_v, o) => seen.push(['v', o]),
      },
      100,
    );
    tokenizer.write(Buffer.from('{"a": [1, "ж"]'));
    tokenizer.write(Buffer.from('}'));
    tokenizer.end();
    expect(seen).toEqual([
      ['{', 100],
      ['[', 106],
      ['v', 107],
      ['v', 110],
      [']', 115],
      ['}', 116],
    ]);
  });

  it.each([
    ['{"a": 1', 'unexpected end of input', 7],
    ['{"a": "abc', 'unexpected end of input inside a string', 10],
    ['', 'the input is empty', 0],
    ['{"a": x}', 'unexpected "x" where a value was expected', 6],
    ['{"a" 1}', 'unexpected "1" where ":" was expected', 5],
    ['{"a": 1,}', 'unexpected "}" where a key was expected', 8],
    ['[1 2]', 'unexpected "2" where "," or a closing bracket was expected', 3],
    ['[1}', 'unexpected "}"', 2],
    ['{} {}', 'unexpected "{" after the end of the document', 3],
    ['[tru]', 'invalid literal "tru"', 1],
    ['[01]', 'invalid number "01"', 1],
    ['[1.]', 'invalid number "1."', 1],
    ['["a\nb"]', 'control character in a string', 3],
    ['["\\x"]', 'invalid escape in a string', 2],
    ['["\\u12g4"]', 'invalid \\u escape in a string', 6],
  ])('rejects %j: %s at byte %i', (text, reason, offset) => {
    for (const size of [1, 3, 1 << 16]) {
      const error = syntaxError(text, size);
      expect(error.reason).toBe(reason);
      expect(error.offset).toBe(offset);
    }
  });
});
