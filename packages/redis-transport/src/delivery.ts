import { createHash } from 'node:crypto';
import { commandParams, type EventSink, type FailedEvent, parseCommand } from '@tgfetch/core';
import type { Connection, ConnectionState } from './connection.js';
import { RedisErrorCode } from './errors.js';

/** One command handed to a worker. Settle it exactly once: `ack` or `release`. */
export interface Delivery {
  /**
   * The command as the producer pushed it (raw JSON, maybe invalid); for a stream entry of
   * flat fields, their JSON form.
   */
  readonly payload: string;
  /**
   * The raw bytes when the payload is not valid UTF-8 (`payload` is then their lossy
   * decoding): the worker hands these to `parseCommand`, which rejects them with
   * `INVALID_ENCODING` (RFC 8259 requires UTF-8) instead of running a changed command.
   */
  readonly bytes?: Uint8Array;
  /**
   * What deliveries are counted under: `id:<command_id>` when the payload carries one,
   * else `sha1:<hex of the payload>` (list mode); the entry id (streams mode).
   */
  readonly id: string;
  /** 1 on the first delivery; more when it came back after a worker died or released it. */
  readonly attempt: number;
  /** Done with it (completed or failed alike): it will not be delivered again. */
  ack(): Promise<void>;
  /**
   * Not done: put it back at the head of the queue for any worker. A graceful shutdown
   * does not count as a delivery; `{ counted: true }` (the handling crashed) keeps the count,
   * so a command that always crashes ends in the dead-letter list after `maxDeliveries`.
   */
  release(options?: ReleaseOptions): Promise<void>;
}

export interface ReleaseOptions {
  /** Keep this delivery in the count toward `maxDeliveries`. @default false */
  counted?: boolean;
}

/** The consumer side of a command queue, list or streams mode alike. */
export interface CommandQueue extends AsyncIterable<Delivery> {
  /**
   * Waits for the next command. Resolves `undefined` when `signal` aborts or the queue is
   * closed; rejects with `REDIS_UNAVAILABLE` once Redis was gone longer than `maxOutageMs`.
   */
  next(signal?: AbortSignal): Promise<Delivery | undefined>;
  state(): ConnectionState;
  readonly isReady: boolean;
  /** Stops popping (a blocked pop is cut at once) and hands unclaimed commands back. */
  close(): Promise<void>;
}

/** The key a payload's deliveries are counted under (see `Delivery.id`). */
export function deliveryKey(payload: string): string {
  try {
    const value: unknown = JSON.parse(payload);
    if (typeof value === 'object' && value !== null && 'command_id' in value) {
      const id = value.command_id;
      if (typeof id === 'string' && id.length > 0 && id.length <= 128) return `id:${id}`;
    }
  } catch {
    // Not JSON: still counted, by content.
  }
  return `sha1:${createHash('sha1').update(payload).digest('hex')}`;
}

/**
 * The `command_id` of a command that carries none, the same at every delivery of it (so a
 * re-run after a crash finishes under the id its `started` announced): a UUID-shaped
 * digest of the delivery key.
 */
export function stableCommandId(deliveryId: string): string {
  const hex = createHash('sha256').update(`tgfetch:${deliveryId}`).digest('hex');
  // Version 8 (custom) and the RFC 4122 variant, so that it parses as a UUID.
  const variant = ((Number.parseInt(hex.charAt(16), 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** The `failed` event of a command that kept coming back and was dead-lettered. */
export function poisonEvent(payload: string, attempts: number, workerId: string): FailedEvent {
  const about = describePoison(payload);
  return {
    ...about,
    event: 'failed',
    status: 'failed',
    processed: 0,
    errors: attempts,
    duration_sec: 0,
    ts: new Date().toISOString(),
    worker_id: workerId,
    error: {
      code: RedisErrorCode.Poison,
      message: `the command was delivered ${attempts} times without finishing; moved to the dead-letter queue`,
      retryable: false,
    },
  };
}

/**
 * What the `failed` event of a dead-lettered payload says about it. The payload may be what
 * crashed its handling (the parser included), so that is tried once here, inside a guard:
 * failing that, the id is read from the top level, or made as every delivery made it.
 */
function describePoison(
  payload: string,
): Pick<FailedEvent, 'command_id' | 'chat' | 'mode' | 'params'> {
  const newId = () => stableCommandId(deliveryKey(payload));
  try {
    const parsed = parseCommand(payload, { newId });
    return parsed.ok
      ? {
          command_id: parsed.command.command_id,
          chat: parsed.command.chat,
          mode: parsed.command.mode,
          params: commandParams(parsed.command),
        }
      : parsed.rejected;
  } catch {
    const key = deliveryKey(payload);
    return {
      command_id: key.startsWith('id:') ? key.slice(3) : newId(),
      chat: null,
      mode: null,
      params: {},
    };
  }
}

/** Publishes a poison event without letting a publishing failure stop the queue. */
export async function reportPoison(
  events: EventSink | undefined,
  payload: string,
  attempts: number,
  workerId: string,
): Promise<void> {
  try {
    await events?.publish(poisonEvent(payload, attempts, workerId));
  } catch {
    // The command is already in the dead-letter queue, which is the record that matters.
  }
}

/**
 * The settling of one delivery: the first `ack` or `release` wins and later ones do
 * nothing, unless it failed (Redis away or silent past its deadline), when it may be tried
 * again. `done` runs once the winner went through.
 */
export function settleOnce(
  connection: Pick<Connection, 'translate' | 'deadline'>,
  done: () => void,
): (fn: () => Promise<unknown>) => Promise<void> {
  let settled = false;
  return async (fn) => {
    if (settled) return;
    settled = true;
    try {
      // A frozen server must not hold a worker (or its shutdown): the call may still land,
      // and a later try finds it done (ack and release are idempotent).
      await connection.deadline(fn(), 'settling a command');
    } catch (error) {
      settled = false;
      throw connection.translate(error);
    }
    done();
  };
}

/** Resolves when `signal` aborts; `dispose` drops the listener. */
export function abortPromise(signal: AbortSignal | undefined): {
  promise: Promise<'aborted'>;
  dispose: () => void;
} {
  if (!signal) return { promise: new Promise(() => {}), dispose: () => {} };
  if (signal.aborted) return { promise: Promise.resolve('aborted'), dispose: () => {} };
  let onAbort = () => {};
  const promise = new Promise<'aborted'>((resolve) => {
    onAbort = () => resolve('aborted');
    signal.addEventListener('abort', onAbort, { once: true });
  });
  return { promise, dispose: () => signal.removeEventListener('abort', onAbort) };
}

/** Runs async functions one at a time, in call order. */
export function serial(): <T>(fn: () => Promise<T>) => Promise<T> {
  let tail: Promise<unknown> = Promise.resolve();
  return (fn) => {
    const result = tail.then(fn);
    // The tail only orders calls: it must not keep the last result alive.
    tail = result.then(
      () => {},
      () => {},
    );
    return result;
  };
}
