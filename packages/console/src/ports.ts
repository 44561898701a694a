import type {
  ChatRef,
  DayProgress,
  FetchEvent,
  FoundMessage,
  IsoDate,
  MessageSearch,
  MessageSearchResult,
  MessageStore,
  QueueState,
} from '@tgfetch/core';

export type { FoundMessage, MessageSearch, MessageSearchResult };

/**
 * What the console is handed, as the shapes it needs: the daemon opens the real parts
 * (a file or PostgreSQL store, redis-transport's queue inspector and event log) and passes
 * them in; the console opens nothing and closes none of them.
 */

/** A store that can say what it holds: the file store and the PostgreSQL store both can. */
export interface ConsoleStore extends MessageStore {
  /** Chats with a day stored, sorted. */
  listChats(): Promise<ChatRef[]>;
  /** Dates with a day stored for a chat, sorted. */
  listDays(chat: ChatRef): Promise<IsoDate[]>;
  /** The complete days recorded for a chat. Absent: each day's own `complete` is read. */
  listProgress?(chat: ChatRef): Promise<DayProgress[]>;
  zoneOf?(chat: ChatRef): Promise<string | undefined>;
  /** An indexed search (PostgreSQL's); absent, the console scans day files, bounded. */
  searchMessages?(search: MessageSearch): Promise<MessageSearchResult>;
}

/** A command as a queue holds it (redis-transport's `InspectedCommand`). */
export interface QueuedCommand {
  ref: string;
  payload: string;
  commandId?: string;
  deliveries?: number;
  idleMs?: number;
}

export interface QueuedPage {
  total: number;
  commands: QueuedCommand[];
}

export interface QueueWorker {
  worker: string;
  alive: boolean;
  heartbeatTtlMs?: number;
  idleMs?: number;
  held: QueuedCommand[];
  heldCount: number;
}

/** The queue as a person inspects it (redis-transport's `createQueueInspector`). */
export interface ConsoleQueue {
  readonly transport: 'list' | 'stream';
  readonly queue: string;
  waiting(limit: number): Promise<QueuedPage>;
  workers(limit: number): Promise<QueueWorker[]>;
  deadLetters(limit: number): Promise<QueuedPage>;
  retryDead(ref: string): Promise<boolean>;
  retryAllDead(limit?: number): Promise<number>;
  discardDead(ref: string): Promise<boolean>;
  /** Validates and pushes a command; its `command_id`. */
  send(command: unknown): Promise<string>;
  state(): QueueState;
}

/** One entry of the events stream (redis-transport's `LoggedEvent`). */
export interface LoggedEvent {
  id: string;
  event: FetchEvent | undefined;
  payload: string;
}

/** The events stream read as a log (redis-transport's `openEventLog`). */
export interface ConsoleEvents {
  recent(count: number): Promise<LoggedEvent[]>;
  after(id: string, count: number): Promise<LoggedEvent[]>;
  lastId(): Promise<string>;
  wait(id: string, blockMs: number, count?: number): Promise<LoggedEvent[]>;
  state(): QueueState;
}
