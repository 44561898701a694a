import { existsSync } from 'node:fs';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { machineInfo } from './lib/machine.mjs';
import { fmt, round } from './lib/stats.mjs';

/**
 * `pnpm bench` (everything, ~8 minutes on 2 cores) or `pnpm bench:smoke` (a tiny version of
 * each scenario, for CI). `--only pipeline,queue` runs some. Prints one Markdown table,
 * writes results.json (a smoke run writes to the temp folder instead, leaving the real
 * results alone) and, after a full run, the table in README.md between its bench markers.
 */

const SCENARIOS = [
  'pipeline',
  'request-cost',
  'pacing',
  'queue',
  'footprint',
  'postgres',
  'comment-cost',
  'schedules',
  'live',
];
const here = (file) => fileURLToPath(new URL(file, import.meta.url));

const args = process.argv.slice(2);
const smoke = args.includes('--smoke');
const onlyArg = args.find((a) => a.startsWith('--only'));
const only = onlyArg
  ? (onlyArg.includes('=') ? onlyArg.split('=')[1] : args[args.indexOf(onlyArg) + 1]).split(',')
  : SCENARIOS;
const unknown = only.filter((name) => !SCENARIOS.includes(name));
if (unknown.length > 0) {
  console.error(`unknown scenario(s): ${unknown.join(', ')}; known: ${SCENARIOS.join(', ')}`);
  process.exit(2);
}
for (const pkg of ['core', 'telegram', 'fs-store', 'pg-store', 'redis-transport', 'daemon']) {
  if (!existsSync(here(`../packages/${pkg}/dist/index.js`))) {
    console.error(`packages/${pkg} is not built: run \`pnpm build\` first (benchmarks use dist/).`);
    process.exit(2);
  }
}

const machine = machineInfo();
console.error(
  `tgfetch bench${smoke ? ' (smoke)' : ''}: ${machine.cpu} × ${machine.cpus}, ` +
    `${machine.totalMemoryGb} GB, Node ${machine.node}`,
);
const t0 = performance.now();
const scenarios = {};
for (const name of only) {
  const started = performance.now();
  const scenario = await import(`./scenarios/${name}.mjs`);
  console.error(`\n${scenario.title}`);
  const result = await scenario.run(smoke);
  scenarios[name] = {
    title: scenario.title,
    seconds: round((performance.now() - started) / 1000, 1),
    ...result,
  };
  console.error(`  (${scenarios[name].seconds} s)`);
}
const totalSec = round((performance.now() - t0) / 1000, 1);

const table = renderTable(scenarios, machine, totalSec, smoke);
console.log(`\n${table}`);
const results = { machine, smoke, totalSec, scenarios };
const resultsFile = smoke
  ? path.join(await mkdtemp(path.join(os.tmpdir(), 'tgfetch-bench-smoke-')), 'results.json')
  : here('results.json');
await writeFile(resultsFile, `${JSON.stringify(results, null, 2)}\n`);
console.error(`\nresults: ${resultsFile}`);
if (!smoke && onlyArg === undefined) await updateReadme(table);

function renderTable(all, m, seconds, isSmoke) {
  const lines = [
    `Machine: ${m.cpu}, ${m.cpus} CPUs, ${m.totalMemoryGb} GB RAM, ${m.os}, Node ${m.node}; ` +
      `${m.date.slice(0, 10)}; whole run ${seconds} s${isSmoke ? ' (smoke: tiny sizes, not meaningful)' : ''}.`,
    '',
    '| # | scenario / metric | tgfetch | reference | ratio | target | met |',
    '| --- | --- | ---: | ---: | ---: | --- | --- |',
  ];
  let n = 0;
  for (const [, s] of Object.entries(all)) {
    n++;
    lines.push(`| **${n}** | **${s.title}** | | | | | |`);
    for (const r of s.rows) {
      const met = r.met === undefined ? '' : r.met ? 'yes' : '**no**';
      const ratio = r.ratio === undefined ? '' : `${fmt(r.ratio)}×`;
      lines.push(
        `| | ${r.metric} | ${fmt(r.ours)} | ${fmt(r.reference)} (${r.referenceName}) | ${ratio} | ${r.target} | ${met} |`,
      );
    }
  }
  return lines.join('\n');
}

async function updateReadme(tableText) {
  const file = here('README.md');
  const text = await readFile(file, 'utf8').catch(() => undefined);
  const start = '<!-- bench:table:start -->';
  const end = '<!-- bench:table:end -->';
  if (!text?.includes(start) || !text.includes(end)) return;
  const before = text.slice(0, text.indexOf(start) + start.length);
  const after = text.slice(text.indexOf(end));
  await writeFile(file, `${before}\n${tableText}\n${after}`);
}
