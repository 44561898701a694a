/**
 * The metrics each process exports, declared once: the registry, the typed names and the
 * deploy checks (Grafana board, alert rules) all read these lists.
 */
export interface MetricDeclaration<Name extends string = string> {
  name: Name;
  help: string;
  type: 'counter' | 'gauge' | 'histogram';
  /** The labels its samples carry; a counter or histogram without labels starts at zero. */
  labels?: readonly string[];
  buckets?: readonly number[];
}

const REDIS_CONNECTED = {
  name: 'tgfetch_redis_connected',
  help: '1 when Redis is reachable',
  type: 'gauge',
} as const;

/** What `tgfetch daemon` exports. */
export const DAEMON_METRICS = [
  {
    name: 'tgfetch_commands_total',
    help: 'Commands finished, by outcome',
    type: 'counter',
    labels: ['status'],
  },
  {
    name: 'tgfetch_fetch_duration_seconds',
    help: 'Duration of commands',
    type: 'histogram',
    labels: ['status'],
    buckets: [0.1, 0.5, 1, 5, 15, 60, 300, 1800],
  },
  { name: 'tgfetch_messages_fetched_total', help: 'Messages fetched and stored', type: 'counter' },
  {
    name: 'tgfetch_days_stored_total',
    help: 'Days written (skipped ones not counted)',
    type: 'counter',
  },
  { name: 'tgfetch_errors_total', help: 'Errors, by code', type: 'counter', labels: ['code'] },
  {
    name: 'tgfetch_flood_wait_seconds_total',
    help: 'Seconds spent in Telegram flood waits',
    type: 'counter',
  },
  { name: 'tgfetch_queue_length', help: 'Commands waiting in the queue', type: 'gauge' },
  {
    name: 'tgfetch_queue_dead_letters',
    help: 'Commands in the dead letters (<queue>:dead)',
    type: 'gauge',
  },
  {
    name: 'tgfetch_commands_in_progress',
    help: 'Commands this daemon holds now: taken from the queue and not yet acknowledged or released',
    type: 'gauge',
  },
  REDIS_CONNECTED,
  {
    name: 'tgfetch_redis_data_lost_total',
    help: "Times Redis came back without the daemon's marker key (restarted empty: queued commands lost)",
    type: 'counter',
  },
  {
    name: 'tgfetch_commands_settled_late_total',
    help: 'Commands acknowledged or released only after Redis came back',
    type: 'counter',
  },
  {
    name: 'tgfetch_schedule_ticks_total',
    help: 'Schedule ticks this daemon pushed onto the queue (each tick is pushed by one daemon of the Redis)',
    type: 'counter',
  },
  {
    name: 'tgfetch_schedule_commands_total',
    help: 'Fetch commands the pushed ticks put on the queue (one per chat)',
    type: 'counter',
  },
  {
    name: 'tgfetch_schedule_ticks_skipped_total',
    help: 'Tries to push a due tick refused because the queue had no room for its commands (MAX_QUEUE_LENGTH); the tick stays due and is tried again',
    type: 'counter',
  },
  {
    name: 'tgfetch_schedule_ticks_late_total',
    help: 'Ticks pushed more than SCHEDULE_LATE_MS after they were due',
    type: 'counter',
  },
  {
    name: 'tgfetch_telegram_connected',
    help: '1 when the Telegram source is usable (connected; the simulated one always); 0 before its first connect, while it reconnects, with an export source, and once closed',
    type: 'gauge',
  },
] as const satisfies readonly MetricDeclaration[];

/** What `tgfetch persist` exports: messages stored per status, latencies, batch sizes, dead letters, the group's pending entries, whether PostgreSQL answers. */
export const PERSIST_METRICS = [
  {
    name: 'tgfetch_persist_total',
    help: 'Messages taken from the stream, by status: ok (stored), conflict (changed nothing), error (failed attempt)',
    type: 'counter',
    labels: ['status'],
  },
  {
    name: 'tgfetch_persist_latency_seconds',
    help: 'Time of persist operations: upsert (the transaction), ack, batch (read to ack)',
    type: 'histogram',
    labels: ['operation'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
  },
  {
    name: 'tgfetch_persist_batch_size',
    help: 'Entries per persisted batch',
    type: 'histogram',
    buckets: [1, 5, 10, 25, 50, 100, 250, 500, 1000, 5000],
  },
  {
    name: 'tgfetch_persist_dead_letters_total',
    help: 'Entries moved to the dead-letter stream',
    type: 'counter',
  },
  {
    name: 'tgfetch_stream_pending',
    help: 'Entries read by a consumer group and not yet acknowledged',
    type: 'gauge',
    labels: ['stream', 'group'],
  },
  { name: 'tgfetch_database_connected', help: '1 when PostgreSQL answers', type: 'gauge' },
  REDIS_CONNECTED,
] as const satisfies readonly MetricDeclaration[];

export type DaemonMetricName = (typeof DAEMON_METRICS)[number]['name'];
export type PersistMetricName = (typeof PERSIST_METRICS)[number]['name'];
/** Every metric a tgfetch process exports. */
export type MetricName = DaemonMetricName | PersistMetricName;
