import { type Api, TelegramClient } from 'telegram';
import { Logger, LogLevel } from 'telegram/extensions/Logger.js';
import { StringSession } from 'telegram/sessions/index.js';
import { telegramError } from './faults.js';
import { installScriptedSender, type Script as SenderScript } from './scripted-sender.js';

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
  /** Delivers updates as Telegram pushes them: through the sender's update callback. */
  pushUpdate(update: Api.TypeUpdates | Api.TypeUpdate): void;
}

/** An RPC error as Telegram sends it (`CHANNEL_PRIVATE`, `FLOOD_WAIT_30`, …). */
export function rpcError(name: string, request: Api.AnyRequest): Error {
  return telegramError(name, request);
}

/**
 * A gramjs client below `invoke`: gramjs resolves the request and queues it on its sender,
 * the scripted sender (see `installScriptedSender`) decodes the bytes back into a TL request
 * for the script, and the request's own `readResult` parses the serialised answer. So the
 * objects a source sees went through gramjs' reader (custom `Message` classes, `senderId`)
 * and `invoke`'s entity caching ran on them, as with a real connection. The client is
 * connected from the start and has nothing to end.
 */
export function createScriptedTelegram(script: Script): ScriptedTelegram {
  const client = new TelegramClient(new StringSession(''), 1, 'scripted', {
    baseLogger: new Logger(LogLevel.NONE),
  });
  // The answers are TL objects, vectors or Bools: what the sender serialises.
  const sender = installScriptedSender(client, script as SenderScript, { connected: true });
  (client as unknown as { _connectedDeferred: { resolve(): void } })._connectedDeferred.resolve();
  client.connect = async () => true;
  client.disconnect = async () => undefined;
  client.destroy = async () => undefined;
  return { client, calls: sender.calls, pushUpdate: sender.pushUpdate };
}
