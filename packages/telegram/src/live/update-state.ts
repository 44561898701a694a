/**
 * Telegram's update ordering (core.telegram.org/api/updates), kept apart from the network
 * so that it can be tested alone. Every update that changes a chat occupies a range of one
 * "box": the account's own box (private chats and basic groups) or a channel's. An update
 * with `pts` and `pts_count` applies when `local_pts + pts_count == pts`, was applied
 * already when it is greater, and follows a gap when it is smaller: it waits here until the
 * missing ones come or a difference call closes the gap. Containers with a `seq` (`updates`,
 * `updatesCombined`) are ordered the same way in the account's `seq`; `seq` 0 means
 * unordered.
 */

/** The account's own update state, as `updates.state` holds it. */
export interface AccountState {
  pts: number;
  qts: number;
  date: number;
  seq: number;
}

/** The box of private chats and basic groups (channels' boxes are their ids). */
export const ACCOUNT_BOX = 'account';

/** An update that occupies `(pts - count, pts]` of `box`. */
export interface Sequenced<T> {
  box: string;
  pts: number;
  count: number;
  item: T;
}

/** An update outside any sequence (a status, a typing notice…): applied as it comes. */
export interface Unsequenced<T> {
  box?: undefined;
  item: T;
}

export type Entry<T> = Sequenced<T> | Unsequenced<T>;

/** Updates that came together, ordered in the account's `seq` unless `seq` is 0. */
export interface Container<T> {
  seqStart: number;
  seq: number;
  date: number;
  entries: readonly Entry<T>[];
}

export interface UpdateStateSnapshot {
  account?: AccountState;
  channels: Record<string, number>;
}

export interface UpdateState<T> {
  /** The pts applied so far in `box`; undefined while the box is not followed. */
  pts(box: string): number | undefined;
  readonly account: AccountState | undefined;
  /**
   * Follows `box` from `pts` on (a difference or a history walk brought it there): what
   * waited and now follows is returned to apply, what it covers is dropped.
   */
  settle(box: string, pts: number): T[];
  /** The account's state after a difference; returns what waited and now follows. */
  setAccount(state: AccountState): T[];
  /** One pushed update: what is to be applied now, in order (possibly nothing). */
  offer(entry: Entry<T>): T[];
  /** A pushed container: what is to be applied now, in order. */
  offerContainer(container: Container<T>): T[];
  /** The boxes whose updates wait for missing ones. */
  gaps(): string[];
  snapshot(): UpdateStateSnapshot;
  /**
   * Bumped whenever what `snapshot` holds changes: a follower of many chats tells at once
   * that a poll which found nothing left its resume point as it was.
   */
  version(): number;
}

/** Updates held per box while a gap stays open; later ones come with the difference. */
const MAX_WAITING = 10_000;

export function createUpdateState<T>(from: UpdateStateSnapshot = { channels: {} }): UpdateState<T> {
  let account: AccountState | undefined = from.account ? { ...from.account } : undefined;
  const channels = new Map<string, number>(Object.entries(from.channels));
  const waiting = new Map<string, Sequenced<T>[]>();
  const waitingContainers: Container<T>[] = [];
  let version = 0;

  const ptsOf = (box: string) => (box === ACCOUNT_BOX ? account?.pts : channels.get(box));
  const setPts = (box: string, pts: number) => {
    if (ptsOf(box) === pts) return;
    version++;
    if (box === ACCOUNT_BOX) {
      if (account) account.pts = pts;
    } else channels.set(box, pts);
  };
  /** The account's seq and date after a container was applied. */
  const advanceSeq = (state: AccountState, seq: number, date: number) => {
    const later = Math.max(state.date, date);
    if (state.seq === seq && state.date === later) return;
    version++;
    state.seq = seq;
    state.date = later;
  };

  /** Applies the waiting updates of `box` that now follow; drops those already covered. */
  const drain = (box: string): T[] => {
    const queue = waiting.get(box);
    const out: T[] = [];
    while (queue && queue.length > 0) {
      const next = queue[0]!;
      const local = ptsOf(box);
      if (local === undefined) break;
      if (local + next.count < next.pts) break;
      queue.shift();
      if (local + next.count === next.pts) {
        setPts(box, next.pts);
        out.push(next.item);
      }
    }
    if (queue?.length === 0) waiting.delete(box);
    return out;
  };

  const wait = (entry: Sequenced<T>) => {
    const queue = waiting.get(entry.box) ?? [];
    if (queue.some((w) => w.pts === entry.pts && w.count === entry.count)) return;
    if (queue.length >= MAX_WAITING) return;
    const at = queue.findIndex((w) => w.pts > entry.pts);
    queue.splice(at === -1 ? queue.length : at, 0, entry);
    waiting.set(entry.box, queue);
  };

  const offer = (entry: Entry<T>): T[] => {
    if (entry.box === undefined) return [entry.item];
    const local = ptsOf(entry.box);
    if (local === undefined) return [];
    if (local + entry.count === entry.pts) {
      setPts(entry.box, entry.pts);
      return [entry.item, ...drain(entry.box)];
    }
    if (local + entry.count < entry.pts) wait(entry);
    return [];
  };

  /** A container's updates applied in their own order (pts checks still apply to each). */
  const applyAll = (container: Container<T>) => container.entries.flatMap(offer);
  /** A container whose seq was applied: its unordered updates went with it, the rest are checked. */
  const applyCovered = (container: Container<T>) =>
    container.entries.flatMap((e) => (e.box === undefined ? [] : offer(e)));

  const drainContainers = (): T[] => {
    const out: T[] = [];
    while (account && waitingContainers.length > 0) {
      const next = waitingContainers[0]!;
      if (account.seq + 1 < next.seqStart) break;
      waitingContainers.shift();
      if (account.seq + 1 === next.seqStart) {
        out.push(...applyAll(next));
        advanceSeq(account, next.seq, next.date);
      } else out.push(...applyCovered(next));
    }
    return out;
  };

  return {
    pts: ptsOf,
    get account() {
      return account ? { ...account } : undefined;
    },
    settle(box, pts) {
      if (box === ACCOUNT_BOX && !account) return [];
      setPts(box, pts);
      return drain(box);
    },
    setAccount(state) {
      const same =
        account?.pts === state.pts &&
        account.qts === state.qts &&
        account.date === state.date &&
        account.seq === state.seq;
      if (!same) version++;
      account = { ...state };
      return [...drain(ACCOUNT_BOX), ...drainContainers()];
    },
    offer,
    offerContainer(container) {
      if (container.seq === 0 || !account) return applyAll(container);
      const seqStart = container.seqStart || container.seq;
      if (account.seq + 1 === seqStart) {
        const out = applyAll(container);
        advanceSeq(account, container.seq, container.date);
        return [...out, ...drainContainers()];
      }
      if (account.seq + 1 > seqStart) return applyCovered(container);
      if (!waitingContainers.some((c) => c.seqStart === seqStart)) {
        const at = waitingContainers.findIndex((c) => c.seqStart > seqStart);
        waitingContainers.splice(at === -1 ? waitingContainers.length : at, 0, container);
      }
      return [];
    },
    gaps() {
      const boxes = [...waiting.keys()];
      if (waitingContainers.length > 0 && !boxes.includes(ACCOUNT_BOX)) boxes.push(ACCOUNT_BOX);
      return boxes;
    },
    snapshot() {
      return {
        ...(account ? { account: { ...account } } : {}),
        channels: Object.fromEntries(channels),
      };
    },
    version: () => version,
  };
}
