import { type ChatRef, type Clock, echo, parseChat, systemClock } from '@tgfetch/core';
import type { RedisClient } from './connection.js';
import { FollowErrorCode, redisError, toRedisError } from './errors.js';
import { type FollowEntry, type FollowSnapshot, readSnapshot } from './follow-entry.js';
import { type FollowWatch, type FollowWatchOptions, watchFollowSet } from './follow-watch.js';
import { replyDeadline } from './reply-deadline.js';
import { defineScript } from './script.js';

export type { FollowEntry, FollowSnapshot, InvalidFollowField } from './follow-entry.js';
export type { FollowWatch, FollowWatchOptions } from './follow-watch.js';

export interface FollowSetOptions {
  /** A connected client (plain commands; `watch` subscribes on a duplicate of its own). */
  client: RedisClient;
  /** Whose chats these are (a Telegram account): letters, digits, `.`, `_`, `-`, at most 64. */
  account: string;
  /**
   * The set is the hash `<prefix><account>`, its version `<prefix><account>:version`, its
   * change hints go to the channel `<prefix><account>:changed`. @default 'tgfetch:follow:'
   */
  prefix?: string;
  /** The most chats the set holds: `add` refuses more with `FOLLOW_SET_FULL`. @default 1_000 */
  maxChats?: number;
  /** Deadline of each Redis call (a retryable `REDIS_NO_REPLY` past it). @default 2_000 */
  replyTimeoutMs?: number;
  /** Tells `since`, and times `watch`'s re-reads (its sleeps must last). @default systemClock */
  clock?: Clock;
}

export interface FollowSet {
  readonly account: string;
  /** The hash, the version key and the change channel. */
  readonly keys: { readonly set: string; readonly version: string; readonly changed: string };
  /**
   * Follows `chat` (any form `parseChat` takes; stored canonical) from now: true if added,
   * false if it was followed already (its entry kept as it was).
   */
  add(chat: string, options?: { by?: string }): Promise<{ added: boolean; version: number }>;
  /** Stops following `chat`: true if it was followed. */
  remove(chat: string): Promise<{ removed: boolean; version: number }>;
  has(chat: string): Promise<boolean>;
  /** The set and its version, read at one instant. */
  list(): Promise<FollowSnapshot>;
  /** Bumped by every change: 0 for a set never changed. */
  version(): Promise<number>;
  /** Tells `onChange` of the set now and after each change (see `FollowWatchOptions`). */
  watch(options: FollowWatchOptions): Promise<FollowWatch>;
}

export const MAX_ACCOUNT_LENGTH = 64;
const DEFAULT_PREFIX = 'tgfetch:follow:';
/** The set of accounts whose follow set holds a chat (`#` is in no account name). */
const accountsKey = (prefix: string) => `${prefix}#accounts`;

/**
 * Whether any account follows a chat in this Redis: one SCARD of the accounts index the
 * follow sets keep, so a daemon can tell at start, before it knows its own account, whether
 * there is anything to follow.
 */
export async function anyFollowed(options: {
  client: RedisClient;
  prefix?: string;
  replyTimeoutMs?: number;
}): Promise<boolean> {
  const key = accountsKey(options.prefix ?? DEFAULT_PREFIX);
  try {
    return (
      (await replyDeadline(
        options.client.sCard(key),
        options.replyTimeoutMs ?? 2_000,
        `reading ${key}`,
      )) > 0
    );
  } catch (error) {
    throw toRedisError(error);
  }
}
const ACCOUNT = /^[A-Za-z0-9_-][A-Za-z0-9._-]*$/;

/** `KEYS`: set, version, accounts. `ARGV`: chat, entry JSON, maxChats, channel, account. `{added, version}`. */
const addScript = defineScript(`
local version = tonumber(redis.call('GET', KEYS[2]) or '0')
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 1 then return {0, version} end
if redis.call('HLEN', KEYS[1]) >= tonumber(ARGV[3]) then return redis.error_reply('FOLLOW_SET_FULL') end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('SADD', KEYS[3], ARGV[5])
version = redis.call('INCR', KEYS[2])
redis.call('PUBLISH', ARGV[4], version)
return {1, version}`);

/** `KEYS`: set, version, accounts. `ARGV`: chat, channel, account. `{removed, version}`. */
const removeScript = defineScript(`
if redis.call('HDEL', KEYS[1], ARGV[1]) == 0 then
  return {0, tonumber(redis.call('GET', KEYS[2]) or '0')}
end
if redis.call('HLEN', KEYS[1]) == 0 then redis.call('SREM', KEYS[3], ARGV[3]) end
local version = redis.call('INCR', KEYS[2])
redis.call('PUBLISH', ARGV[2], version)
return {1, version}`);

/** `KEYS`: set, version. `ARGV`: maxChats. `{version, count, fields…}`, no fields past the max. */
const listScript = defineScript(`
local version = tonumber(redis.call('GET', KEYS[2]) or '0')
local count = redis.call('HLEN', KEYS[1])
if count > tonumber(ARGV[1]) then return {version, count} end
return {version, count, redis.call('HGETALL', KEYS[1])}`);

/**
 * The chats an account follows live, in Redis so that they survive restarts and every daemon
 * sees the same: a hash of canonical chat → `{"chat","since","by"?}` JSON. Each change is one
 * script (the hash, a version bumped with it, a hint published on the changed channel), so a
 * reader that sees version N sees the set as it was at N.
 */
export function createFollowSet(options: FollowSetOptions): FollowSet {
  const { client, account } = options;
  if (
    typeof account !== 'string' ||
    account.length > MAX_ACCOUNT_LENGTH ||
    !ACCOUNT.test(account)
  ) {
    throw redisError(
      FollowErrorCode.FOLLOW_INVALID_ACCOUNT,
      `Not an account for a follow set: ${JSON.stringify(echo(String(account)))} (letters, digits, . _ -, at most ${MAX_ACCOUNT_LENGTH})`,
    );
  }
  const prefix = options.prefix ?? DEFAULT_PREFIX;
  const maxChats = options.maxChats ?? 1_000;
  const replyTimeoutMs = options.replyTimeoutMs ?? 2_000;
  const clock = options.clock ?? systemClock;
  const keys = {
    set: `${prefix}${account}`,
    version: `${prefix}${account}:version`,
    changed: `${prefix}${account}:changed`,
  };
  const accounts = accountsKey(prefix);

  const call = async <T>(reply: () => Promise<T>, what: string): Promise<T> => {
    try {
      return await replyDeadline(reply(), replyTimeoutMs, what);
    } catch (error) {
      if (error instanceof Error && /\bFOLLOW_SET_FULL\b/.test(error.message)) {
        throw redisError(
          FollowErrorCode.FOLLOW_SET_FULL,
          `${account} follows ${maxChats} chats already, the most its follow set holds`,
        );
      }
      throw toRedisError(error);
    }
  };
  const canonical = (chat: unknown): ChatRef => {
    const parsed =
      typeof chat === 'string' ? parseChat(chat) : { ok: false as const, reason: 'not a string' };
    if (!parsed.ok) {
      throw redisError(FollowErrorCode.FOLLOW_INVALID_CHAT, `Cannot follow it: ${parsed.reason}`);
    }
    return parsed.chat;
  };
  const pair = (reply: unknown) => {
    const [flag, version] = reply as [number, number];
    return { changed: flag === 1, version: Number(version) };
  };

  const set: FollowSet = {
    account,
    keys,
    async add(chat, addOptions = {}) {
      const ref = canonical(chat);
      const entry: FollowEntry = {
        chat: ref,
        since: new Date(clock.now()).toISOString(),
        ...(addOptions.by === undefined ? {} : { by: echo(String(addOptions.by)) }),
      };
      const reply = await call(
        () =>
          addScript.run(
            client,
            [keys.set, keys.version, accounts],
            [ref, JSON.stringify(entry), String(maxChats), keys.changed, account],
          ),
        `following ${ref}`,
      );
      const { changed, version } = pair(reply);
      return { added: changed, version };
    },
    async remove(chat) {
      const ref = canonical(chat);
      const reply = await call(
        () =>
          removeScript.run(
            client,
            [keys.set, keys.version, accounts],
            [ref, keys.changed, account],
          ),
        `unfollowing ${ref}`,
      );
      const { changed, version } = pair(reply);
      return { removed: changed, version };
    },
    async has(chat) {
      const ref = canonical(chat);
      return (await call(() => client.hExists(keys.set, ref), `reading ${keys.set}`)) === 1;
    },
    async version() {
      const value = await call(() => client.get(keys.version), `reading ${keys.version}`);
      return value === null ? 0 : Number(value);
    },
    async list() {
      const reply = (await call(
        () => listScript.run(client, [keys.set, keys.version], [String(maxChats)]),
        `reading ${keys.set}`,
      )) as [number, number, string[]?];
      const [version, count, fields] = reply;
      if (fields === undefined) {
        throw redisError(
          FollowErrorCode.FOLLOW_SET_TOO_LARGE,
          `${keys.set} holds ${count} chats, more than the ${maxChats} a follow set may: trim it`,
        );
      }
      return readSnapshot(Number(version), fields);
    },
    watch: (watchOptions) => watchFollowSet(set, client, clock, watchOptions),
  };
  return set;
}
