import type {
  ChangeBatch,
  ChangeRequest,
  ChangeSource,
  MessageChange,
  ResumePoint,
  ResumeStore,
} from '../changes.js';
import type { ChatRef } from '../chat.js';
import { AbortError } from '../errors.js';

export interface MemoryChangeSourceOptions {
  /**
   * Called before each batch is yielded, with its sequence number; a returned error is
   * thrown there. Lets tests break a stream mid-way and resume it.
   */
  fault?: (seq: number, request: ChangeRequest) => unknown;
}

export interface MemoryChangeSource extends ChangeSource {
  /** The requests received, in order. */
  readonly requests: ChangeRequest[];
  /** Appends one batch of changes; returns its resume point (`{ seq }`, 1 for the first). */
  push(...changes: MessageChange[]): ResumePoint;
  /** No more changes: streams end after the last batch instead of waiting for more. */
  end(): void;
}

/**
 * A scripted stream of changes: batches pushed by a test (or an embedder replaying a log),
 * each resumable after its sequence number. A stream waits for pushes until its signal
 * aborts, or until `end()`.
 */
export function createMemoryChangeSource(
  options: MemoryChangeSourceOptions = {},
): MemoryChangeSource {
  const log: MessageChange[][] = [];
  const requests: ChangeRequest[] = [];
  const waiters = new Set<() => void>();
  let ended = false;
  const wake = () => {
    for (const waiter of waiters) waiter();
    waiters.clear();
  };
  const pushed = (signal: AbortSignal) =>
    new Promise<void>((resolve) => {
      const done = () => {
        signal.removeEventListener('abort', done);
        waiters.delete(done);
        resolve();
      };
      waiters.add(done);
      signal.addEventListener('abort', done, { once: true });
    });

  async function* stream(
    start: number,
    request: ChangeRequest,
    signal: AbortSignal,
  ): AsyncGenerator<ChangeBatch> {
    let seq = start;
    for (;;) {
      if (signal.aborted) throw new AbortError('The change stream was aborted');
      if (seq < log.length) {
        seq++;
        const fault = options.fault?.(seq, request);
        if (fault !== undefined) throw fault;
        const changes = followed(log[seq - 1]!, request.chats);
        if (changes.length > 0) yield { changes: structuredClone(changes), resume: { seq } };
      } else if (ended) {
        return;
      } else {
        await pushed(signal);
      }
    }
  }

  return {
    requests,
    push(...changes) {
      log.push(structuredClone(changes));
      wake();
      return { seq: log.length };
    },
    end() {
      ended = true;
      wake();
    },
    changes(request, signal) {
      requests.push(structuredClone(request));
      // Where it starts is fixed at the call: a change pushed after it is yielded.
      const start = request.from === undefined ? log.length : sequenceOf(request.from, log.length);
      return stream(start, request, signal);
    },
  };
}

function sequenceOf(point: ResumePoint, length: number): number {
  const seq = point.seq;
  if (typeof seq !== 'number' || !Number.isSafeInteger(seq) || seq < 0 || seq > length) {
    throw new TypeError(`Not a resume point of this source: ${JSON.stringify(point)}`);
  }
  return seq;
}

/** The changes of followed chats (a deletion that names none keeps the followed among its chats). */
function followed(changes: readonly MessageChange[], chats: readonly ChatRef[]): MessageChange[] {
  const wanted = new Set(chats);
  const out: MessageChange[] = [];
  for (const change of changes) {
    if (change.chat !== undefined) {
      if (wanted.has(change.chat)) out.push(change);
      continue;
    }
    if (change.kind !== 'deleted') continue;
    const among = (change.among ?? []).filter((chat) => wanted.has(chat));
    if (among.length > 0) out.push({ ...change, among });
  }
  return out;
}

/** Resume points in a Map, kept as JSON text (so what comes back is a copy, and JSON). */
export function createMemoryResumeStore(): ResumeStore {
  const points = new Map<string, string>();
  return {
    async load(key) {
      const text = points.get(key);
      return text === undefined ? undefined : (JSON.parse(text) as ResumePoint);
    },
    async save(key, point) {
      if (typeof key !== 'string' || key.length === 0) {
        throw new TypeError('A resume key must be a non-empty string');
      }
      points.set(key, JSON.stringify(point));
    },
  };
}
