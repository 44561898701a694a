import { type ChatRef, parseChat } from '@tgfetch/core';

/** A followed chat, as the follow set's hash holds it (the field is `chat`, the value JSON). */
export interface FollowEntry {
  /** Canonical (`@name` or the numeric id). */
  chat: ChatRef;
  /** When it was added, ISO-8601 UTC. */
  since: string;
  /** Who asked (as they said it, cut to 128 characters). */
  by?: string;
}

/** A field of the hash that holds no entry (written by something else): never followed. */
export interface InvalidFollowField {
  field: string;
  reason: string;
}

export interface FollowSnapshot {
  /** The set's version when it was read. */
  version: number;
  /** Sorted by chat. */
  entries: FollowEntry[];
  /** Left as they are, for a person to fix; the valid entries are followed meanwhile. */
  invalid: InvalidFollowField[];
}

/** The entries of `fields` (`HGETALL`'s flat field, value list), and what is not one. */
export function readSnapshot(version: number, fields: readonly string[]): FollowSnapshot {
  const entries: FollowEntry[] = [];
  const invalid: InvalidFollowField[] = [];
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const field = fields[i]!;
    const read = readEntry(field, fields[i + 1]!);
    if (typeof read === 'string') invalid.push({ field: field.slice(0, 200), reason: read });
    else entries.push(read);
  }
  entries.sort((a, b) => (a.chat < b.chat ? -1 : a.chat > b.chat ? 1 : 0));
  return { version, entries, invalid };
}

/** The entry, or why it is not one. */
function readEntry(field: string, value: string): FollowEntry | string {
  const parsed = parseChat(field);
  if (!parsed.ok || parsed.chat !== field) return 'the field is not a canonical chat';
  let json: unknown;
  try {
    json = JSON.parse(value);
  } catch {
    return 'the value is not JSON';
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    return 'the value is not a JSON object';
  }
  const { chat, since, by } = json as Record<string, unknown>;
  if (chat !== field) return 'the value names another chat than its field';
  if (typeof since !== 'string' || Number.isNaN(Date.parse(since))) {
    return '`since` is not an ISO-8601 time';
  }
  if (by !== undefined && typeof by !== 'string') return '`by` is not a string';
  return by === undefined ? { chat, since } : { chat, since, by };
}
