import { randomBytes } from 'node:crypto';
import { Api, TelegramClient } from 'telegram';
import { _handleUpdate } from 'telegram/client/updates.js';
import { AuthKey } from 'telegram/crypto/AuthKey.js';
import { RPCMessageToError } from 'telegram/errors/index.js';
import { BinaryReader } from 'telegram/extensions/index.js';
import { returnBigInt } from 'telegram/Helpers.js';
import { UpdateConnectionState } from 'telegram/network/index.js';
import type { RequestState } from 'telegram/network/RequestState.js';

/** A TL object, a Bool, or a vector of them: what Telegram sends back. */
type Reply = { getBytes(): Buffer } | boolean | readonly Reply[];

/**
 * What a script answers: a TL object, Bool or vector, an RPC error, or nothing at all (a
 * silent server).
 */
export type ScriptedAnswer = Reply | { error: string; code?: number } | 'silent';

/** Sees each request as Telegram would (decoded from the bytes gramjs sends) and answers. */
export type Script = (request: Api.AnyRequest) => ScriptedAnswer | Promise<ScriptedAnswer>;

export interface ScriptedSender {
  /** Class names of the requests the script saw, in order. */
  readonly calls: string[];
  /** Does what gramjs' sender does after its last reconnection attempt failed. */
  giveUp(): void;
  /**
   * Delivers updates from Telegram as gramjs' sender does: to its update callback (gramjs'
   * `_handleUpdate`, and whatever listens in front of it).
   */
  pushUpdate(update: Api.TypeUpdates | Api.TypeUpdate): void;
  /**
   * Does what gramjs' sender does when its link breaks (`reconnect()`, then `_reconnect`'s
   * `_disconnect`): reconnecting, and `disconnected` told to its update callback.
   */
  loseLink(): void;
  /** Does what it does once that reconnect's `connect()` got through: `connected` told. */
  regainLink(): void;
}

export interface ScriptedSenderOptions {
  /** Connected from the start, as if `connect()` had run. @default false */
  connected?: boolean;
  /**
   * Sees each request gramjs sends on the sender itself rather than through `invoke`: the
   * `InvokeWithLayer` of `connect()`, the keep-alive's `PingDelayDisconnect`.
   */
  onSend?: (request: Api.AnyRequest) => void;
}

/**
 * Puts a scripted MTProto sender under a real gramjs `TelegramClient`: `client.connect()`,
 * `client.invoke()` with its retries and flood-wait handling, RPC error classes and the
 * entity cache are gramjs' own; only the bytes on the wire are replaced. Requests are
 * serialised and decoded again (what a server would read), answers serialised and read back
 * with the request's own `readResult`, errors built by gramjs' `RPCMessageToError`.
 */
export function installScriptedSender(
  client: TelegramClient,
  script: Script,
  options: ScriptedSenderOptions = {},
): ScriptedSender {
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
    if (typeof reply === 'object' && 'error' in reply) {
      const rpc = new Api.RpcError({ errorCode: reply.code ?? 400, errorMessage: reply.error });
      state.reject(RPCMessageToError(rpc, state.request));
      return;
    }
    state.resolve(state.request.readResult(new BinaryReader(serialise(reply))));
  };
  const sender = {
    authKey: new AuthKey(),
    userDisconnected: false,
    _userConnected: options.connected ?? false,
    isReconnecting: false,
    isConnecting: false,
    async connect() {
      // What a first connect to a data center makes: an auth key (here random).
      if (!sender.authKey.getKey()) await sender.authKey.setKey(randomBytes(256));
      sender._userConnected = true;
      return true;
    },
    isConnected: () => sender._userConnected,
    // Used by `connect()` for InitConnection, whose answer gramjs ignores, and for pings.
    send: async (request: Api.AnyRequest) => {
      options.onSend?.(request);
      return request instanceof Api.PingDelayDisconnect
        ? new Api.Pong({ msgId: returnBigInt(0), pingId: request.pingId })
        : new Api.Config({} as never);
    },
    addStateToQueue(state: RequestState) {
      void answer(state).catch((error: unknown) => state.reject(error));
    },
    async disconnect() {
      sender._userConnected = false;
      sender.userDisconnected = true;
    },
    reconnect() {},
    // gramjs' own sender is built with `updateCallback: _handleUpdate.bind(client)`.
    _updateCallback: (owner: TelegramClient, update: unknown) =>
      _handleUpdate(owner, update as never),
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
      sender._updateCallback(client, update);
    },
    loseLink() {
      sender.isReconnecting = true;
      sender._updateCallback(client, new UpdateConnectionState(UpdateConnectionState.disconnected));
    },
    regainLink() {
      sender.isReconnecting = false;
      sender._updateCallback(client, new UpdateConnectionState(UpdateConnectionState.connected));
    },
  };
}

// Constructor ids of vector#1cb5c415, boolTrue#997275b5 and boolFalse#bc799737.
const VECTOR = 0x1cb5c415;
const BOOL_TRUE = 0x997275b5;
const BOOL_FALSE = 0xbc799737;

function serialise(reply: Reply): Buffer {
  if (typeof reply === 'boolean') return int32(reply ? BOOL_TRUE : BOOL_FALSE);
  if (isVector(reply)) {
    return Buffer.concat([int32(VECTOR), int32(reply.length), ...reply.map(serialise)]);
  }
  return reply.getBytes();
}

// Array.isArray does not narrow a readonly array type.
function isVector(reply: Reply): reply is readonly Reply[] {
  return Array.isArray(reply);
}

function int32(n: number): Buffer {
  const buffer = Buffer.alloc(4);
  buffer.writeUInt32LE(n >>> 0);
  return buffer;
}

/**
 * From now on every gramjs `TelegramClient` of this process gets a scripted sender (see
 * `installScriptedSender`) when it first connects: for a child process that runs a whole
 * command (`tgfetch login`) against a script instead of Telegram. Returns the undo.
 */
export function scriptEveryClient(script: Script, options: ScriptedSenderOptions = {}): () => void {
  const { connect } = TelegramClient.prototype;
  const scripted = new WeakSet<TelegramClient>();
  TelegramClient.prototype.connect = function (this: TelegramClient) {
    if (!scripted.has(this)) {
      scripted.add(this);
      installScriptedSender(this, script, options);
    }
    return connect.call(this);
  };
  return () => {
    TelegramClient.prototype.connect = connect;
  };
}

/** What a client's sender is to whoever delivers updates through it. */
interface UpdateCallbackHolder {
  _updateCallback?: (owner: TelegramClient, update: unknown) => unknown;
}

/**
 * Gives a client whose `invoke` is answered in process (the simulated Telegram) a sender
 * that only delivers updates, as gramjs' own is built (`updateCallback: _handleUpdate`), and
 * is connected from the start.
 */
export function updateSender(client: TelegramClient): void {
  const internals = client as unknown as { _sender?: UpdateCallbackHolder & object };
  internals._sender ??= {
    _userConnected: true,
    isReconnecting: false,
    isConnecting: false,
    userDisconnected: false,
    isConnected: () => true,
    _updateCallback: (owner: TelegramClient, update: unknown) =>
      _handleUpdate(owner, update as never),
  } as UpdateCallbackHolder;
}

/** Delivers updates through `client`'s sender's update callback (see `updateSender`). */
export function pushThroughSender(client: TelegramClient, updates: Api.TypeUpdates): void {
  const sender = (client as unknown as { _sender?: UpdateCallbackHolder })._sender;
  sender?._updateCallback?.(client, updates);
}
