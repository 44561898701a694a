import * as v from 'valibot';

/**
 * The readers settings are made of. Their messages leave the variable's name out: it is put
 * in front when a problem is told ("REDIS_PORT must be at most 65535").
 */

/** A whole number from `min` to `max`. */
export const int = (min: number, max: number) =>
  v.pipe(
    v.string(),
    v.regex(/^\d+$/, 'must be a whole number'),
    v.transform(Number),
    v.minValue(min, `must be at least ${min}`),
    v.maxValue(max, `must be at most ${max}`),
  );

const TRUE = ['1', 'true', 'yes', 'on'] as const;
const FALSE = ['0', 'false', 'no', 'off'] as const;

/** `true`/`false` and the usual spellings of them (`1`, `yes`, `on`, …). */
export const bool = () =>
  v.pipe(
    v.picklist([...TRUE, ...FALSE], 'must be true or false'),
    v.transform((s) => (TRUE as readonly string[]).includes(s)),
  );

/** One of `options`, the message listing them. */
export const oneOf = <const T extends readonly string[]>(options: T) =>
  v.picklist(options, `must be ${alternatives(options)}`);

/** Text matching `pattern`. */
export const matching = (pattern: RegExp, message: string) =>
  v.pipe(v.string(), v.regex(pattern, message));

/** Any text. */
export const text = () => v.string();

/** `a`, `a or b`, `a, b or c`. */
export function alternatives(options: readonly string[], word = 'or'): string {
  if (options.length < 2) return options.join('');
  return `${options.slice(0, -1).join(', ')} ${word} ${options.at(-1)}`;
}
