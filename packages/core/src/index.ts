export {
  type AppliedDay,
  type ApplyOptions,
  type ApplyPorts,
  type ApplyResult,
  applyChanges,
  type UnlocatedDeletion,
} from './apply-changes.js';
export { type Backoff, backoffDelay, type Jitter, jittered } from './backoff.js';
export type {
  ChangeBatch,
  ChangeRequest,
  ChangeSource,
  DeletedMessagesChange,
  EditedMessageChange,
  JsonValue,
  MessageChange,
  NewMessageChange,
  ResumePoint,
  ResumeStore,
} from './changes.js';
export {
  type ChatParseResult,
  type ChatRef,
  chatKey,
  isNumericChat,
  MAX_CHAT_LENGTH,
  parseChat,
} from './chat.js';
export {
  createVirtualClock,
  systemClock,
  type VirtualClock,
  type VirtualClockOptions,
} from './clock.js';
export {
  CommandError,
  type CommandIssue,
  type CommandOptions,
  type CommandParams,
  commandParams,
  type FetchCommand,
  type FetchCommandInput,
  type Mode,
  type ParseOptions,
  type ParseResult,
  parseCommand,
  type RejectedCommand,
  type Strategy,
} from './command.js';
export {
  ChatSchema,
  CommandOptionsSchema,
  CommandWireSchema,
  DateCommandSchema,
  DaysCommandSchema,
  FetchCommandInputSchema,
  LegacyCommandSchema,
  MAX_COMMAND_BYTES,
  MAX_COMMAND_DEPTH,
  MAX_DAYS,
  MAX_LIMIT,
  RangeCommandSchema,
} from './command-schema.js';
export type { DayDocument, DayProgress, DayWindow, DayWriteResult } from './day.js';
export { deadLetterEvent } from './dead-letter.js';
export { deliveryKey, stableCommandId } from './delivery-id.js';
export { echo, MAX_ECHO_LENGTH } from './echo.js';
export {
  type FetchOutcome,
  type FetchPorts,
  type RetryNotice,
  type RunOptions,
  runFetch,
} from './engine.js';
export {
  COMMAND_ERROR_CODES,
  CORE_ERROR_CODES,
  CommandErrorCode,
  type CoreErrorCode,
  DELIVERY_ERROR_CODES,
  DeliveryErrorCode,
  ENGINE_ERROR_CODES,
  EngineErrorCode,
  SOURCE_ERROR_CODES,
  SourceErrorCode,
  STORE_ERROR_CODES,
  StoreErrorCode,
} from './error-codes.js';
export {
  type ErrorCodeInfo,
  type ErrorCodeRow,
  type ErrorCodeTable,
  errorCodeTable,
  retryableIn,
} from './error-table.js';
export {
  AbortError,
  type ErrorBuilder,
  type ErrorInfo,
  errorBuilder,
  errorInfo,
  FatalError,
  FloodWaitError,
  TgfetchError,
  type TgfetchErrorOptions,
  TransientError,
  toTgfetchError,
  UnreachableError,
  ZoneConflictError,
} from './errors.js';
export {
  type CompletedEvent,
  CompletedEventSchema,
  DAY_OUTCOMES,
  type DayOutcome,
  type DaySummary,
  DaySummarySchema,
  ErrorInfoSchema,
  type FailedEvent,
  type FailedEventInit,
  FailedEventSchema,
  type FetchEvent,
  type FetchEventName,
  FetchEventSchema,
  failedEvent,
  type ProgressEvent,
  ProgressEventSchema,
  parseEvent,
  type StartedEvent,
  StartedEventSchema,
} from './events.js';
export {
  BigIdSchema,
  DayFileSchema,
  DayJsonlHeaderSchema,
  MessageSchema,
  ProgressFileSchema,
} from './file-schemas.js';
export { type FollowOptions, type FollowPorts, followChanges } from './follow-changes.js';
export {
  LegacyEventSchema,
  LegacyFetchCompleteSchema,
  LegacyFetchFailedSchema,
} from './legacy-event-schema.js';
export {
  createMemoryChangeSource,
  createMemoryResumeStore,
  type MemoryChangeSource,
  type MemoryChangeSourceOptions,
} from './memory/changes.js';
export { createMemoryEventSink, type MemoryEventSink } from './memory/events.js';
export { createMemoryLock } from './memory/lock.js';
export {
  createMemoryQueue,
  type MemoryQueue,
  type MemoryQueueOptions,
} from './memory/queue.js';
export { createMemoryRateMemory } from './memory/rate-memory.js';
export {
  createMemorySource,
  type MemorySource,
  type MemorySourceOptions,
} from './memory/source.js';
export { createMemoryProgress, createMemoryStore, type MemoryStore } from './memory/store.js';
export {
  type BigId,
  compareMessages,
  isoSeconds,
  mergeMessage,
  mergeMessages,
  messageKey,
  messageTime,
  type TgEntity,
  type TgForward,
  type TgMedia,
  type TgMessage,
  type TgPeer,
  type TgPeerKind,
  type TgReaction,
  type TgReplyToPeer,
  tombstone,
} from './message.js';
export { messageIssues, TgMessageSchema, TgPeerSchema } from './message-schema.js';
export { commandTimeZone, type PlanOptions, planDays } from './plan.js';
export type {
  ChatLock,
  Clock,
  EventSink,
  HistoryRequest,
  MessageSource,
  MessageStore,
  ProgressStore,
  SourceCoverage,
} from './ports.js';
export {
  type CommandQueue,
  chatBusyError,
  type Delivery,
  type QueueState,
  type ReleaseOptions,
} from './queue.js';
export {
  asLearnedRate,
  checkRateRecord,
  type LearnedRate,
  type RateMemory,
} from './rate-memory.js';
export { decideRetry, defaultRetryPolicy, type RetryDecision, type RetryPolicy } from './retry.js';
export { runCommand } from './run-command.js';
export { commandFromStreamFields, STREAM_PAYLOAD_FIELD } from './stream-fields.js';
export {
  addDays,
  canonicalZone,
  dateInZone,
  daysBetween,
  type IsoDate,
  isIsoDate,
  isTimeZone,
  startOfDay,
  zoneOffset,
} from './time-zone.js';
export { TIME_ZONE_DATA, TIME_ZONE_NAMES } from './time-zone-names.js';
export { createWorker, type Worker, type WorkerOptions } from './worker.js';
