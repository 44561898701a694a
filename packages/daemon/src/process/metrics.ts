import { timingSafeEqual } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { MetricDeclaration, MetricName } from './metric-declarations.js';

/**
 * Just enough of the Prometheus text format (0.0.4) for the daemon's counters, gauges and
 * histograms: no client library needed for a dozen series.
 */
type Labels = Record<string, string>;

interface Series extends MetricDeclaration {
  values: Map<string, number>;
}

/** A registry of the metrics `declared` names; a name it does not declare does not compile. */
export interface Metrics<Name extends string = MetricName> {
  inc(name: Name, labels?: Labels, by?: number): void;
  set(name: Name, value: number, labels?: Labels): void;
  observe(name: Name, value: number, labels?: Labels): void;
  render(): string;
}

/**
 * The registry of one process (`DAEMON_METRICS`, `PERSIST_METRICS`): each declared metric is
 * rendered, and a counter or histogram without labels starts at zero, so that a scrape shows
 * it before its first event.
 */
export function createMetrics<const Name extends string>(
  declared: readonly MetricDeclaration<Name>[],
): Metrics<Name> {
  const series = new Map<string, Series>(
    declared.map((d) => [d.name, { ...d, values: new Map() }]),
  );
  const get = (name: string, labels: Labels) => {
    const s = series.get(name);
    if (!s) throw new Error(`unknown metric ${name}`);
    const unknown = Object.keys(labels).filter((k) => !s.labels?.includes(k));
    if (unknown.length > 0) throw new Error(`metric ${name} has no label ${unknown.join(', ')}`);
    return s;
  };
  const add = (s: Series, key: string, by: number) =>
    s.values.set(key, (s.values.get(key) ?? 0) + by);
  const observe = (s: Series, value: number, base: string, count: number) => {
    for (const le of s.buckets ?? []) {
      add(s, joinLabels(base, `le="${le}"`), value <= le ? count : 0);
    }
    add(s, joinLabels(base, 'le="+Inf"'), count);
    add(s, `sum|${base}`, value);
    add(s, `count|${base}`, count);
  };
  for (const s of series.values()) {
    if (s.labels?.length) continue;
    if (s.type === 'counter') s.values.set('', 0);
    if (s.type === 'histogram') observe(s, 0, '', 0);
  }
  return {
    inc(name, labels = {}, by = 1) {
      add(get(name, labels), labelKey(labels), by);
    },
    set(name, value, labels = {}) {
      get(name, labels).values.set(labelKey(labels), value);
    },
    observe(name, value, labels = {}) {
      observe(get(name, labels), value, labelKey(labels), 1);
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
  metrics: Pick<Metrics<string>, 'render'>,
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
