import { timingSafeEqual } from 'node:crypto';
import { createServer, type Server } from 'node:http';

/**
 * Just enough of the Prometheus text format (0.0.4) for the daemon's counters, gauges and
 * histograms: no client library needed for a dozen series.
 */
type Labels = Record<string, string>;

interface Series {
  name: string;
  help: string;
  type: 'counter' | 'gauge' | 'histogram';
  values: Map<string, number>;
  buckets?: number[];
}

export interface Metrics {
  inc(name: string, labels?: Labels, by?: number): void;
  set(name: string, value: number, labels?: Labels): void;
  observe(name: string, value: number, labels?: Labels): void;
  render(): string;
}

const DEFINITIONS: Array<Omit<Series, 'values'>> = [
  { name: 'tgfetch_commands_total', help: 'Commands finished, by outcome', type: 'counter' },
  {
    name: 'tgfetch_fetch_duration_seconds',
    help: 'Duration of commands',
    type: 'histogram',
    buckets: [0.1, 0.5, 1, 5, 15, 60, 300, 1800],
  },
  { name: 'tgfetch_messages_fetched_total', help: 'Messages fetched and stored', type: 'counter' },
  {
    name: 'tgfetch_days_stored_total',
    help: 'Days written (skipped ones not counted)',
    type: 'counter',
  },
  { name: 'tgfetch_errors_total', help: 'Errors, by code', type: 'counter' },
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
  { name: 'tgfetch_commands_in_progress', help: 'Commands being run now', type: 'gauge' },
  { name: 'tgfetch_redis_connected', help: '1 when Redis is reachable', type: 'gauge' },
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
    name: 'tgfetch_telegram_connected',
    help: '1 when the Telegram source is usable',
    type: 'gauge',
  },
  // tgfetch persist (seed 004's PostPersistenceWorker metrics, renamed tgfetch_*).
  {
    name: 'tgfetch_persist_total',
    help: 'Messages taken from the stream, by status: ok (stored), conflict (changed nothing), error (failed attempt)',
    type: 'counter',
  },
  {
    name: 'tgfetch_persist_latency_seconds',
    help: 'Time of persist operations: upsert (the transaction), ack, batch (read to ack)',
    type: 'histogram',
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
  },
  { name: 'tgfetch_database_connected', help: '1 when PostgreSQL answers', type: 'gauge' },
];

export function createMetrics(): Metrics {
  const series = new Map<string, Series>(
    DEFINITIONS.map((d) => [d.name, { ...d, values: new Map() }]),
  );
  const get = (name: string) => {
    const s = series.get(name);
    if (!s) throw new Error(`unknown metric ${name}`);
    return s;
  };
  const add = (s: Series, key: string, by: number) =>
    s.values.set(key, (s.values.get(key) ?? 0) + by);
  return {
    inc(name, labels = {}, by = 1) {
      add(get(name), labelKey(labels), by);
    },
    set(name, value, labels = {}) {
      get(name).values.set(labelKey(labels), value);
    },
    observe(name, value, labels = {}) {
      const s = get(name);
      const base = labelKey(labels);
      for (const le of s.buckets ?? []) if (value <= le) add(s, joinLabels(base, `le="${le}"`), 1);
      add(s, joinLabels(base, 'le="+Inf"'), 1);
      add(s, `sum|${base}`, value);
      add(s, `count|${base}`, 1);
    },
    render() {
      const lines: string[] = [];
      for (const s of series.values()) {
        lines.push(`# HELP ${s.name} ${s.help}`, `# TYPE ${s.name} ${s.type}`);
        for (const [key, value] of s.values) {
          if (s.type !== 'histogram') lines.push(`${s.name}${braces(key)} ${value}`);
          else if (key.startsWith('sum|'))
            lines.push(`${s.name}_sum${braces(key.slice(4))} ${value}`);
          else if (key.startsWith('count|'))
            lines.push(`${s.name}_count${braces(key.slice(6))} ${value}`);
          else lines.push(`${s.name}_bucket${braces(key)} ${value}`);
        }
      }
      return `${lines.join('\n')}\n`;
    },
  };
}

function labelKey(labels: Labels): string {
  return Object.keys(labels)
    .sort()
    .map(
      (k) =>
        `${k}="${String(labels[k]).replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`,
    )
    .join(',');
}

function joinLabels(a: string, b: string): string {
  return a ? `${a},${b}` : b;
}

function braces(key: string): string {
  return key ? `{${key}}` : '';
}

export interface MetricsServer {
  port: number;
  close(): Promise<void>;
}

/**
 * `/metrics` for Prometheus (behind `Authorization: Bearer <token>` when a token is given)
 * and `/healthz` (200 when `healthy()` says so, else 503; open, for liveness probes, and
 * telling nothing secret).
 */
export async function serveMetrics(
  metrics: Metrics,
  options: {
    port: number;
    host: string;
    token?: string | undefined;
    healthy: () => { ok: boolean; [k: string]: unknown };
  },
): Promise<MetricsServer> {
  const expected = options.token ? Buffer.from(`Bearer ${options.token}`) : undefined;
  const authorised = (header: string | undefined) => {
    if (!expected) return true;
    const given = Buffer.from(header ?? '');
    return given.length === expected.length && timingSafeEqual(given, expected);
  };
  const server: Server = createServer((req, res) => {
    if (req.url === '/metrics' && !authorised(req.headers.authorization)) {
      res.writeHead(401, { 'www-authenticate': 'Bearer' }).end();
    } else if (req.url === '/metrics') {
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
      res.end(metrics.render());
    } else if (req.url === '/healthz') {
      const health = options.healthy();
      res.writeHead(health.ok ? 200 : 503, { 'content-type': 'application/json' });
      res.end(JSON.stringify(health));
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : options.port,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
