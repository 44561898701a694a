export {
  type CommandClient,
  type CommandClientOptions,
  CommandFailedError,
  createCommandClient,
  type RunCommandOptions,
} from './command-client.js';
export {
  type Connection,
  type ConnectionOptions,
  type ConnectionState,
  openConnection,
  type RedisClient,
} from './connection.js';
export {
  FollowErrorCode,
  MessagesStreamErrorCode,
  REDIS_ERROR_CODES,
  RedisErrorCode,
  ResumeErrorCode,
  ScheduleStoreErrorCode,
  toRedisError,
} from './errors.js';
export {
  type EventLog,
  type EventLogOptions,
  type LoggedEvent,
  openEventLog,
} from './event-log.js';
export {
  createEventStreamReader,
  type EventStreamReader,
  type EventStreamReaderOptions,
  type StreamEvent,
} from './event-reader.js';
export {
  createRedisEventSink,
  type RedisEventSink,
  type RedisEventSinkOptions,
} from './event-sink.js';
export {
  anyFollowed,
  createFollowSet,
  type FollowEntry,
  type FollowSet,
  type FollowSetOptions,
  type FollowSnapshot,
  type FollowWatch,
  type FollowWatchOptions,
  type InvalidFollowField,
  MAX_ACCOUNT_LENGTH,
} from './follow-set.js';
export { createRedisLeases, type RedisLeasesOptions } from './leases.js';
export {
  type LegacyEvent,
  type LegacyFetchComplete,
  type LegacyFetchFailed,
  legacyEvents,
} from './legacy.js';
export { type CommandQueueOptions, createCommandQueue, listQueueKeys } from './list-queue.js';
export { createRedisChatLock, type RedisChatLockOptions } from './lock.js';
export {
  createMessagesStream,
  type MessagesStream,
  type MessagesStreamOptions,
} from './messages-stream.js';
export {
  type DecodedEntry,
  decodeMessagesStreamEntry,
  encodeMessagesStreamEntry,
  MAX_ENTRY_BYTES,
  MESSAGE_CHANGES,
  MESSAGES_STREAM_FIELDS,
  type MessageChange,
  type MessagesStreamEntry,
  type MessagesStreamFields,
} from './messages-stream-entry.js';
export {
  createMessagesStreamReader,
  type MessageDelivery,
  type MessagesStreamReader,
  type MessagesStreamReaderOptions,
} from './messages-stream-reader.js';
export {
  createQueueInspector,
  type InspectedCommand,
  type InspectedPage,
  type InspectedWorker,
  listItemRef,
  type QueueInspector,
  type QueueInspectorOptions,
} from './queue-inspect.js';
export { createRedisRateMemory, type RedisRateMemoryOptions } from './rate-memory.js';
export {
  createRedisResumeStore,
  MAX_RESUME_KEY_LENGTH,
  type RedisResumeStoreOptions,
} from './resume-store.js';
export { withScheduleOutcomes } from './schedule-outcomes.js';
export {
  type CommandStatus,
  type ScheduleKeys,
  type ScheduleOutcome,
  type ScheduleRun,
  type ScheduleView,
  scheduleKeys,
} from './schedule-records.js';
export {
  createRedisSchedules,
  type PutResult,
  type RedisSchedules,
  type RedisSchedulesOptions,
  type RunDueOptions,
  type RunDueResult,
  type ScheduleStats,
} from './schedules.js';
export {
  createStreamCommandQueue,
  PAYLOAD_FIELD,
  type StreamCommandQueueOptions,
} from './stream-queue.js';
export {
  type EventFilter,
  type EventSubscription,
  eventMatcher,
  type MatchedFields,
  type SubscribeOptions,
  subscribeEvents,
} from './subscribe.js';
