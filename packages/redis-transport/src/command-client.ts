import {
  AbortError,
  type CompletedEvent,
  daysBetween,
  type FailedEvent,
  type FetchCommand,
  type FetchEvent,
  type ProgressEvent,
  parseEvent,
  parseWireCommand,
  scheduleCommandWire,
  TgfetchError,
  unsupportedCommand,
} from '@tgfetch/core';
import {
  type ConnectionOptions,
  type ConnectionState,
  openConnection,
  type RedisClient,
} from './connection.js';
import { closedError, RedisErrorCode, redisError } from './errors.js';
import { checkKeyType } from './key-type.js';
import { defineScript } from './script.js';
import { PAYLOAD_FIELD } from './stream-queue.js';

export interface CommandClientOptions extends ConnectionOptions {
  /** `list`: RPUSH onto `queue`; `stream`: XADD to `stream` (for the streams-mode queue). @default 'list' */
  transport?: 'list' | 'stream';
  /** @default 'tg_commands' */
  queue?: string;
  /** @default 'tg_commands' (the daemon reads `QUEUE_NAME` as a list or as a stream) */
  stream?: string;
  /**
   * Commands the queue (list or stream) may hold: `send` refuses to push past it with
   * `QUEUE_FULL` (checked and pushed in one step). The stream is never trimmed instead:
   * trimming would drop commands nobody ran. @default 10_000
   */
  maxQueueLength?: number;
  /** Days one command may cover (`days`, or `from`..`to`): more is refused with `COMMAND_TOO_LARGE`. @default 366 */
  maxCommandDays?: number;
  /** Where the workers publish events. @default 'tg_events' */
  channel?: string;
  /** Zone of the future-date check of `send` (the worker checks again in its own). @default 'UTC' */
  timeZone?: string;
}

export interface RunCommandOptions {
  /** Milliseconds to wait for the final event; rejects with code `WAIT_TIMEOUT`. @default no limit */
  timeout?: number;
  onProgress?: (event: ProgressEvent) => void;
  /** Every event of the command (`started`, `progress`…), as it comes. */
  onEvent?: (event: FetchEvent) => void;
  /** Stops waiting (the command stays queued or running: it was already sent). */
  signal?: AbortSignal;
}

/** `run()` got a `failed` event: `code` and `retryable` are the event's, `event` is all of it. */
export class CommandFailedError extends TgfetchError {
  override name = 'CommandFailedError';
  readonly event: FailedEvent;

  constructor(event: FailedEvent) {
    super(event.error.code, event.error.message, { retryable: event.error.retryable });
    this.event = event;
  }
}

export interface CommandClient {
  /**
   * Validates any command (fetch, follow, unfollow; rejecting with core's `CommandError`),
   * pushes the normalised command, returns its id.
   */
  send(command: unknown): Promise<string>;
  /**
   * Sends a fetch and waits for its `completed` event; rejects with `CommandFailedError`.
   * A follow or unfollow has no completed event: it is refused (`COMMAND_UNSUPPORTED`).
   */
  run(command: unknown, options?: RunCommandOptions): Promise<CompletedEvent>;
  state(): ConnectionState;
  close(): Promise<void>;
}

// KEYS: queue. ARGV: command JSON, max length. -1 when full, else the new length.
const pushListScript = defineScript(`
if redis.call('LLEN', KEYS[1]) >= tonumber(ARGV[2]) then return -1 end
return redis.call('RPUSH', KEYS[1], ARGV[1])`);
// KEYS: stream. ARGV: command JSON, max length, payload field. -1 when full.
const pushStreamScript = defineScript(`
if redis.call('XLEN', KEYS[1]) >= tonumber(ARGV[2]) then return -1 end
redis.call('XADD', KEYS[1], '*', ARGV[3], ARGV[1])
return 1`);

/** Days a command covers. */
export function commandDays(command: FetchCommand): number {
  switch (command.mode) {
    case 'date':
      return 1;
    case 'days':
      return command.days;
    case 'range':
      return daysBetween(command.from, command.to) + 1;
  }
}

/** The producer side: any service that wants a fetch done. */
export async function createCommandClient(
  options: CommandClientOptions = {},
): Promise<CommandClient> {
  const queue = options.queue ?? 'tg_commands';
  const stream = options.stream ?? 'tg_commands';
  const channel = options.channel ?? 'tg_events';
  const maxQueueLength = options.maxQueueLength ?? 10_000;
  const maxCommandDays = options.maxCommandDays ?? 366;
  const connection = await openConnection(options);
  const client = connection.client;
  try {
    // A key of another type would refuse every push: say so now, naming the key.
    if (options.transport === 'stream') await checkKeyType(client, stream, 'stream');
    else await checkKeyType(client, queue, 'list');
  } catch (error) {
    await connection.close();
    throw connection.translate(error);
  }
  const waiters = new Map<string, Set<(event: FetchEvent) => void>>();
  let subscriber: Promise<RedisClient> | undefined;
  let closed = false;

  /** One subscription for all runs, made before the first command is pushed. */
  const subscribe = () => {
    subscriber ??= (async () => {
      const sub = await connection.dedicated('tgfetch:producer-events');
      await sub.subscribe(channel, (message) => {
        const event = parseEvent(message);
        if (!event) return;
        for (const waiter of waiters.get(event.command_id) ?? []) waiter(event);
      });
      return sub;
    })();
    subscriber.catch(() => {
      subscriber = undefined;
    });
    return subscriber;
  };

  const send = async (command: unknown) => {
    if (closed) throw closedError('command client');
    const parsed = parseWireCommand(command, { timeZone: options.timeZone ?? 'UTC' });
    if (!parsed.ok) throw parsed.error;
    const days = parsed.command.command === 'fetch' ? commandDays(parsed.command) : 0;
    if (days > maxCommandDays) {
      throw redisError(
        RedisErrorCode.COMMAND_TOO_LARGE,
        `the command covers ${days} days; at most ${maxCommandDays} are allowed (MAX_COMMAND_DAYS): split it`,
      );
    }
    // What the parser made, which reads back the same; a schedule's in its wire form again.
    const json = JSON.stringify(
      parsed.command.command === 'schedule' ? scheduleCommandWire(parsed.command) : parsed.command,
    );
    let pushed: unknown;
    try {
      pushed =
        options.transport === 'stream'
          ? await pushStreamScript.run(
              client,
              [stream],
              [json, String(maxQueueLength), PAYLOAD_FIELD],
            )
          : await pushListScript.run(client, [queue], [json, String(maxQueueLength)]);
    } catch (error) {
      throw connection.translate(error);
    }
    if (pushed === -1) {
      throw redisError(
        RedisErrorCode.QUEUE_FULL,
        `the queue holds ${maxQueueLength} commands already (MAX_QUEUE_LENGTH): try again later`,
      );
    }
    return parsed.command.command_id;
  };

  const run = async (command: unknown, runOptions: RunCommandOptions = {}) => {
    if (closed) throw closedError('command client');
    const parsed = parseWireCommand(command, { timeZone: options.timeZone ?? 'UTC' });
    if (!parsed.ok) throw parsed.error;
    if (parsed.command.command !== 'fetch') {
      throw unsupportedCommand(
        parsed.command,
        'run() waits for the completed event of a fetch: send() it',
      ).error;
    }
    const id = parsed.command.command_id;
    const { signal } = runOptions;
    if (signal?.aborted) throw new AbortError('stopped waiting for the command');
    let listener: ((event: FetchEvent) => void) | undefined;
    let timer: NodeJS.Timeout | undefined;
    let onAbort = () => {};
    const settled = new Promise<CompletedEvent>((resolve, reject) => {
      listener = (event) => {
        runOptions.onEvent?.(event);
        if (event.event === 'progress') runOptions.onProgress?.(event);
        else if (event.event === 'completed') resolve(event);
        else if (event.event === 'failed') reject(new CommandFailedError(event));
      };
      if (runOptions.timeout !== undefined) {
        const ms = runOptions.timeout;
        timer = setTimeout(
          () =>
            reject(
              redisError(
                RedisErrorCode.WAIT_TIMEOUT,
                `no final event for command ${id} within ${ms}ms`,
              ),
            ),
          ms,
        );
      }
      onAbort = () => reject(new AbortError('stopped waiting for the command'));
      signal?.addEventListener('abort', onAbort, { once: true });
    });
    const set = waiters.get(id) ?? new Set();
    set.add(listener!);
    waiters.set(id, set);
    try {
      // Listening before pushing: a worker that answers at once is still heard.
      await Promise.race([subscribe(), settled]);
      await send(parsed.command);
      return await Promise.race([settled, connection.failed]);
    } catch (error) {
      throw error instanceof TgfetchError ? error : connection.translate(error);
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      set.delete(listener!);
      if (set.size === 0) waiters.delete(id);
    }
  };

  return {
    send,
    run,
    state: connection.state,
    async close() {
      if (closed) return;
      closed = true;
      await connection.close();
    },
  };
}
