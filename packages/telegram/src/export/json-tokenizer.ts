/**
 * A push JSON tokenizer: bytes go in by chunks of any size, structural events come out with
 * absolute byte offsets. It holds one string or number at a time, never the document, so an
 * export of hundreds of megabytes streams through it. Working on bytes rather than decoded
 * text keeps offsets exact and lets a UTF-8 character fall across two chunks: string bytes
 * are decoded only at an ASCII boundary (an escape or the closing quote).
 */

export type JsonScalar = string | number | boolean | null;

export interface JsonEvents {
  startObject(offset: number): void;
  /** `end` is the offset just past the closing brace. */
  endObject(end: number): void;
  startArray(offset: number): void;
  endArray(end: number): void;
  key(name: string): void;
  /** Integers beyond 2^53 arrive as their exact decimal string. */
  scalar(value: JsonScalar, offset: number): void;
}

/** Malformed JSON, at byte `offset` of the input. */
export class JsonSyntaxError extends Error {
  override name = 'JsonSyntaxError';
  readonly offset: number;
  readonly reason: string;

  constructor(reason: string, offset: number) {
    super(`${reason} at byte ${offset}`);
    this.reason = reason;
    this.offset = offset;
  }
}

export interface JsonTokenizer {
  write(chunk: Uint8Array): void;
  /** Declares the input complete; throws if the document is unfinished. */
  end(): void;
}

// What the tokenizer expects next (outside strings, numbers and literals).
const VALUE = 0; // any value
const VALUE_OR_CLOSE = 1; // right after `[`
const KEY_OR_CLOSE = 2; // right after `{`
const KEY = 3; // after `,` in an object
const COLON = 4;
const AFTER = 5; // after a value: `,` or a closing bracket
const DONE = 6; // the top-level value is complete

// What is being read across bytes (and possibly chunks).
const NONE = 0;
const STRING = 1;
const NUMBER = 2;
const LITERAL = 3;

const NUMBER_SYNTAX = /^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?$/;
const LITERALS = new Map<string, JsonScalar>([
  ['true', true],
  ['false', false],
  ['null', null],
]);
const ESCAPES: Record<number, string> = {
  34: '"',
  92: '\\',
  47: '/',
  98: '\b',
  102: '\f',
  110: '\n',
  114: '\r',
  116: '\t',
};

/**
 * @param baseOffset where the first byte written sits in the file, so that offsets in
 * events and errors are file offsets even when a slice is tokenized.
 */
export function createJsonTokenizer(events: JsonEvents, baseOffset = 0): JsonTokenizer {
  const stack: number[] = []; // 0x7b `{` or 0x5b `[`
  let expect = VALUE;
  let token = NONE;
  let tokenStart = 0;
  let base = baseOffset;
  // String state: decoded text so far, undecoded bytes, escape progress.
  let text = '';
  let pending = new Uint8Array(256);
  let pendingLength = 0;
  let isKey = false;
  let escaping = 0; // 0 none, 1 after `\`, 2..5 reading the 4 hex digits of `\u`
  let hex = 0;
  // Number and literal state.
  let word = '';

  const fail = (reason: string, offset: number): never => {
    throw new JsonSyntaxError(reason, offset);
  };

  const afterValue = () => {
    expect = stack.length === 0 ? DONE : AFTER;
  };

  const keep = (chunk: Uint8Array, from: number, to: number) => {
    const n = to - from;
    if (n <= 0) return;
    if (pendingLength + n > pending.length) {
      const grown = new Uint8Array(Math.max(pending.length * 2, pendingLength + n));
      grown.set(pending.subarray(0, pendingLength));
      pending = grown;
    }
    pending.set(chunk.subarray(from, to), pendingLength);
    pendingLength += n;
  };

  const flush = () => {
    if (pendingLength > 0) {
      text += Buffer.from(pending.buffer, pending.byteOffset, pendingLength).toString('utf8');
      pendingLength = 0;
    }
  };

  const finishString = () => {
    const value = text;
    text = '';
    token = NONE;
    if (isKey) {
      events.key(value);
      expect = COLON;
    } else {
      events.scalar(value, tokenStart);
      afterValue();
    }
  };

  const finishWord = () => {
    if (token === LITERAL) {
      if (!LITERALS.has(word)) fail(`invalid literal "${clip(word)}"`, tokenStart);
      events.scalar(LITERALS.get(word) as JsonScalar, tokenStart);
    } else {
      if (!NUMBER_SYNTAX.test(word)) fail(`invalid number "${clip(word)}"`, tokenStart);
      const n = Number(word);
      const exact = Number.isSafeInteger(n) || !/^-?[0-9]+$/.test(word);
      events.scalar(exact ? n : word, tokenStart);
    }
    token = NONE;
    word = '';
    afterValue();
  };

  /** Reads string bytes from `i`; returns the index after the string or `chunk.length`. */
  const readString = (chunk: Uint8Array, i: number): number => {
    let from = i;
    while (i < chunk.length) {
      const b = chunk[i]!;
      if (escaping === 0) {
        if (b === 0x22) {
          if (pendingLength === 0 && text === '') {
            text = Buffer.from(chunk.buffer, chunk.byteOffset + from, i - from).toString('utf8');
          } else {
            keep(chunk, from, i);
            flush();
          }
          finishString();
          return i + 1;
        }
        if (b === 0x5c) {
          keep(chunk, from, i);
          flush();
          escaping = 1;
        } else if (b < 0x20) {
          fail('control character in a string', base + i);
        }
        i++;
        if (escaping !== 0) from = i;
        continue;
      }
      if (escaping === 1) {
        if (b === 0x75) {
          escaping = 2;
          hex = 0;
        } else {
          const c = ESCAPES[b];
          if (c === undefined) fail('invalid escape in a string', base + i - 1);
          text += c;
          escaping = 0;
        }
      } else {
        const d = hexDigit(b);
        if (d < 0) fail('invalid \\u escape in a string', base + i);
        hex = hex * 16 + d;
        if (++escaping === 6) {
          // Surrogate halves concatenate into one character, as JSON.parse does.
          text += String.fromCharCode(hex);
          escaping = 0;
        }
      }
      i++;
      from = i;
    }
    if (escaping === 0) keep(chunk, from, i);
    return i;
  };

  const open = (b: number, at: number) => {
    stack.push(b);
    if (b === 0x7b) {
      events.startObject(at);
      expect = KEY_OR_CLOSE;
    } else {
      events.startArray(at);
      expect = VALUE_OR_CLOSE;
    }
  };

  const close = (b: number, at: number) => {
    const top = stack.pop();
    if ((b === 0x7d && top !== 0x7b) || (b === 0x5d && top !== 0x5b)) {
      fail(`unexpected "${String.fromCharCode(b)}"`, at);
    }
    if (b === 0x7d) events.endObject(at + 1);
    else events.endArray(at + 1);
    afterValue();
  };

  const write = (chunk: Uint8Array) => {
    let i = 0;
    const n = chunk.length;
    while (i < n) {
      if (token === STRING) {
        i = readString(chunk, i);
        continue;
      }
      if (token === NUMBER || token === LITERAL) {
        const b = chunk[i]!;
        if (isWordByte(b)) {
          word += String.fromCharCode(b);
          i++;
          continue;
        }
        finishWord();
        continue;
      }
      const b = chunk[i]!;
      if (b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09) {
        i++;
        continue;
      }
      const at = base + i;
      switch (expect) {
        case VALUE:
        case VALUE_OR_CLOSE:
          if (b === 0x5d && expect === VALUE_OR_CLOSE) close(b, at);
          else if (b === 0x7b || b === 0x5b) open(b, at);
          else if (b === 0x22) {
            token = STRING;
            isKey = false;
            tokenStart = at;
          } else if (
            b === 0x2d ||
            (b >= 0x30 && b <= 0x39) ||
            b === 0x74 ||
            b === 0x66 ||
            b === 0x6e
          ) {
            token = b === 0x74 || b === 0x66 || b === 0x6e ? LITERAL : NUMBER;
            tokenStart = at;
            word = String.fromCharCode(b);
          } else fail(`unexpected ${describe(b)} where a value was expected`, at);
          break;
        case KEY_OR_CLOSE:
        case KEY:
          if (b === 0x22) {
            token = STRING;
            isKey = true;
            tokenStart = at;
          } else if (b === 0x7d && expect === KEY_OR_CLOSE) close(b, at);
          else fail(`unexpected ${describe(b)} where a key was expected`, at);
          break;
        case COLON:
          if (b !== 0x3a) fail(`unexpected ${describe(b)} where ":" was expected`, at);
          expect = VALUE;
          break;
        case AFTER:
          if (b === 0x2c) expect = stack[stack.length - 1] === 0x7b ? KEY : VALUE;
          else if (b === 0x7d || b === 0x5d) close(b, at);
          else fail(`unexpected ${describe(b)} where "," or a closing bracket was expected`, at);
          break;
        default:
          fail(`unexpected ${describe(b)} after the end of the document`, at);
      }
      i++;
    }
    base += n;
  };

  const end = () => {
    if (token === NUMBER || token === LITERAL) finishWord();
    if (token === STRING) fail('unexpected end of input inside a string', base);
    if (expect !== DONE) {
      fail(stack.length === 0 ? 'the input is empty' : 'unexpected end of input', base);
    }
  };

  return { write, end };
}

function hexDigit(b: number): number {
  if (b >= 0x30 && b <= 0x39) return b - 0x30;
  if (b >= 0x61 && b <= 0x66) return b - 0x57;
  if (b >= 0x41 && b <= 0x46) return b - 0x37;
  return -1;
}

function isWordByte(b: number): boolean {
  return (
    (b >= 0x30 && b <= 0x39) ||
    (b >= 0x61 && b <= 0x7a) ||
    (b >= 0x41 && b <= 0x5a) ||
    b === 0x2d ||
    b === 0x2b ||
    b === 0x2e
  );
}

function clip(word: string): string {
  return word.length > 20 ? `${word.slice(0, 20)}…` : word;
}

function describe(b: number): string {
  return b >= 0x21 && b < 0x7f ? `"${String.fromCharCode(b)}"` : `byte 0x${b.toString(16)}`;
}
