import { describe, expect, it } from 'vitest';
import { DAEMON_METRICS, PERSIST_METRICS } from './metric-declarations.js';
import { createMetrics, serveMetrics } from './metrics.js';

describe('createMetrics', () => {
  it('renders HELP and TYPE for every series, and values with sorted, escaped labels', () => {
    const metrics = createMetrics(DAEMON_METRICS);
    metrics.inc('tgfetch_commands_total', { status: 'completed' });
    metrics.inc('tgfetch_commands_total', { status: 'completed' }, 2);
    metrics.inc('tgfetch_errors_total', { code: 'a"b\\c\nd' });
    metrics.set('tgfetch_queue_length', 7);
    metrics.set('tgfetch_queue_length', 4);
    const text = metrics.render();
    expect(text.endsWith('\n')).toBe(true);
    expect(text).toContain(
      '# HELP tgfetch_commands_total Commands finished, by outcome\n# TYPE tgfetch_commands_total counter\n',
    );
    expect(text).toContain('\ntgfetch_commands_total{status="completed"} 3\n');
    expect(text).toContain('\ntgfetch_errors_total{code="a\\"b\\\\c\\nd"} 1\n');
    expect(text).toContain('\ntgfetch_queue_length 4\n');
    expect(text).toContain('# TYPE tgfetch_redis_connected gauge');
    // A counter without labels starts at zero; a labelled or a gauge never set has its header only.
    expect(text).toContain('\ntgfetch_flood_wait_seconds_total 0\n');
    expect(text).not.toMatch(/^tgfetch_fetch_duration_seconds/m);
    expect(text).not.toMatch(/^tgfetch_telegram_connected/m);
  });

  it('starts a histogram without labels at zero', () => {
    const lines = createMetrics(PERSIST_METRICS)
      .render()
      .split('\n')
      .filter((l) => l.startsWith('tgfetch_persist_batch_size'));
    expect(lines[0]).toBe('tgfetch_persist_batch_size_bucket{le="1"} 0');
    expect(lines.slice(-3)).toEqual([
      'tgfetch_persist_batch_size_bucket{le="+Inf"} 0',
      'tgfetch_persist_batch_size_sum 0',
      'tgfetch_persist_batch_size_count 0',
    ]);
  });

  it('renders only the metrics of its own process', () => {
    const daemon = createMetrics(DAEMON_METRICS).render();
    const persist = createMetrics(PERSIST_METRICS).render();
    expect(daemon).not.toContain('tgfetch_persist_total');
    expect(persist).not.toContain('tgfetch_commands_total');
    for (const text of [daemon, persist]) expect(text).toContain('# TYPE tgfetch_redis_connected');
  });

  it('renders histograms as cumulative buckets, _sum and _count', () => {
    const metrics = createMetrics(DAEMON_METRICS);
    metrics.observe('tgfetch_fetch_duration_seconds', 0.3, { status: 'completed' });
    metrics.observe('tgfetch_fetch_duration_seconds', 2, { status: 'completed' });
    metrics.observe('tgfetch_fetch_duration_seconds', 5000, { status: 'completed' });
    const lines = metrics
      .render()
      .split('\n')
      .filter((l) => l.startsWith('tgfetch_fetch_duration'));
    // Every bucket, an empty one too (histogram_quantile reads a missing one as absent).
    expect(lines).toEqual([
      'tgfetch_fetch_duration_seconds_bucket{status="completed",le="0.1"} 0',
      'tgfetch_fetch_duration_seconds_bucket{status="completed",le="0.5"} 1',
      'tgfetch_fetch_duration_seconds_bucket{status="completed",le="1"} 1',
      'tgfetch_fetch_duration_seconds_bucket{status="completed",le="5"} 2',
      'tgfetch_fetch_duration_seconds_bucket{status="completed",le="15"} 2',
      'tgfetch_fetch_duration_seconds_bucket{status="completed",le="60"} 2',
      'tgfetch_fetch_duration_seconds_bucket{status="completed",le="300"} 2',
      'tgfetch_fetch_duration_seconds_bucket{status="completed",le="1800"} 2',
      'tgfetch_fetch_duration_seconds_bucket{status="completed",le="+Inf"} 3',
      'tgfetch_fetch_duration_seconds_sum{status="completed"} 5002.3',
      'tgfetch_fetch_duration_seconds_count{status="completed"} 3',
    ]);
  });

  it('refuses a metric name it does not declare, at compile time and at run time', () => {
    const daemon = createMetrics(DAEMON_METRICS);
    // @ts-expect-error: not a declared metric
    expect(() => daemon.inc('tgfetch_typo')).toThrow('unknown metric tgfetch_typo');
    // @ts-expect-error: a metric of `tgfetch persist`, not of the daemon
    expect(() => daemon.inc('tgfetch_persist_total')).toThrow('unknown metric');
  });

  it('refuses a label the metric does not declare', () => {
    expect(() =>
      createMetrics(DAEMON_METRICS).inc('tgfetch_errors_total', { code: 'X', chat: '@x' }),
    ).toThrow('metric tgfetch_errors_total has no label chat');
  });
});

describe('serveMetrics', () => {
  it('serves /metrics, /healthz (200 or 503) and 404 elsewhere', async () => {
    const metrics = createMetrics(DAEMON_METRICS);
    metrics.set('tgfetch_redis_connected', 1);
    let healthy = true;
    const server = await serveMetrics(metrics, {
      port: 0,
      host: '127.0.0.1',
      healthy: () => ({ ok: healthy, redis: healthy ? 'ready' : 'reconnecting' }),
    });
    try {
      const base = `http://127.0.0.1:${server.port}`;
      const res = await fetch(`${base}/metrics`);
      expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4');
      expect(await res.text()).toContain('\ntgfetch_redis_connected 1\n');
      expect(await (await fetch(`${base}/healthz`)).json()).toEqual({ ok: true, redis: 'ready' });
      healthy = false;
      const down = await fetch(`${base}/healthz`);
      expect(down.status).toBe(503);
      expect(await down.json()).toEqual({ ok: false, redis: 'reconnecting' });
      expect((await fetch(`${base}/`)).status).toBe(404);
    } finally {
      await server.close();
    }
  });

  it('rejects when the port is taken', async () => {
    const first = await serveMetrics(createMetrics(DAEMON_METRICS), {
      port: 0,
      host: '127.0.0.1',
      healthy: () => ({ ok: true }),
    });
    try {
      await expect(
        serveMetrics(createMetrics(DAEMON_METRICS), {
          port: first.port,
          host: '127.0.0.1',
          healthy: () => ({ ok: true }),
        }),
      ).rejects.toMatchObject({ code: 'EADDRINUSE' });
    } finally {
      await first.close();
    }
  });
});

describe('serveMetrics exposure', () => {
  it('wants the bearer token for /metrics when one is set, and leaves /healthz open', async () => {
    const server = await serveMetrics(createMetrics(DAEMON_METRICS), {
      port: 0,
      host: '127.0.0.1',
      token: 'metrics-secret',
      healthy: () => ({ ok: true }),
    });
    try {
      const base = `http://127.0.0.1:${server.port}`;
      expect((await fetch(`${base}/metrics`)).status).toBe(401);
      const wrong = await fetch(`${base}/metrics`, { headers: { authorization: 'Bearer nope' } });
      expect(wrong.status).toBe(401);
      const right = await fetch(`${base}/metrics`, {
        headers: { authorization: 'Bearer metrics-secret' },
      });
      expect(right.status).toBe(200);
      expect((await fetch(`${base}/healthz`)).status).toBe(200);
    } finally {
      await server.close();
    }
  });
});
