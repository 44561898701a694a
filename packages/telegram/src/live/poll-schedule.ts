/**
 * When each followed box's difference is asked next. A follower of a thousand quiet chats
 * polls one every few tens of milliseconds: finding the due ones and the next deadline
 * must not walk every box each time (that made a cycle of polls quadratic), so the times
 * are kept in a binary min-heap, a later time for a box leaving its earlier entry stale.
 */
export interface PollSchedule {
  /** Asks `box` at `at` (epoch ms), instead of when it was due before. */
  set(box: string, at: number): void;
  /** When `box` is asked next; undefined when it is not scheduled. */
  get(box: string): number | undefined;
  /**
   * The boxes due by `now`, taken off the schedule (set them again once asked); when one
   * is, also those due within `slackMs` after it (made early together, never late). None
   * is taken early when none is due: a box asked again within the slack (Telegram's
   * `timeout` can be a second) would otherwise be asked again at once, forever.
   */
  takeDue(now: number, slackMs?: number): string[];
  /** The earliest time of any box; undefined when none is scheduled. */
  next(): number | undefined;
}

export function createPollSchedule(): PollSchedule {
  const at = new Map<string, number>();
  const heap: Array<{ at: number; box: string }> = [];

  const less = (i: number, k: number) => heap[i]!.at < heap[k]!.at;
  const swap = (i: number, k: number) => {
    [heap[i], heap[k]] = [heap[k]!, heap[i]!];
  };
  const up = (start: number) => {
    for (let i = start; i > 0; ) {
      const parent = (i - 1) >> 1;
      if (!less(i, parent)) return;
      swap(i, parent);
      i = parent;
    }
  };
  const down = (start: number) => {
    for (let i = start; ; ) {
      const left = 2 * i + 1;
      const right = left + 1;
      let least = i;
      if (left < heap.length && less(left, least)) least = left;
      if (right < heap.length && less(right, least)) least = right;
      if (least === i) return;
      swap(i, least);
      i = least;
    }
  };
  const pop = () => {
    const top = heap[0];
    const last = heap.pop();
    if (heap.length > 0 && last) {
      heap[0] = last;
      down(0);
    }
    return top;
  };
  /** Drops entries a later `set` (or `takeDue`) left behind. */
  const clean = () => {
    while (heap.length > 0 && at.get(heap[0]!.box) !== heap[0]!.at) pop();
  };

  return {
    set(box, time) {
      at.set(box, time);
      heap.push({ at: time, box });
      up(heap.length - 1);
      // Stale entries are dropped as they surface; past this many, all at once.
      if (heap.length > 4 * at.size + 64) {
        const live = heap.filter((e) => at.get(e.box) === e.at);
        heap.length = 0;
        for (const entry of live) {
          heap.push(entry);
          up(heap.length - 1);
        }
      }
    },
    get: (box) => at.get(box),
    takeDue(now, slackMs = 0) {
      const due: string[] = [];
      clean();
      if (heap.length === 0 || heap[0]!.at > now) return due;
      for (const until = now + slackMs; heap.length > 0 && heap[0]!.at <= until; clean()) {
        const { box } = pop()!;
        at.delete(box);
        due.push(box);
      }
      return due;
    },
    next() {
      clean();
      return heap[0]?.at;
    },
  };
}
