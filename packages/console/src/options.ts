import { isIP } from 'node:net';
import { ConsoleErrorCode, consoleError } from './error-codes.js';
import type { ConsoleEvents, ConsoleQueue, ConsoleStore } from './ports.js';

export interface SearchCost {
  /** Day files one scan reads at most (file stores, which have no index). @default 400 */
  maxDays?: number;
  /** Messages one search shows at most. @default 100 */
  maxResults?: number;
  /** A scan stops after this long, saying so. @default 10_000 */
  timeoutMs?: number;
}

export interface ConsoleOptions {
  /** Where messages are read from: an opened file or PostgreSQL store. */
  store: ConsoleStore;
  /** The command queue (redis-transport's `createQueueInspector`). Absent: the queue pages say there is no Redis. @default none */
  queue?: ConsoleQueue;
  /** The events stream (redis-transport's `openEventLog`). Absent: no live events. @default none */
  events?: ConsoleEvents;
  /** Address to listen on; anything beyond loopback needs `token`. @default '127.0.0.1' */
  host?: string;
  /** Port to listen on; 0 picks a free one (see the returned `url`). @default 8790 */
  port?: number;
  /**
   * The secret a person types to sign in (at least 16 characters). Needed for every
   * change (retry, discard, send); needed for everything when `host` is beyond loopback.
   * Absent on loopback: the console reads, and changes nothing. @default none
   */
  token?: string;
  /** What one search may cost. @default see `SearchCost` */
  searchCost?: SearchCost;
  /** Events read from the stream to tell what each command did (since when, its last progress, its error). @default 2_000 */
  eventWindow?: number;
  /** The time zone calendars open in for a chat whose zone is unknown. @default 'UTC' */
  timeZone?: string;
  /** Clock, for tests. @default Date.now */
  now?: () => number;
}

export interface ResolvedOptions {
  store: ConsoleStore;
  queue: ConsoleQueue | undefined;
  events: ConsoleEvents | undefined;
  host: string;
  port: number;
  token: string | undefined;
  loopback: boolean;
  search: Required<SearchCost>;
  eventWindow: number;
  timeZone: string;
  now: () => number;
}

/** Loopback names and addresses: 127.0.0.0/8, ::1 and localhost. */
export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost' || h === '::1') return true;
  if (isIP(h) === 4) return h.startsWith('127.');
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(h);
  return mapped !== null && mapped[1]!.startsWith('127.');
}

const bounded = (
  value: number | undefined,
  fallback: number,
  min: number,
  max: number,
  what: string,
) => {
  const n = value ?? fallback;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    throw consoleError(
      ConsoleErrorCode.CONSOLE_INVALID_OPTIONS,
      `${what} must be an integer in ${min}..${max}`,
    );
  }
  return n;
};

/** The options checked: the start rules (loopback, token) are enforced here, before listening. */
export function resolveOptions(options: ConsoleOptions): ResolvedOptions {
  if (
    typeof options.store?.readDay !== 'function' ||
    typeof options.store.listChats !== 'function'
  ) {
    throw consoleError(
      ConsoleErrorCode.CONSOLE_INVALID_OPTIONS,
      'the console needs a store that lists its chats and days (the file or PostgreSQL store)',
    );
  }
  const host = options.host ?? '127.0.0.1';
  if (host !== 'localhost' && isIP(host.replace(/^\[|\]$/g, '')) === 0) {
    throw consoleError(
      ConsoleErrorCode.CONSOLE_INVALID_OPTIONS,
      `CONSOLE_HOST must be an IP address or localhost, not "${host.slice(0, 100)}"`,
    );
  }
  const port = bounded(options.port, 8790, 0, 65_535, 'CONSOLE_PORT');
  const token = options.token === '' ? undefined : options.token;
  if (token !== undefined) {
    // biome-ignore lint/suspicious/noControlCharactersInRegex: controls are refused
    if (token.length < 16 || /[\s\u0000-\u001f\u007f]/.test(token)) {
      throw consoleError(
        ConsoleErrorCode.CONSOLE_TOKEN_WEAK,
        'CONSOLE_TOKEN must be at least 16 characters, without whitespace or control characters',
      );
    }
  }
  const loopback = isLoopback(host);
  if (!loopback && token === undefined) {
    throw consoleError(
      ConsoleErrorCode.CONSOLE_TOKEN_REQUIRED,
      `the console would listen on ${host}, beyond loopback, without CONSOLE_TOKEN: set a token, or bind 127.0.0.1`,
    );
  }
  const cost = options.searchCost ?? {};
  return {
    store: options.store,
    queue: options.queue,
    events: options.events,
    host,
    port,
    token,
    loopback,
    search: {
      maxDays: bounded(cost.maxDays, 400, 1, 100_000, 'searchCost.maxDays'),
      maxResults: bounded(cost.maxResults, 100, 1, 500, 'searchCost.maxResults'),
      timeoutMs: bounded(cost.timeoutMs, 10_000, 10, 600_000, 'searchCost.timeoutMs'),
    },
    eventWindow: bounded(options.eventWindow, 2_000, 1, 100_000, 'eventWindow'),
    timeZone: options.timeZone ?? 'UTC',
    now: options.now ?? Date.now,
  };
}
