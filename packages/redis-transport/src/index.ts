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
  MessagesStreamErrorCode,
  REDIS_ERROR_CODES,
  RedisErrorCode,
  toRedisError,
} from './errors.js';
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
export { createRedisRateMemory, type RedisRateMemoryOptions } from './rate-memory.js';
export {
  createStreamCommandQueue,
  PAYLOAD_FIELD,
  type StreamCommandQueueOptions,
} from './stream-queue.js';
export {
  type EventFilter,
  type EventSubscription,
  eventMatcher,
  type SubscribeOptions,
  subscribeEvents,
} from './subscribe.js';
