import type { HistoryRequest } from '@tgfetch/core';

/**
 * What the reader keeps of a chat between requests: per message its id, time, where its
 * object sits in the file and the message it replies to. Five numbers (40 bytes) a message
 * in typed arrays, whatever the size of the messages themselves, and the ids of the
 * messages that are a channel's automatic copies (a discussion group's threads).
 */
export interface MessageIndex {
  readonly count: number;
  /** Epoch ms of the first and last message (by time), or undefined when empty. */
  readonly first: number | undefined;
  readonly last: number | undefined;
  /** The oldest message is the chat's creation: nothing came before it (see `coverage`). */
  readonly fromStart: boolean;
  /** Positions into the index of the messages in the slice, newest (highest id) first. */
  select(request: Pick<HistoryRequest, 'from' | 'to' | 'beforeId'>): Iterable<number>;
  id(at: number): number;
  start(at: number): number;
  end(at: number): number;
  /**
   * The thread a message is a comment in: the nearest message up its chain of replies that
   * is a channel post's automatic copy (`channel`: that channel's bare id), or undefined.
   */
  threadOf(id: number): { thread: number; channel: string } | undefined;
}

/** What links a message to others: the message it replies to here, the channel it copies. */
export interface MessageLinks {
  /** The id it replies to in this chat. */
  replyTo?: number | undefined;
  /** It is a channel post's automatic copy in the channel's discussion group: the channel's bare id. */
  copyOf?: string | undefined;
}

export interface IndexBuilder {
  /** `creation`: the message is the service message that created the chat. */
  add(
    id: number,
    time: number,
    start: number,
    end: number,
    creation?: boolean,
    links?: MessageLinks,
  ): void;
  readonly count: number;
  finish(): MessageIndex;
}

export function createIndexBuilder(initialCapacity = 1024): IndexBuilder {
  let ids = new Float64Array(initialCapacity);
  let times = new Float64Array(initialCapacity);
  let starts = new Float64Array(initialCapacity);
  let ends = new Float64Array(initialCapacity);
  let parents = new Float64Array(initialCapacity);
  const copies = new Map<number, string>();
  let count = 0;
  let created: number | undefined;

  const grow = () => {
    const size = ids.length * 2;
    const copy = (a: Float64Array) => {
      const b = new Float64Array(size);
      b.set(a);
      return b;
    };
    ids = copy(ids);
    times = copy(times);
    starts = copy(starts);
    ends = copy(ends);
    parents = copy(parents);
  };

  return {
    get count() {
      return count;
    },
    add(id, time, start, end, creation = false, links = {}) {
      if (creation && (created === undefined || time < created)) created = time;
      if (count === ids.length) grow();
      ids[count] = id;
      times[count] = time;
      starts[count] = start;
      ends[count] = end;
      parents[count] = links.replyTo ?? 0;
      if (links.copyOf !== undefined) copies.set(id, links.copyOf);
      count++;
    },
    finish() {
      return buildIndex(
        ids.slice(0, count),
        times.slice(0, count),
        starts.slice(0, count),
        ends.slice(0, count),
        created,
        { parents: parents.slice(0, count), copies },
      );
    },
  };
}

function buildIndex(
  ids: Float64Array,
  times: Float64Array,
  starts: Float64Array,
  ends: Float64Array,
  created: number | undefined,
  links: { parents: Float64Array; copies: ReadonlyMap<number, string> },
): MessageIndex {
  // Exports list messages by ascending id; sort only when a file does not.
  let sorted = true;
  for (let i = 1; i < ids.length && sorted; i++) sorted = ids[i - 1]! < ids[i]!;
  let order: Uint32Array | undefined;
  if (!sorted) {
    const all = Uint32Array.from({ length: ids.length }, (_, i) => i);
    all.sort((a, b) => ids[a]! - ids[b]! || a - b);
    // A duplicated id (a hand-merged file) is served once: its last copy in the file.
    order = all.filter((i, k) => k === all.length - 1 || ids[all[k + 1]!] !== ids[i]);
  }
  const n = order ? order.length : ids.length;
  const at = (k: number) => (order ? order[k]! : k);
  let monotonic = true;
  let first: number | undefined;
  let last: number | undefined;
  for (let k = 0; k < n; k++) {
    const t = times[at(k)]!;
    if (k > 0 && t < times[at(k - 1)]!) monotonic = false;
    if (first === undefined || t < first) first = t;
    if (last === undefined || t > last) last = t;
  }
  // First sorted position whose key is >= value.
  const lowerBound = (key: (k: number) => number, value: number) => {
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (key(mid) < value) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };

  /** Where message `id` is in the arrays, or -1. */
  const positionOf = (id: number) => {
    const k = lowerBound((m) => ids[at(m)]!, id);
    return k < n && ids[at(k)] === id ? at(k) : -1;
  };

  return {
    count: n,
    first,
    last,
    threadOf(id) {
      if (links.copies.size === 0) return undefined;
      // Replies always point at older messages; the bound only guards a hand-made loop.
      let current = id;
      for (let hops = 0; hops < 10_000; hops++) {
        const channel = current === id ? undefined : links.copies.get(current);
        if (channel !== undefined) return { thread: current, channel };
        const position = positionOf(current);
        const parent = position === -1 ? 0 : links.parents[position]!;
        if (parent <= 0 || parent === current) return undefined;
        current = parent;
      }
      return undefined;
    },
    fromStart: created !== undefined && created === first,
    id: (i) => ids[i]!,
    start: (i) => starts[i]!,
    end: (i) => ends[i]!,
    *select({ from, to, beforeId }) {
      let k = beforeId === undefined ? n : lowerBound((m) => ids[at(m)]!, beforeId);
      if (monotonic)
        k = Math.min(
          k,
          lowerBound((m) => times[at(m)]!, to),
        );
      for (k--; k >= 0; k--) {
        const i = at(k);
        const t = times[i]!;
        if (t < from) {
          if (monotonic) return;
          continue;
        }
        if (t < to) yield i;
      }
    },
  };
}
