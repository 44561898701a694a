export {
  type AppliedDay,
  type AppliedKind,
  type AppliedMessage,
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
  type ChatCommand,
  CommandError,
  type CommandIssue,
  type CommandOptions,
  type CommandParams,
  commandParams,
  type FetchCommand,
  type FetchCommandInput,
  type FollowCommand,
  type HandledCommand,
  type Mode,
  type ParseOptions,
  type ParseResult,
  parseCommand,
  parseWireCommand,
  type RejectedCommand,
  type Strategy,
  type UnfollowCommand,
  unsupportedCommand,
  type WireCommand,
  type WireParseResult,
} from './command.js';
export {
  CHAT_COMMANDS,
  type ChatCommandInput,
  ChatSchema,
  CommandOptionsSchema,
  DateCommandSchema,
  DaysCommandSchema,
  FetchCommandInputSchema,
  FollowCommandSchema,
  LegacyCommandSchema,
  MAX_COMMAND_BYTES,
  MAX_COMMAND_DEPTH,
  MAX_DAYS,
  MAX_LIMIT,
  RangeCommandSchema,
  UnfollowCommandSchema,
  WIRE_COMMANDS,
  type WireCommandName,
} from './command-schema.js';
export { CommandWireSchema } from './command-wire-schema.js';
export {
  type CommentCost,
  type CommentCostInput,
  commentReadCost,
} from './comment-cost.js';
export {
  COMMENT_STATUSES,
  type CommentStatus,
  type DayComments,
  type DayDocument,
  type DayProgress,
  type DayWindow,
  type DayWriteResult,
  mergeDayComments,
} from './day.js';
export { deadLetterEvent } from './dead-letter.js';
export { withDeadline } from './deadline.js';
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
  LEASE_ERROR_CODES,
  LeaseErrorCode,
  SCHEDULE_ERROR_CODES,
  ScheduleErrorCode,
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
  isFetchEvent,
  type ProgressEvent,
  ProgressEventSchema,
  parseEvent,
  parseWireEvent,
  type StartedEvent,
  StartedEventSchema,
  type UnknownEvent,
  unknownEvent,
  type WireEvent,
  type WireEventName,
  WireEventSchema,
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
  type HeldLeases,
  type HoldLeasesOptions,
  holdLeases,
  type LeaseChange,
} from './hold-leases.js';
export { type KeepLeaseOptions, keepLease } from './keep-lease.js';
export { createLease, type LeaseControl, type LeaseInit } from './lease-handle.js';
export {
  type AcquireLeaseOptions,
  assertLeaseName,
  assertLeaseTtl,
  type Lease,
  type Leases,
  MAX_LEASE_NAME_LENGTH,
  MAX_LEASE_TTL_MS,
  MIN_LEASE_TTL_MS,
} from './leases.js';
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
export { createMemoryLeases, type MemoryLeasesOptions } from './memory/leases.js';
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
  type TgCommentOf,
  type TgEntity,
  type TgForward,
  type TgMedia,
  type TgMessage,
  type TgPeer,
  type TgPeerKind,
  type TgPostComments,
  type TgReaction,
  type TgReplyToPeer,
  tombstone,
} from './message.js';
export {
  type DeletedMessageEvent,
  DeletedMessageEventSchema,
  type EditedMessageEvent,
  EditedMessageEventSchema,
  EVENT_SCHEMA_DEFINITIONS,
  MAX_MESSAGE_EVENT_BYTES,
  MESSAGE_EVENT_NAMES,
  type MessageChangeEvent,
  type MessageEventName,
  MessageEventSchema,
  type MessageEventsInit,
  messageEvents,
  type NewMessageEvent,
  NewMessageEventSchema,
} from './message-events.js';
export { messageIssues, TgMessageSchema, TgPeerSchema } from './message-schema.js';
export { commandTimeZone, type PlanOptions, planDays } from './plan.js';
export type {
  ChatLock,
  Clock,
  CommentedPost,
  CommentsBatch,
  CommentsRequest,
  Discussion,
  EventSink,
  FoundMessage,
  HistoryRequest,
  MessageSearch,
  MessageSearchResult,
  MessageSource,
  MessageStore,
  ProgressStore,
  SourceCoverage,
  WireEventSink,
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
export { type CommandHandlers, type RunCommandOptions, runCommand } from './run-command.js';
export {
  parseScheduleCommand,
  type RejectedScheduleCommand,
  SCHEDULE_ACTIONS,
  type ScheduleAction,
  ScheduleAddCommandSchema,
  type ScheduleCommand,
  type ScheduleCommandParseOptions,
  type ScheduleCommandParseResult,
  ScheduleCommandWireSchema,
  ScheduleNamedCommandSchema,
  scheduleCommandWire,
} from './schedule-command.js';
export {
  type ScheduledEvent,
  type ScheduledEventInit,
  ScheduledEventSchema,
  scheduledEvent,
} from './schedule-event.js';
export {
  commandsForTick,
  parseScheduleCommandId,
  scheduleCommandId,
  scheduleDaysZone,
  type TickCommandsOptions,
  tickDays,
} from './schedule-runs.js';
export {
  DEFAULT_CATCH_UP_DAYS,
  MAX_CRON_LENGTH,
  MAX_EVERY_SECONDS,
  MAX_SCHEDULE_CHATS,
  MAX_SCHEDULE_DAYS,
  MAX_SCHEDULE_NAME_LENGTH,
  MIN_EVERY_SECONDS,
  SCHEDULE_NAME_PATTERN,
  type ScheduleInput,
  ScheduleInputSchema,
  ScheduleNameSchema,
  type ScheduleOptions,
} from './schedule-schema.js';
export {
  countTicks,
  durationSeconds,
  formatDuration,
  jitterOffset,
  nextTick,
  type TickPattern,
  tickAtOrBefore,
} from './schedule-ticks.js';
export {
  parseSchedule,
  type Schedule,
  ScheduleError,
  type ScheduleIssue,
  type ScheduleParseOptions,
  type ScheduleParseResult,
} from './schedules.js';
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
