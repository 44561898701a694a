import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { DAEMON_METRICS, type MetricDeclaration, PERSIST_METRICS } from '@tgfetch/daemon';
import { beforeAll, describe, expect, it } from 'vitest';

/**
 * deploy/: the Prometheus rules are checked and unit-tested by the real promtool (Debian's
 * `prometheus` package, installed here when missing, as `.ci/run` does for redis-server),
 * and the rules and the Grafana dashboard only use metrics the process they watch declares
 * (and the daemon's e2e scrape finds every declared metric set: metrics-scrape.e2e.test.ts).
 */
const run = promisify(execFile);
const root = new URL('..', import.meta.url).pathname;
const rules = `${root}deploy/prometheus/alerts.yml`;
const ruleTests = `${root}deploy/prometheus/alerts.test.yml`;
const dashboard = `${root}deploy/grafana/tgfetch.json`;

async function hasPromtool(): Promise<boolean> {
  try {
    await run('promtool', ['--version']);
    return true;
  } catch {
    return false;
  }
}

/** Installs promtool with apt-get (Debian) when missing; never skips. */
async function ensurePromtool(): Promise<void> {
  if (await hasPromtool()) return;
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  try {
    await run('apt-get', ['update', '-qq'], { env, timeout: 300_000 });
    await run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'prometheus'], {
      env,
      timeout: 600_000,
    });
  } catch (error) {
    throw new Error(
      `promtool is missing and could not be installed with apt-get (install Debian's prometheus package): ${(error as Error).message}`,
    );
  }
  if (!(await hasPromtool())) throw new Error('promtool is still missing after apt-get install');
}

beforeAll(ensurePromtool, 900_000);

/** The series names a process's declared metrics give (a histogram's three), and `up`. */
function seriesOf(declared: readonly MetricDeclaration[]): Set<string> {
  const names = new Set(['up']);
  for (const { name, type } of declared) {
    names.add(name);
    if (type === 'histogram') for (const s of ['_bucket', '_sum', '_count']) names.add(name + s);
  }
  return names;
}
const DAEMON = seriesOf(DAEMON_METRICS);
const PERSIST = seriesOf(PERSIST_METRICS);

/** Which process each alert group and dashboard row watches. */
const WATCHED: Record<string, Set<string>> = {
  'tgfetch-fetch': DAEMON,
  'tgfetch-persist': PERSIST,
  Fetchers: DAEMON,
  Persistence: PERSIST,
};

/** The rule groups of alerts.yml by name, each with its text (no YAML parser needed for two). */
function ruleGroups(text: string): Map<string, string> {
  const parts = text.split(/^ {2}- name: (\S+)$/m);
  const groups = new Map<string, string>();
  for (let i = 1; i < parts.length; i += 2) groups.set(parts[i]!, parts[i + 1]!);
  return groups;
}

/** The metric names a PromQL expression reads (identifiers followed by `{`, `[` or space). */
function metricsIn(expr: string): string[] {
  return [...expr.matchAll(/\b((?:tgfetch_|up\b)[a-z0-9_]*)/g)].map((m) => m[1]!);
}

describe('deploy: Prometheus rules', () => {
  it('pass promtool check rules', async () => {
    const { stdout } = await run('promtool', ['check', 'rules', rules]);
    expect(stdout).toMatch(/SUCCESS: \d+ rules found/);
  });

  it('load in the compose file’s Prometheus configuration (promtool check config)', async () => {
    const { stdout } = await run('promtool', [
      'check',
      'config',
      `${root}deploy/prometheus/prometheus.yml`,
    ]);
    expect(stdout).toMatch(/SUCCESS: 1 rule files found/);
  });

  it('pass their promtool unit tests', async () => {
    const { stdout } = await run('promtool', ['test', 'rules', ruleTests]);
    expect(stdout).toMatch(/SUCCESS/);
  });

  it('cover the persist backlog, failure rate, latency, dead letters and the fetchers', async () => {
    const text = await readFile(rules, 'utf8');
    const alerts = [...text.matchAll(/- alert: (\S+)/g)].map((m) => m[1]);
    expect(alerts).toEqual(
      expect.arrayContaining([
        'TgfetchPersistBacklog',
        'TgfetchPersistFailureRate',
        'TgfetchPersistLatencyHigh',
        'TgfetchPersistDeadLetters',
        'TgfetchCommandsFailing',
        'TgfetchLongFloodWaits',
        'TgfetchRedisDown',
      ]),
    );
  });

  it('only read metrics the process each group watches declares', async () => {
    const groups = ruleGroups(await readFile(rules, 'utf8'));
    expect([...groups.keys()].sort()).toEqual(['tgfetch-fetch', 'tgfetch-persist']);
    for (const [group, text] of groups) {
      const used = metricsIn(text);
      expect(used.length, group).toBeGreaterThan(3);
      expect(
        used.filter((m) => !WATCHED[group]?.has(m)),
        group,
      ).toEqual([]);
    }
  });
});

describe('deploy: Grafana dashboard', () => {
  it('is valid JSON whose panels only read metrics their row’s process declares', async () => {
    const json = JSON.parse(await readFile(dashboard, 'utf8')) as {
      uid: string;
      templating: { list: Array<{ name: string; query?: string }> };
      panels: Array<{
        id: number;
        type: string;
        title: string;
        targets?: Array<{ expr: string }>;
      }>;
    };
    expect(json.uid).toBe('tgfetch-pipeline');
    const ids = json.panels.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    const exprs = json.panels.flatMap((p) => (p.targets ?? []).map((t) => t.expr));
    expect(exprs.length).toBeGreaterThan(10);
    // Each panel under a row reads what the row's process declares; the fetcher picker, the daemon's.
    let row = '';
    const misplaced: string[] = [];
    for (const panel of json.panels) {
      if (panel.type === 'row') row = panel.title.split(' ')[0] ?? '';
      const watched = WATCHED[row];
      expect(watched, `row of panel ${panel.id}`).toBeDefined();
      for (const target of panel.targets ?? []) {
        for (const m of metricsIn(target.expr))
          if (!watched?.has(m)) misplaced.push(`${panel.title}: ${m}`);
      }
    }
    for (const variable of json.templating.list) {
      for (const m of metricsIn(variable.query ?? ''))
        if (!DAEMON.has(m)) misplaced.push(`$${variable.name}: ${m}`);
    }
    expect(misplaced).toEqual([]);
    const used = exprs.flatMap(metricsIn);
    for (const name of [
      'tgfetch_persist_total',
      'tgfetch_stream_pending',
      'tgfetch_commands_total',
    ])
      expect(used).toContain(name);
  });
});
