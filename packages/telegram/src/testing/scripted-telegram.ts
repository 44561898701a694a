import { type Api, TelegramClient } from 'telegram';
import { BinaryReader } from 'telegram/extensions/index.js';
import { Logger, LogLevel } from 'telegram/extensions/Logger.js';
import { StringSession } from 'telegram/sessions/index.js';
import { telegramError } from './faults.js';

/** What a script answers: a TL object, a vector of them, a boolean, or a thrown error. */
export type ScriptedAnswer = Api.TypeUser | object | boolean | readonly object[];

/**
 * Answers one decoded request. Throw `telegramError('NAME', request)` (or a plain
 * `{errorMessage}` string via {@link rpcError}) to answer with an RPC error.
 */
export type Script = (request: Api.AnyRequest) => ScriptedAnswer | Promise<ScriptedAnswer>;

export interface ScriptedTelegram {
  /** A real gramjs client whose MTProto sender is the script: `invoke` runs unchanged. */
  client: TelegramClient;
  /** Class names of the requests received, in order (`messages.GetHistory`, …). */
  readonly calls: string[];
}

/** An RPC error as Telegram sends it (`CHANNEL_PRIVATE`, `FLOOD_WAIT_30`, …). */
export function rpcError(name: string, request: Api.AnyRequest): Error {
  return telegramError(name, request);
}

interface RequestStateLike {
  request: Api.AnyRequest & { getBytes(): Buffer; readResult(reader: BinaryReader): unknown };
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

/**
 * A gramjs client below `invoke`: gramjs resolves the request, queues it on its sender, and
 * the sender here serialises it, decodes the bytes back into a TL request for the script,
 * serialises the script's answer and lets the request's own `readResult` parse it. So the
 * objects a source sees went through gramjs' reader (custom `Message` classes, `senderId`)
 * and `invoke`'s entity caching ran on them, as with a real connection.
 */
export function createScriptedTelegram(script: Script): ScriptedTelegram {
  const calls: string[] = [];
  const client = new TelegramClient(new StringSession(''), 1, 'scripted', {
    baseLogger: new Logger(LogLevel.NONE),
  });
  const answer = async (state: RequestStateLike) => {
    const decoded = new BinaryReader(state.request.getBytes()).tgReadObject() as Api.AnyRequest;
    calls.push(decoded.className);
    const result = await script(decoded);
    return state.request.readResult(new BinaryReader(serialise(result)));
  };
  const sender = {
    userDisconnected: false,
    _disconnected: false,
    isConnected: () => true,
    disconnect: async () => undefined,
    addStateToQueue(state: RequestStateLike) {
      answer(state).then(
        (value) => state.resolve(value),
        (error: unknown) => state.reject(error),
      );
    },
  };
  const internals = client as unknown as {
    _sender: unknown;
    _connectedDeferred: { resolve(): void };
  };
  internals._sender = sender;
  internals._connectedDeferred.resolve();
  client.connect = async () => true;
  client.disconnect = async () => undefined;
  client.destroy = async () => undefined;
  return { client, calls };
}

const VECTOR = 0x1cb5c415;
const BOOL_TRUE = 0x997275b5;
const BOOL_FALSE = 0xbc799737;

function serialise(value: ScriptedAnswer): Buffer {
  if (typeof value === 'boolean') return int32(value ? BOOL_TRUE : BOOL_FALSE);
  if (Array.isArray(value)) {
    return Buffer.concat([int32(VECTOR), int32(value.length), ...value.map(serialise)]);
  }
  return (value as { getBytes(): Buffer }).getBytes();
}

function int32(n: number): Buffer {
  const buffer = Buffer.alloc(4);
  buffer.writeUInt32LE(n >>> 0);
  return buffer;
}
