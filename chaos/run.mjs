#!/usr/bin/env node
// The chaos and fuzz suite: `node chaos/run.mjs [--short] [--seed N] [--only a,b] [--keep]`.
// Runs each scenario against real processes, prints the table, writes the results (a full
// run to chaos/results.json; a short one, as CI runs it, to a temporary folder so that the
// committed results stay as they are), and exits 1 when any invariant broke.
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { assertBuilt, ROOT } from './lib/env.mjs';
import { createRandom } from './lib/util.mjs';
import * as clientKill from './scenarios/client-kill.mjs';
import * as days from './scenarios/days.mjs';
import * as disk from './scenarios/disk.mjs';
import * as follow from './scenarios/follow.mjs';
import * as fuzz from './scenarios/fuzz.mjs';
import * as hostile from './scenarios/hostile.mjs';
import * as persistPipeline from './scenarios/persist-pipeline.mjs';
import * as poison from './scenarios/poison.mjs';
import * as redisFaults from './scenarios/redis-faults.mjs';
import * as schedules from './scenarios/schedules.mjs';
import * as sigkill from './scenarios/sigkill.mjs';
import * as telegramFaults from './scenarios/telegram-faults.mjs';

const scenarios = [
  sigkill,
  redisFaults,
  clientKill,
  telegramFaults,
  poison,
  disk,
  days,
  fuzz,
  hostile,
  persistPipeline,
  follow,
  schedules,
];

const { values } = parseArgs({
  options: {
    short: { type: 'boolean', default: false },
    seed: { type: 'string' },
    only: { type: 'string' },
    keep: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (values.help) {
  const names = scenarios.flatMap((scenario) => scenario.names ?? [scenario.name]);
  console.log(`Usage: node chaos/run.mjs [--short] [--seed N] [--only a,b] [--keep]

  --short   bounded trials, as CI runs it (results go to a temporary folder)
  --seed N  replay a run (each run prints its seed)
  --only    scenarios whose name starts with one of these, e.g. --only sigkill,zone-flood
  --keep    keep each scenario's folder (logs, data, redis.log) for a look afterwards

Scenarios: ${names.join(', ')}`);
  process.exit(0);
}
const seed = values.seed === undefined ? Math.floor(Math.random() * 2 ** 31) : Number(values.seed);
const only = values.only?.split(',');
const short = values.short;

assertBuilt();
const began = Date.now();
console.log(`tgfetch chaos suite (${short ? 'short' : 'full'}), seed ${seed}`);

const rows = [];
for (const scenario of scenarios) {
  const names = [scenario.name, ...(scenario.names ?? [])];
  if (only && !names.some((n) => only.some((o) => n.startsWith(o)))) continue;
  const t0 = Date.now();
  let outcomes;
  try {
    const rng = createRandom(seed ^ hash(scenario.name));
    outcomes = [await scenario.run({ rng, short, seed, only })]
      .flat()
      .map((o) => ({ name: scenario.name, ...o }));
  } catch (error) {
    const world = error.world;
    await world?.close({ keep: true }).catch(() => {});
    outcomes = [
      {
        name: scenario.name,
        error: `${error.stack ?? error}${world ? ` (kept ${world.dir})` : ''}`,
      },
    ];
  }
  for (const outcome of outcomes) {
    const row = toRow(outcome, (Date.now() - t0) / 1000 / outcomes.length);
    rows.push(row);
    if (outcome.world) {
      const keep = values.keep || !row.ok;
      await outcome.world.close({ keep }).catch(() => {});
      if (keep) row.kept = outcome.world.dir;
    }
    console.log(
      `${row.ok ? 'ok  ' : 'FAIL'} ${row.scenario}: ${row.skipped ? `skipped (${row.skipped})` : `${row.trials} trials, ${row.pushed} pushed, ${row.lost} lost`} ${row.notes ? `- ${row.notes}` : ''}`,
    );
    for (const v of row.violations.slice(0, 10)) console.log(`       ! ${v}`);
  }
}

const table = renderTable(rows);
console.log(`\n${table}`);
const failed = rows.filter((r) => !r.ok);
const seconds = Math.round((Date.now() - began) / 1000);
console.log(
  failed.length === 0
    ? `\nall invariants held (${seconds} s, seed ${seed})`
    : `\n${failed.length} scenario(s) broke an invariant: ${failed.map((r) => r.scenario).join(', ')} (${seconds} s, seed ${seed})`,
);
const resultsFile = short
  ? path.join(mkdtempSync(path.join(os.tmpdir(), 'tgfetch-chaos-results-')), 'results.json')
  : path.join(ROOT, 'chaos', 'results.json');
writeFileSync(
  resultsFile,
  `${JSON.stringify(
    {
      form: short ? 'short' : 'full',
      seed,
      node: process.version,
      ran_at: new Date(began).toISOString(),
      seconds,
      ok: failed.length === 0,
      table,
      scenarios: rows,
    },
    null,
    2,
  )}\n`,
);
console.log(`results: ${resultsFile}`);
process.exitCode = failed.length === 0 ? 0 : 1;

function toRow(outcome, seconds) {
  const base = {
    scenario: outcome.name,
    trials: 0,
    pushed: 0,
    completed: 0,
    failed: 0,
    dead: 0,
    lost: 0,
    redelivered: 0,
    duplicates: 0,
    broken: 0,
    wrong_days: 0,
    seconds: Math.round(seconds),
    codes: {},
    notes: outcome.notes ?? '',
    violations: [],
  };
  if (outcome.error) return { ...base, ok: false, violations: [`crashed: ${outcome.error}`] };
  if (outcome.skipped) return { ...base, ok: true, skipped: outcome.skipped };
  const { commands, data, violations } = outcome.result;
  const row = {
    ...base,
    trials: outcome.trials,
    pushed: commands.pushed,
    completed: commands.completed,
    failed: commands.failed,
    dead: commands.dead,
    lost: commands.lost,
    redelivered: commands.redelivered,
    duplicates: data.duplicates,
    broken: data.broken,
    wrong_days: data.mismatched,
    files: data.files,
    codes: commands.codes,
    violations,
  };
  row.ok = violations.length === 0 && row.lost === 0 && row.duplicates === 0 && row.broken === 0;
  return row;
}

function renderTable(rows) {
  const header = [
    'scenario',
    'trials',
    'pushed',
    'completed',
    'failed',
    'dead-lettered',
    'lost',
    'redelivered',
    'duplicates',
    'broken files',
    'wrong days',
    'verdict',
  ];
  const body = rows.map((r) =>
    r.skipped
      ? [r.scenario, 'skipped', '-', '-', '-', '-', '-', '-', '-', '-', '-', r.skipped]
      : [
          r.scenario,
          r.trials,
          r.pushed,
          r.completed,
          r.failed,
          r.dead,
          r.lost,
          r.redelivered,
          r.duplicates,
          r.broken,
          r.wrong_days,
          r.ok ? 'ok' : 'FAIL',
        ].map(String),
  );
  const lines = [header, ...body];
  // Padded like a Markdown formatter would, so the table can be pasted into
  // docs/reliability.md as is.
  const widths = header.map((_h, i) => Math.max(...lines.map((cells) => cells[i].length)));
  const row = (cells) =>
    `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ')} |`;
  const rule = `| ${widths.map((w, i) => (i === 0 ? '-'.repeat(w) : `${'-'.repeat(w - 1)}:`)).join(' | ')} |`;
  return [row(header), rule, ...body.map(row)].join('\n');
}

function hash(text) {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}
