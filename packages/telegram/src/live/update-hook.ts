import type { Api, TelegramClient } from 'telegram';
import { UpdateConnectionState } from 'telegram/network/index.js';

/** What a client's sender tells: updates Telegram pushed, or its link going down or up. */
export type SenderEvent = { updates: Api.TypeUpdates | Api.TypeUpdate } | { link: boolean };

/** The gramjs internals the hook reads (gramjs 2.26; see MTProtoSender.js). */
interface SenderCallback {
  _updateCallback?: ((owner: TelegramClient, update: unknown) => unknown) | undefined;
}

/** Constructor-family ids of `Updates` and `Update` (crc32 of the type names). */
const UPDATES_TYPE = 0x8af52aac;
const UPDATE_TYPE = 0x9f89304e;

/**
 * Hears what `client`'s sender receives, synchronously and in arrival order, before gramjs
 * does anything with it (its `_handleUpdate` then runs as before). gramjs keeps no update
 * state: it hands each update to event handlers through an async dispatch that awaits per
 * handler (and a `getMe` on first use), so handlers may see updates out of order, and it
 * never asks for a difference. So updates are taken here, where the sender calls back, and
 * ordered by the follower. Returns the undo, or undefined when the client has no sender yet
 * (it makes one on its first connect).
 */
export function hookSender(
  client: TelegramClient,
  listener: (event: SenderEvent) => void,
): (() => void) | undefined {
  const sender = (client as unknown as { _sender?: SenderCallback })._sender;
  if (!sender) return undefined;
  const previous = sender._updateCallback;
  let active = true;
  const hook = (owner: TelegramClient, update: unknown) => {
    if (active) hear(update, listener);
    return previous?.(owner, update);
  };
  sender._updateCallback = hook;
  return () => {
    active = false;
    if (sender._updateCallback === hook) sender._updateCallback = previous;
  };
}

function hear(update: unknown, listener: (event: SenderEvent) => void) {
  if (update instanceof UpdateConnectionState) {
    if (update.state === UpdateConnectionState.connected) listener({ link: true });
    else listener({ link: false });
    return;
  }
  const family = (update as { SUBCLASS_OF_ID?: unknown } | null)?.SUBCLASS_OF_ID;
  if (family === UPDATES_TYPE || family === UPDATE_TYPE) {
    listener({ updates: update as Api.TypeUpdates | Api.TypeUpdate });
  }
}
