/**
 * Producer input repeated back (in events, error messages, logs) is cut short: a 64 KB
 * `options.tz` must not travel whole into every event and log line.
 */

/** Producer strings repeated in events (`command_id`, `chat`) are cut to this many characters. */
export const MAX_ECHO_LENGTH = 128;

/** A producer's string as events and errors may repeat it: at most `MAX_ECHO_LENGTH` characters. */
export function echo(value: string): string {
  if (value.length <= MAX_ECHO_LENGTH) return value;
  // Cut by code points: half a surrogate pair is not a string Python or Go would decode.
  return Array.from(value.slice(0, MAX_ECHO_LENGTH + 1))
    .slice(0, MAX_ECHO_LENGTH - 3)
    .join('')
    .concat('...');
}

/** A short quotable form of any value for an error message (at most 40 characters). */
export function preview(value: unknown): string {
  let s: string;
  try {
    s = typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
  } catch {
    s = String(value);
  }
  return s.length > 40 ? `${s.slice(0, 37)}...` : s;
}
