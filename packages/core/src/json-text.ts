/**
 * A look at raw JSON text before `JSON.parse`, for what the parsed value can no longer tell:
 * how deep it nests (deep enough and recursive code throws `RangeError`) and whether a
 * number literal was rounded (`-1009007199254740993` parses as `-1009007199254741000`, a
 * different chat). A single pass over the characters; nothing is allocated per value but
 * object keys. Syntax errors are left to `JSON.parse`.
 */

export type JsonTextProblem =
  | { kind: 'too_deep'; depth: number }
  | { kind: 'inexact_number'; path: string; literal: string };

interface Frame {
  array: boolean;
  /** The key of the value being read in an object; the index in an array. */
  key: string;
  expectKey: boolean;
}

const NUMBER = /-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

export function inspectJsonText(text: string, maxDepth: number): JsonTextProblem | undefined {
  const stack: Frame[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) {
      const end = stringEnd(text, i);
      const top = stack[stack.length - 1];
      if (top && !top.array && top.expectKey) {
        top.key = safeKey(text.slice(i, end));
        top.expectKey = false;
      }
      i = end;
      continue;
    }
    if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      if (stack.length >= maxDepth) return { kind: 'too_deep', depth: stack.length + 1 };
      stack.push({ array: c === 0x5b, key: c === 0x5b ? '0' : '', expectKey: c === 0x7b });
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      stack.pop();
    } else if (c === 0x2c /* , */) {
      const top = stack[stack.length - 1];
      if (top?.array) top.key = String(Number(top.key) + 1);
      else if (top) top.expectKey = true;
    } else if (c === 0x2d /* - */ || (c >= 0x30 && c <= 0x39)) {
      NUMBER.lastIndex = i;
      const match = NUMBER.exec(text);
      if (!match) {
        i += 1;
        continue;
      }
      const literal = match[0];
      if (!isExact(literal)) {
        const path = stack.map((f) => f.key).join('.');
        return { kind: 'inexact_number', path, literal: literal.slice(0, 40) };
      }
      i += literal.length;
      continue;
    }
    i += 1;
  }
  return undefined;
}

/** Index just past the string literal starting at `start` (its opening quote). */
function stringEnd(text: string, start: number): number {
  let i = start + 1;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === 0x5c /* \ */) i += 2;
    else if (c === 0x22) return i + 1;
    else i += 1;
  }
  return i;
}

function safeKey(literal: string): string {
  try {
    const key: unknown = JSON.parse(literal);
    return typeof key === 'string' ? key.slice(0, 64) : '';
  } catch {
    return '';
  }
}

/**
 * A literal is exact when parsing it loses nothing a command could mean: integers within
 * ±(2^53 − 1), and fractions that do not collapse into an integer they are not
 * (`3.0000000000000001` would become 3). Plain fractions such as `0.1` are left alone:
 * no command field takes them, so they are rejected as non-integers anyway.
 */
function isExact(literal: string): boolean {
  const value = Number(literal);
  if (!Number.isFinite(value)) return false;
  if (/^-?\d+$/.test(literal)) return Number.isSafeInteger(value);
  if (!Number.isInteger(value)) return true;
  if (!Number.isSafeInteger(value)) return false;
  // An integral value from a fraction or exponent: exact only if the literal says so.
  return BigInt(value) === exactIntegerOf(literal);
}

/** The literal's exact value when it is an integer, else `undefined` (never equal). */
function exactIntegerOf(literal: string): bigint | undefined {
  const m = /^(-?)(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/.exec(literal);
  if (!m) return undefined;
  const [, sign = '', whole = '', fraction = '', exponent = '0'] = m;
  const exp = Number(exponent);
  if (Math.abs(exp) > 400) return undefined;
  let digits = whole + fraction;
  let scale = exp - fraction.length;
  while (scale < 0 && digits.endsWith('0')) {
    digits = digits.slice(0, -1);
    scale += 1;
  }
  if (scale < 0) return undefined;
  return BigInt(`${sign}${digits}${'0'.repeat(scale)}`);
}
