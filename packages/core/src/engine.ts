import type { ChatRef } from './chat.js';
import { systemClock } from './clock.js';
import { commandParams, type FetchCommand } from './command.js';
import { readComments } from './comments-run.js';
import type { DayDocument, DayProgress, DayWindow } from './day.js';
import { AbortError, type TgfetchError, toTgfetchError, ZoneConflictError } from './errors.js';
import {
  type CompletedEvent,
  type DaySummary,
  type FailedEvent,
  type FetchEvent,
  failedEvent,
} from './events.js';
import { compareMessages, messageTime, type TgMessage, type TgPeer } from './message.js';
import { commandTimeZone, planDays } from './plan.js';
import type {
  ChatLock,
  Clock,
  EventSink,
  MessageSource,
  MessageStore,
  ProgressStore,
  SourceCoverage,
} from './ports.js';
import { decideRetry, defaultRetryPolicy, type RetryPolicy } from './retry.js';

export interface FetchPorts {
  source: MessageSource;
  store: MessageStore;
  progress: ProgressStore;
  events: EventSink;
  /** Keeps two fetches off one chat; none needed when one engine runs one command at a time. */
  lock?: ChatLock;
}

/** Told before every wait, so that a CLI can show a flood-wait countdown and a daemon count it. */
export interface RetryNotice {
  command_id: string;
  chat: ChatRef;
  error: TgfetchError;
  /** Failures in a row since the last message received. */
  attempt: number;
  delayMs: number;
  /** Epoch ms when the wait ends. */
  until: number;
}

export interface RunOptions {
  signal?: AbortSignal;
  /** Zone of the days when the command has no `options.tz`. @default 'UTC' */
  timeZone?: string;
  /** Carried by every event. @default 'embedded' */
  workerId?: string;
  retry?: Partial<RetryPolicy>;
  clock?: Clock;
  /** [0, 1) source for jitter. @default Math.random */
  random?: () => number;
  onRetry?: (notice: RetryNotice) => void;
  /**
   * Read the comments of a broadcast channel's posts too, for commands that do not say
   * (`options.comments`): see `readComments`. @default false
   */
  comments?: boolean;
}

export type FetchOutcome = CompletedEvent | FailedEvent;

/**
 * Runs one command: plans its days, skips those already complete (unless `force`) whose
 * stored copy still matches its record, leaves out days the source does not cover (and
 * never completes the edge days of its span), walks the source newest first, hands each
 * finished day to the store whole, records complete days, and publishes `started`, one
 * `progress` per planned day (newest first; days the `limit` kept it from are
 * `not_reached`), then `completed` or `failed`.
 *
 * Resolves with the final event (also published). Rejects, having published no final
 * event, with `AbortError` when `signal` aborts, or with the error of `ports.events` when
 * an event cannot be published (see `EventSink`): the command was not done, and whoever
 * handed it over should hand it out again. Days stored before either stay stored.
 */
export async function runFetch(
  command: FetchCommand,
  ports: FetchPorts,
  options: RunOptions = {},
): Promise<FetchOutcome> {
  const run = new FetchRun(command, ports, options);
  return run.execute();
}

class FetchRun {
  #command: FetchCommand;
  /** The chat as the producer named it (`#command.chat` becomes the canonical one). */
  readonly #requested: ChatRef;
  readonly #ports: FetchPorts;
  readonly #options: RunOptions;
  readonly #clock: Clock;
  readonly #signal: AbortSignal;
  readonly #policy: RetryPolicy;
  readonly #timeZone: string;
  readonly #days: DaySummary[] = [];
  #startedAt = 0;
  #processed = 0;
  #errors = 0;
  #budget: number;
  /** The command reads comments too (its own option, else the runner's default). */
  readonly #comments: boolean;
  /** Why the event sink failed, once it has: the run stops there (see `#publish`). */
  #sinkError: TgfetchError | undefined;

  constructor(command: FetchCommand, ports: FetchPorts, options: RunOptions) {
    this.#command = command;
    this.#requested = command.chat;
    this.#ports = ports;
    this.#options = options;
    this.#clock = options.clock ?? systemClock;
    this.#signal = options.signal ?? new AbortController().signal;
    this.#policy = { ...defaultRetryPolicy, ...options.retry };
    this.#timeZone = commandTimeZone(command, options.timeZone);
    this.#budget = command.limit ?? Number.POSITIVE_INFINITY;
    this.#comments = command.options.comments ?? options.comments ?? false;
  }

  async execute(): Promise<FetchOutcome> {
    this.#checkAbort();
    this.#startedAt = this.#clock.now();
    try {
      this.#command = { ...this.#command, chat: await this.#canonicalChat() };
    } catch (error) {
      if (this.#signal.aborted) throw new AbortError();
      return this.#finish(failedEvent({ ...this.#base(), error, days: [] }));
    }
    const release = await this.#ports.lock?.acquire(this.#command.chat, this.#signal);
    try {
      this.#startedAt = this.#clock.now();
      // Newest first everywhere (started.dates, progress, completed.days): the order of a
      // history walk, so that progress comes as days finish and `limit` keeps the newest.
      const days = planDays(this.#command, {
        now: this.#startedAt,
        timeZone: this.#timeZone,
      }).reverse();
      await this.#publish({
        ...this.#base(),
        event: 'started',
        status: 'running',
        dates: days.map((d) => d.date),
      });
      try {
        await this.#fetchDays(days);
        if (this.#comments) await this.#readComments();
      } catch (error) {
        this.#checkEnded();
        return await this.#finish(failedEvent({ ...this.#base(), error, days: [...this.#days] }));
      }
      return await this.#finish({
        ...this.#base(),
        event: 'completed',
        status: 'completed',
        days: [...this.#days],
      });
    } finally {
      await release?.();
    }
  }

  /**
   * One chat, one identity: the source names the chat canonically (a username and the
   * chat's numeric id give the same answer) before anything is locked, stored or announced.
   */
  async #canonicalChat(): Promise<ChatRef> {
    const { source } = this.#ports;
    if (!source.resolveChat) return this.#command.chat;
    for (let attempt = 1; ; attempt++) {
      try {
        return await source.resolveChat(this.#command.chat, this.#signal);
      } catch (error) {
        if (this.#signal.aborted) throw new AbortError();
        this.#errors++;
        await this.#backOff(error, attempt);
      }
    }
  }

  /** Waits as the retry policy says, or throws the error when it says not to retry. */
  async #backOff(error: unknown, attempt: number): Promise<void> {
    const decision = decideRetry(error, attempt, this.#policy, this.#options.random);
    if (!decision.retry) throw decision.error;
    const until = this.#clock.now() + decision.delayMs;
    this.#options.onRetry?.({
      command_id: this.#command.command_id,
      chat: this.#command.chat,
      error: decision.error,
      attempt,
      delayMs: decision.delayMs,
      until,
    });
    await this.#clock.sleep(decision.delayMs, this.#signal);
  }

  /** The comments of the posts of every stored day of the command (see `readComments`). */
  async #readComments(): Promise<void> {
    const stored = this.#days.filter(
      (d) => d.outcome !== 'not_covered' && d.outcome !== 'not_reached',
    );
    await readComments({
      chat: this.#command.chat,
      timeZone: this.#timeZone,
      days: stored.map((d) => ({ date: d.date, fetched: !d.skipped })),
      source: this.#ports.source,
      store: this.#ports.store,
      progress: this.#ports.progress,
      lock: this.#ports.lock,
      clock: this.#clock,
      signal: this.#signal,
      backOff: (error, attempt) => this.#backOff(error, attempt),
      failed: () => {
        this.#errors++;
      },
    });
  }

  /** `days` newest first: decides each day's fate, then walks the days to fetch in order. */
  async #fetchDays(days: DayWindow[]): Promise<void> {
    const planned = await this.#triage(days);
    let i = 0;
    while (i < planned.length) {
      const item = planned[i]!;
      if (item.kind !== 'fetch') {
        await this.#report(item.summary);
        i++;
        continue;
      }
      // A run: consecutive days to fetch (one day each with `per_day`), newest first.
      const run = [item];
      while (
        this.#command.strategy === 'batch' &&
        planned[i + run.length]?.kind === 'fetch' &&
        planned[i + run.length]!.day.end === run[run.length - 1]!.day.start
      ) {
        run.push(planned[i + run.length] as FetchItem);
      }
      i += run.length;
      const unreached = this.#budget > 0 ? await this.#walk(run.reverse()) : run.reverse();
      for (const left of unreached.reverse()) {
        await this.#report(this.#unstored(left.day, 'not_reached'));
      }
    }
  }

  /**
   * What to do with each day: skip it (recorded complete, and the stored copy agrees),
   * report it not covered by the source, or fetch it (with the repair that made it so).
   */
  async #triage(days: DayWindow[]): Promise<PlannedDay[]> {
    const { chat, options } = this.#command;
    const dates = days.map((d) => d.date);
    // Asked even with `force`: a chat stored in another zone is refused, never mixed.
    const recorded = await this.#ports.progress.completed(chat, dates, this.#timeZone);
    const coverage = this.#ports.source.coverage
      ? await this.#ports.source.coverage(chat, this.#signal)
      : undefined;
    const planned: PlannedDay[] = [];
    for (const day of days) {
      const record = options.force ? undefined : recorded.get(day.date);
      const problem = record && (await this.#verify(day, record));
      if (record && problem === undefined) {
        const summary = {
          date: day.date,
          count: record.count,
          file_path: this.#filePath(record.location),
          skipped: true,
          complete: true,
          outcome: 'skipped' as const,
        };
        planned.push({ kind: 'report', day, summary });
      } else if (coverage !== undefined && !covers(coverage, day)) {
        const summary = this.#unstored(day, 'not_covered');
        if (problem !== undefined) summary.repair = problem;
        planned.push({ kind: 'report', day, summary });
      } else {
        planned.push({
          kind: 'fetch',
          day,
          ...(problem === undefined ? {} : { repair: problem }),
          ...(coverage && knownInPart(coverage, day) ? { inPart: true } : {}),
        });
      }
    }
    return planned;
  }

  /**
   * Why a day recorded complete cannot be skipped, or undefined when its stored copy is
   * there, whole, of this zone and as big as recorded. Progress alone is never trusted:
   * a file deleted or truncated behind the store's back is fetched again.
   */
  async #verify(day: DayWindow, record: DayProgress): Promise<string | undefined> {
    const { chat } = this.#command;
    if (record.time_zone !== undefined && record.time_zone !== this.#timeZone) {
      throw new ZoneConflictError(chat, record.time_zone, this.#timeZone);
    }
    let stored: DayDocument | undefined;
    try {
      stored = await this.#ports.store.readDay(chat, day.date);
    } catch (error) {
      this.#checkAbort();
      const e = toTgfetchError(error);
      if (e.retryable) throw e;
      return `the stored copy cannot be read (${e.code}): ${e.message}`;
    }
    if (!stored) return 'recorded complete, but no stored copy was found';
    if (stored.time_zone !== this.#timeZone) {
      throw new ZoneConflictError(chat, stored.time_zone, this.#timeZone);
    }
    if (!stored.complete || stored.messages.length !== record.count) {
      return `the stored copy holds ${stored.messages.length} message(s)${stored.complete ? '' : ' and is not complete'}, progress recorded ${record.count}`;
    }
    return undefined;
  }

  #unstored(day: DayWindow, outcome: 'not_covered' | 'not_reached'): DaySummary {
    return { date: day.date, count: 0, file_path: '', skipped: false, complete: false, outcome };
  }

  async #report(summary: DaySummary): Promise<void> {
    this.#days.push(summary);
    await this.#publish({ ...this.#base(), event: 'progress', status: 'running', ...summary });
  }

  #filePath(location: string): string {
    return this.#ports.store.filePath?.(location) ?? location;
  }

  /**
   * One history walk over consecutive days (ascending), newest message first. Returns the
   * days the limit kept it from reaching (ascending).
   */
  async #walk(items: FetchItem[]): Promise<FetchItem[]> {
    const run = items.map((item) => item.day);
    const first = run[0]!;
    const last = run[run.length - 1]!;
    let index = run.length - 1;
    let bucket: TgMessage[] = [];
    let cursor: Cursor | undefined;
    let attempt = 0;
    let cut = false;

    const flushNewerThan = async (time: number) => {
      while (index >= 0 && time < run[index]!.start) {
        await this.#storeDay({ item: items[index]!, messages: bucket, whole: true });
        bucket = [];
        index--;
      }
    };

    for (;;) {
      try {
        const request = {
          chat: this.#command.chat,
          from: first.start,
          to: last.end,
          ...(cursor === undefined ? {} : { beforeId: cursor.id }),
          ...(cursor?.peer === undefined ? {} : { beforePeer: cursor.peer }),
          ...(Number.isFinite(this.#budget) ? { limit: this.#budget } : {}),
        };
        for await (const message of this.#ports.source.messages(request, this.#signal)) {
          this.#checkAbort();
          const time = messageTime(message);
          if (!(time >= first.start && time < last.end)) continue;
          if (cursor && !isBefore(message, cursor)) continue;
          await flushNewerThan(time);
          attempt = 0;
          cursor = message.peer ? { id: message.id, peer: message.peer } : { id: message.id };
          this.#budget--;
          if (time < run[index]!.end) bucket.push(message);
          else await this.#storeStray(run, message);
          if (this.#budget <= 0) {
            cut = true;
            break;
          }
        }
        break;
      } catch (error) {
        this.#checkEnded();
        this.#errors++;
        attempt++;
        await this.#backOff(error, attempt);
      }
    }
    // A source that simply stops when aborted must not make the days left look empty.
    this.#checkAbort();
    if (cut) {
      // The day the limit cut into is stored, but not as complete; older days were not reached.
      await this.#storeDay({ item: items[index]!, messages: bucket, whole: false });
      return items.slice(0, index);
    }
    await flushNewerThan(Number.NEGATIVE_INFINITY);
    return [];
  }

  /** A message newer than the day in hand (sources may order same-second posts loosely). */
  async #storeStray(run: DayWindow[], message: TgMessage): Promise<void> {
    const time = messageTime(message);
    const day = run.find((d) => time >= d.start && time < d.end);
    if (day)
      await this.#storeDay({ item: { kind: 'fetch', day }, messages: [message], late: true });
  }

  /**
   * Hands a day to the store, records it when complete (the one write of its progress
   * record: a store only drops a record its write makes untrue), and reports it.
   */
  async #storeDay({ item, messages, whole = false, late = false }: StoreDayOptions): Promise<void> {
    this.#checkAbort();
    const { day } = item;
    const { chat } = this.#command;
    const fetchedAt = new Date(this.#clock.now()).toISOString();
    const done = whole && day.ended && item.inPart !== true;
    const result = await this.#ports.store.writeDay({
      chat,
      date: day.date,
      time_zone: this.#timeZone,
      fetched_at: fetchedAt,
      complete: done,
      count: messages.length,
      messages: [...messages].sort(compareMessages),
      // A run with comments writes their record once they are read (`#readComments`).
      ...(this.#comments ? {} : { comments: { status: 'off' as const } }),
    });
    // A late message joins a day already reported: it stays complete if it was (stores
    // keep `complete` once set), and its summary and record follow a new count.
    const earlier = late ? this.#days.find((d) => d.date === day.date) : undefined;
    const complete = earlier ? earlier.complete : done;
    if (complete && result.count !== earlier?.count) {
      await this.#ports.progress.markComplete(chat, {
        date: day.date,
        count: result.count,
        location: result.location,
        fetched_at: fetchedAt,
        time_zone: this.#timeZone,
      });
    }
    if (earlier) {
      this.#processed += result.count - earlier.count;
      earlier.count = result.count;
      return;
    }
    if (late) return;
    this.#processed += result.count;
    const repairs = [
      ...(item.repair === undefined ? [] : [item.repair]),
      ...(result.repairs ?? []),
    ];
    const summary: DaySummary = {
      date: day.date,
      count: result.count,
      file_path: this.#filePath(result.location),
      skipped: false,
      complete,
      outcome: complete ? 'stored' : 'partial',
      ...(repairs.length > 0 ? { repair: repairs.join('; ') } : {}),
    };
    await this.#report(summary);
  }

  #base() {
    const c = this.#command;
    return {
      command_id: c.command_id,
      chat: c.chat,
      requested_chat: this.#requested,
      mode: c.mode,
      params: commandParams(c),
      processed: this.#processed,
      errors: this.#errors,
      duration_sec: Math.round(this.#clock.now() - this.#startedAt) / 1000,
      ts: new Date(this.#clock.now()).toISOString(),
      worker_id: this.#options.workerId ?? 'embedded',
    };
  }

  async #finish<E extends FetchOutcome>(event: E): Promise<E> {
    await this.#publish(event);
    return event;
  }

  /**
   * A sink that fails ends the run (see `EventSink`): the error is kept so that no retry
   * of the walk and no `failed` event (through the same sink) takes it for a fetch error.
   */
  async #publish(event: FetchEvent): Promise<void> {
    if (this.#sinkError) throw this.#sinkError;
    try {
      await this.#ports.events.publish(event);
    } catch (error) {
      this.#sinkError = toTgfetchError(error);
      throw this.#sinkError;
    }
  }

  /** Rethrows what ends the run as it is: an abort, or the event sink's failure. */
  #checkEnded(): void {
    if (this.#signal.aborted) throw new AbortError();
    if (this.#sinkError) throw this.#sinkError;
  }

  #checkAbort(): void {
    if (this.#signal.aborted) throw new AbortError();
  }
}

interface StoreDayOptions {
  item: FetchItem;
  /** Messages fetched for the day in this walk; the store merges them with its copy. */
  messages: TgMessage[];
  /**
   * The walk saw the whole day (not cut by `limit`): complete once the day has ended,
   * unless the source knows it only in part.
   */
  whole?: boolean;
  /**
   * A message that came after its day was stored and reported (sources may order
   * same-second posts loosely): merged in, the day's summary updated, nothing reported.
   */
  late?: boolean;
}

interface FetchItem {
  kind: 'fetch';
  day: DayWindow;
  /** Why a day recorded complete is fetched again. */
  repair?: string;
  /** An edge day of the source's coverage: stored, never complete (see `SourceCoverage`). */
  inPart?: true;
}

type PlannedDay = FetchItem | { kind: 'report'; day: DayWindow; summary: DaySummary };

/** Whether a source that holds `coverage` knows the day (see `SourceCoverage`). */
function covers(coverage: SourceCoverage, day: DayWindow): boolean {
  return coverage !== null && day.end > coverage.first && day.start <= coverage.last;
}

/** Whether a covered day is an edge day the source knows only in part (see `SourceCoverage`). */
function knownInPart(coverage: NonNullable<SourceCoverage>, day: DayWindow): boolean {
  const holds = (time: number) => time >= day.start && time < day.end;
  return holds(coverage.last) || (holds(coverage.first) && coverage.fromStart !== true);
}

/** Where a walk got to: the last message taken, and its peer when not the chat's own. */
interface Cursor {
  id: number;
  peer?: TgPeer;
}

/**
 * Whether a message comes after the cursor in walk order (newest first): the chat's own
 * messages by id, then those of an earlier peer (a migrated group), which are all older.
 */
function isBefore(message: TgMessage, cursor: Cursor): boolean {
  if (!cursor.peer) return message.peer !== undefined || message.id < cursor.id;
  if (!message.peer) return false;
  const samePeer =
    message.peer.kind === cursor.peer.kind && String(message.peer.id) === String(cursor.peer.id);
  return samePeer && message.id < cursor.id;
}
