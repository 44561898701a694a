/**
 * Chat references. Users write `@name`, `name`, `https://t.me/name` or a numeric id; the
 * engine, the stores and the events all use one canonical form so that `@Ru_Python` and
 * `t.me/ru_python` land in the same folder:
 *
 * - usernames: `@` + lower case (Telegram usernames are case-insensitive);
 * - numeric ids: the decimal string, sign kept (`-1001234567890` for channels).
 *
 * The folder name (`chatKey`) drops the `@`. Both forms only ever contain `[a-z0-9_-]`, so
 * a canonical chat is always a safe single path segment.
 */

/** Canonical chat reference: `@username` or a decimal id such as `-1001234567890`. */
export type ChatRef = string;

export const MAX_CHAT_LENGTH = 64;

const USERNAME = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;
const NUMERIC_ID = /^-?[0-9]{1,20}$/;
const LINK =
  /^(?:https?:\/\/)?(?:www\.)?(?:t\.me|telegram\.me|telegram\.dog)\/(?:s\/)?([^/?#]*)\/?(?:[?#].*)?$/i;

export type ChatParseResult = { ok: true; chat: ChatRef } | { ok: false; reason: string };

export function parseChat(input: string | number): ChatParseResult {
  if (typeof input === 'number') {
    return Number.isSafeInteger(input)
      ? { ok: true, chat: String(input) }
      : { ok: false, reason: 'a numeric chat id must be a safe integer; send it as a string' };
  }
  const raw = input.trim();
  if (raw.length === 0) return { ok: false, reason: 'chat is empty' };
  // Characters as JSON Schema counts them (code points), not UTF-16 units.
  if (raw.length > 256 && [...raw].length > 256) return { ok: false, reason: 'chat is too long' };
  // biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting them is the point
  if (/[\u0000-\u001f\u007f]/.test(raw))
    return { ok: false, reason: 'chat contains control characters' };
  const link = LINK.exec(raw);
  const name = link ? (link[1] ?? '') : raw.startsWith('@') ? raw.slice(1) : raw;
  if (NUMERIC_ID.test(name) && !link && !raw.startsWith('@')) {
    return /^-?0[0-9]/.test(name) || name === '-0'
      ? { ok: false, reason: 'a numeric chat id has no leading zeros' }
      : { ok: true, chat: name };
  }
  if (!USERNAME.test(name)) {
    return {
      ok: false,
      reason: `"${printable(raw)}" is not a chat: use @username, a t.me link or a numeric id (a letter, then letters, digits and _, at most ${MAX_CHAT_LENGTH} characters)`,
    };
  }
  return { ok: true, chat: `@${name.toLowerCase()}` };
}

/** The folder name of a canonical chat: the username without `@`, or the numeric id. */
export function chatKey(chat: ChatRef): string {
  const parsed = parseChat(chat);
  if (!parsed.ok) throw new TypeError(`Not a chat reference: ${parsed.reason}`);
  return parsed.chat.startsWith('@') ? parsed.chat.slice(1) : parsed.chat;
}

export function isNumericChat(chat: ChatRef): boolean {
  return NUMERIC_ID.test(chat);
}

function printable(s: string): string {
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}
