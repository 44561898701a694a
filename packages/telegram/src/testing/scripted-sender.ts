import { randomBytes } from 'node:crypto';
import { Api, type TelegramClient } from 'telegram';
import { _handleUpdate } from 'telegram/client/updates.js';
import { AuthKey } from 'telegram/crypto/AuthKey.js';
import { RPCMessageToError } from 'telegram/errors/index.js';
import { BinaryReader } from 'telegram/extensions/index.js';
import type { RequestState } from 'telegram/network/RequestState.js';

/** What a script answers: a TL object or Bool, an RPC error, or nothing at all (a silent server). */
export type ScriptedAnswer =
  | { getBytes(): Buffer }
  | boolean
  | { error: string; code?: number }
  | 'silent';

// boolTrue#997275b5 and boolFalse#bc799737, little-endian as on the wire.
const BOOL_TRUE = Buffer.from('b5757299', 'hex');
const BOOL_FALSE = Buffer.from('379779bc', 'hex');

/** Sees each request as Telegram would (decoded from the bytes gramjs sends) and answers. */
export type Script = (request: Api.AnyRequest) => ScriptedAnswer | Promise<ScriptedAnswer>;

export interface ScriptedSender {
  /** Class names of the requests the script saw, in order. */
  readonly calls: string[];
  /** Does what gramjs' sender does after its last reconnection attempt failed. */
  giveUp(): void;
  /** Delivers an update from Telegram, through gramjs' own update handling. */
  pushUpdate(update: Api.TypeUpdate): void;
}

/**
 * Puts a scripted MTProto sender under a real gramjs `TelegramClient`: `client.connect()`,
 * `client.invoke()` with its retries and flood-wait handling, RPC error classes and the
 * entity cache are gramjs' own; only the bytes on the wire are replaced. Requests are
 * serialised and decoded again (what a server would read), answers serialised and read back
 * with the request's own `readResult`, errors built by gramjs' `RPCMessageToError`.
 */
export function installScriptedSender(client: TelegramClient, script: Script): ScriptedSender {
  const calls: string[] = [];
  const pending = new Set<RequestState>();
  const answer = async (state: RequestState) => {
    const wire = new BinaryReader(state.data).tgReadObject() as Api.AnyRequest;
    calls.push(wire.className);
    const reply = await script(wire);
    if (reply === 'silent') {
      pending.add(state);
      return;
    }
    if (typeof reply === 'boolean') {
      state.resolve(state.request.readResult(new BinaryReader(reply ? BOOL_TRUE : BOOL_FALSE)));
      return;
    }
    if ('error' in reply) {
      const rpc = new Api.RpcError({ errorCode: reply.code ?? 400, errorMessage: reply.error });
      state.reject(RPCMessageToError(rpc, state.request));
      return;
    }
    state.resolve(state.request.readResult(new BinaryReader(reply.getBytes())));
  };
  const sender = {
    authKey: new AuthKey(),
    userDisconnected: false,
    _userConnected: false,
    isReconnecting: false,
    isConnecting: false,
    async connect() {
      // What a first connect to a data center makes: an auth key (here random).
      if (!sender.authKey.getKey()) await sender.authKey.setKey(randomBytes(256));
      sender._userConnected = true;
      return true;
    },
    isConnected: () => sender._userConnected,
    // Used by `connect()` for InitConnection, whose answer gramjs ignores.
    send: async () => new Api.Config({} as never),
    addStateToQueue(state: RequestState) {
      void answer(state).catch((error: unknown) => state.reject(error));
    },
    async disconnect() {
      sender._userConnected = false;
      sender.userDisconnected = true;
    },
    reconnect() {},
  };
  (client as unknown as { _sender: unknown })._sender = sender;
  return {
    calls,
    giveUp() {
      for (const state of pending) state.reject('Maximum reconnection retries reached. Aborting!');
      pending.clear();
      sender.userDisconnected = true;
      sender._userConnected = false;
    },
    pushUpdate(update) {
      _handleUpdate(client, update);
    },
  };
}
