/**
 * `@tgfetch/console`: the archive, the queue and the workers in a browser. Hand it opened
 * parts (a store, redis-transport's queue inspector and event log) and it serves pages;
 * it opens and closes none of them.
 */
export { CONSOLE_ERROR_CODES, ConsoleErrorCode } from './error-codes.js';
export { escapeHtml, safeHref } from './html.js';
export { type ConsoleOptions, isLoopback, type SearchCost } from './options.js';
export type {
  ConsoleEvents,
  ConsoleQueue,
  ConsoleStore,
  FoundMessage,
  LoggedEvent,
  MessageSearch,
  MessageSearchResult,
  QueuedCommand,
  QueuedPage,
  QueueWorker,
} from './ports.js';
export { createConsoleServer, type RunningConsole, startConsole } from './server.js';
