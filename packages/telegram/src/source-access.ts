import type { ChatRef, Clock } from '@tgfetch/core';
import type { Api } from 'telegram';
import type { TelegramConnection } from './connection.js';
import type { ResolvedChat } from './resolve.js';

/**
 * What a `TelegramSource` lends the live follow of the same account: its connection, its
 * paced and translated requests and its resolved chats, so that following shares one
 * pacer, one peer cache and one connection with fetching. Package-internal.
 */
export interface SourceAccess {
  readonly connection: TelegramConnection;
  readonly clock: Clock;
  /** One request: paced, abortable, errors translated, flood waits told (as `chat`'s). */
  call<R extends Api.AnyRequest>(
    request: R,
    chat: ChatRef,
    signal: AbortSignal,
  ): Promise<R['__response']>;
  /** The chat's input peer (resolved once, kept). */
  peer(chat: ChatRef, signal: AbortSignal): Promise<ResolvedChat>;
  /** The account's own user id (asked once). */
  selfId(): Promise<string>;
}

/**
 * One registry for the whole process: each entry point of the package (`.`, `./testing`)
 * is bundled with its own copy of this module, and a source made through one (the
 * simulated source of `./testing`) must be followed through the other (`.`'s
 * `createTelegramChangeSource`).
 */
const REGISTRY = Symbol.for('@tgfetch/telegram/source-access');
const shared = globalThis as { [REGISTRY]?: WeakMap<object, SourceAccess> };
shared[REGISTRY] ??= new WeakMap<object, SourceAccess>();
const lent = shared[REGISTRY];

export function lendAccess(source: object, access: SourceAccess): void {
  lent.set(source, access);
}

/** The access of a source made by `createTelegramSource`. */
export function accessOf(source: object): SourceAccess {
  const access = lent.get(source);
  if (!access) throw new TypeError('Not a source made by createTelegramSource');
  return access;
}
