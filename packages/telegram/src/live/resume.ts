import type { JsonValue, ResumePoint } from '@tgfetch/core';
import type { AccountState } from './update-state.js';

/**
 * Where the follow of one account stands, as a resume point: the account's update state
 * (private chats and basic groups), each followed channel's pts, and the history walks
 * under way (a difference that was too long, or a chat followed for the first time), each
 * from the message id it started above, so that a walk cut short starts over from there
 * rather than from the newest message it stored.
 */
export interface LiveResume {
  account?: AccountState;
  /** The chats of the account's box (keys) whose changes `account` covers. */
  accountChats?: string[];
  /** Channel id → pts. */
  channels: Record<string, number>;
  /** Followed chat key (`channel:<id>`, `chat:<id>`, `user:<id>`) → the id the walk is above. */
  walks: Record<string, number>;
}

const VERSION = 1;

export function encodeResume(resume: LiveResume): ResumePoint {
  const out: { [key: string]: JsonValue } = { v: VERSION, channels: { ...resume.channels } };
  if (resume.account) {
    out.account = { ...resume.account };
    out.accountChats = [...(resume.accountChats ?? [])];
  }
  if (Object.keys(resume.walks).length > 0) out.walks = { ...resume.walks };
  return out;
}

/**
 * A resume point read back; undefined when it is none of ours (another version, a damaged
 * value): the follow then starts over as for a new account, walking each chat's history
 * from its last stored message.
 */
export function decodeResume(point: ResumePoint | undefined): LiveResume | undefined {
  if (!isObject(point) || point.v !== VERSION) return undefined;
  const channels = numbers(point.channels);
  const walks = point.walks === undefined ? {} : numbers(point.walks);
  if (!channels || !walks) return undefined;
  if (point.account === undefined) return { channels, walks };
  const account = numbers(point.account);
  if (!account || !['pts', 'qts', 'date', 'seq'].every((k) => k in account)) return undefined;
  const chats = point.accountChats ?? [];
  if (!Array.isArray(chats) || !chats.every((c) => typeof c === 'string')) return undefined;
  const { pts, qts, date, seq } = account as unknown as AccountState;
  return { account: { pts, qts, date, seq }, accountChats: chats as string[], channels, walks };
}

function isObject(value: unknown): value is { [key: string]: JsonValue } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function numbers(value: unknown): Record<string, number> | undefined {
  if (!isObject(value)) return undefined;
  const out: Record<string, number> = {};
  for (const [key, n] of Object.entries(value)) {
    if (typeof n !== 'number' || !Number.isSafeInteger(n)) return undefined;
    out[key] = n;
  }
  return out;
}
