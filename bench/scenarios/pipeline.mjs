import { mkdir, mkdtemp, open, rename, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { runFetch } from '@tgfetch/core';
import { createFsStore } from '@tgfetch/fs-store';
import { createSimulatedSource } from '@tgfetch/telegram/testing';
import { childMain, runChild } from '../lib/child.mjs';
import { rangeCommand } from '../lib/command.mjs';
import { medianOf } from '../lib/stats.mjs';

/**
 * 1. Pipeline: a year of a busy chat from the simulated Telegram (no rate limit) through
 * the engine into fs-store, beside a minimal loop writing the same day files.
 */

const DAY = 86_400_000;
const CHAT = '@bench_pipeline';
const HEAP_CAP_MB = 64;

export const title = 'Pipeline: simulated Telegram → engine → fs-store';

export function params(smoke) {
  // 3,000 ids a day over 365 days is ~1.0 M messages (4% of ids are deleted ones).
  return smoke ? { days: 10, perDay: 300, runs: 1 } : { days: 365, perDay: 3000, runs: 3 };
}

export async function run(smoke) {
  const p = params(smoke);
  const runs = [];
  for (let i = 0; i < p.runs; i++) {
    const engine = await runChild(import.meta.url, 'engine', p);
    const floor = await runChild(import.meta.url, 'floor', p);
    runs.push({ engine, floor });
    log(`pipeline run ${i + 1}/${p.runs}`, engine, floor);
  }
  // Once more with V8's old space capped: how much of the peak is live data, how much lazy GC.
  const capped = await runChild(import.meta.url, 'engine', p, {
    nodeArgs: [`--max-old-space-size=${HEAP_CAP_MB}`],
  });
  const pick = (side, field) =>
    medianOf(
      runs.map((r) => r[side]),
      field,
    );
  const messages = runs[0].engine.messages;
  const engineRate = pick('engine', 'messagesPerSec');
  const writeOnly = pick('floor', 'writeOnlyPerSec');
  const writeOnlyAtomic = pick('floor', 'atomicWriteOnlyPerSec');
  const sameSource = pick('floor', 'loopPerSec');
  const drainSec = pick('floor', 'drainSec');
  const engineSec = pick('engine', 'seconds');
  // Time the engine and store add on top of draining the source.
  const overheadSec = Math.max(engineSec - drainSec, 1e-9);
  const rss = pick('engine', 'peakRssMb');
  const baseline = pick('engine', 'baselineRssMb');
  return {
    params: p,
    runs,
    capped,
    summary: {
      messages,
      engineMessagesPerSec: engineRate,
      floorWriteOnlyPerSec: writeOnly,
      floorAtomicWriteOnlyPerSec: writeOnlyAtomic,
      floorSameSourcePerSec: sameSource,
      sourceDrainSec: drainSec,
      engineSec,
      ratioToWriteOnlyFloor: engineRate / writeOnly,
      ratioToAtomicWriteOnlyFloor: engineRate / writeOnlyAtomic,
      ratioToSameSourceFloor: engineRate / sameSource,
      engineStoreOverheadPerSec: messages / overheadSec,
      peakRssMb: rss,
      baselineRssMb: baseline,
      cappedHeapMb: HEAP_CAP_MB,
      cappedPeakRssMb: capped.peakRssMb,
      cappedMessagesPerSec: capped.messagesPerSec,
      floorPeakRssMb: pick('floor', 'peakRssMb'),
    },
    rows: [
      {
        metric: `messages/s (${messages.toLocaleString('en-US')} msgs, ${p.days} days)`,
        ours: engineRate,
        reference: writeOnly,
        referenceName: 'minimal loop: stringify + writeFile (messages pre-generated)',
        ratio: engineRate / writeOnly,
        target: '≥ 0.5× floor',
        met: engineRate / writeOnly >= 0.5,
      },
      {
        metric: 'messages/s vs the same floor with temp+fsync+rename',
        ours: engineRate,
        reference: writeOnlyAtomic,
        referenceName: 'minimal loop: stringify + temp file + fsync + rename',
        ratio: engineRate / writeOnlyAtomic,
        target: '(≥ 0.5× floor)',
        met: engineRate / writeOnlyAtomic >= 0.5,
      },
      {
        metric: 'messages/s vs a minimal loop over the same source',
        ours: engineRate,
        reference: sameSource,
        referenceName: 'minimal loop: drain the simulated source, write each day',
        ratio: engineRate / sameSource,
        target: '(≥ 0.5×)',
        met: engineRate / sameSource >= 0.5,
      },
      {
        metric: 'engine + fs-store alone: messages/s once the source drain is taken out',
        ours: messages / overheadSec,
        reference: writeOnly,
        referenceName: 'minimal loop: stringify + writeFile',
        ratio: messages / overheadSec / writeOnly,
        target: '(≥ 0.5× floor)',
        met: messages / overheadSec / writeOnly >= 0.5,
      },
      {
        metric: 'peak RSS, MB',
        ours: rss,
        reference: pick('floor', 'peakRssMb'),
        referenceName: 'the minimal loop',
        ratio: rss / pick('floor', 'peakRssMb'),
        target: '< 200 MB',
        met: rss < 200,
      },
      {
        metric: `peak RSS, MB, with --max-old-space-size=${HEAP_CAP_MB} (${Math.round(capped.messagesPerSec).toLocaleString('en-US')} msg/s)`,
        ours: capped.peakRssMb,
        reference: baseline,
        referenceName: 'RSS of the same process after loading its modules',
        ratio: capped.peakRssMb / baseline,
        target: '(< 200 MB)',
        met: capped.peakRssMb < 200,
      },
    ],
  };
}

function log(what, engine, floor) {
  process.stderr.write(
    `  ${what}: engine ${Math.round(engine.messagesPerSec)} msg/s, ${Math.round(engine.peakRssMb)} MB; ` +
      `floor write-only ${Math.round(floor.writeOnlyPerSec)} msg/s, same-source loop ${Math.round(floor.loopPerSec)} msg/s\n`,
  );
}

/** The history ends at the start of today (UTC), so every day of the range is complete. */
function window(days) {
  const end = Math.floor(Date.now() / DAY) * DAY;
  return { start: end - days * DAY, end };
}

function source(p, end) {
  return createSimulatedSource({
    now: end,
    historyDays: p.days,
    messagesPerDay: p.perDay,
    pacing: false,
  });
}

async function engine(p) {
  const { start, end } = window(p.days);
  const dir = await mkdtemp(path.join(os.tmpdir(), 'tgfetch-bench-pipeline-'));
  const store = createFsStore({ dataDir: dir });
  const src = source(p, end);
  const command = rangeCommand(CHAT, start, end, 'batch');
  const events = { publish: async () => {} };
  const t0 = performance.now();
  const outcome = await runFetch(command, { source: src, store, progress: store, events });
  const seconds = (performance.now() - t0) / 1000;
  if (outcome.event !== 'completed')
    throw new Error(`fetch failed: ${JSON.stringify(outcome.error)}`);
  await store.close();
  await rm(dir, { recursive: true, force: true });
  return {
    messages: outcome.processed,
    days: outcome.days.length,
    seconds,
    messagesPerSec: outcome.processed / seconds,
    getHistory: src.telegram.stats.getHistory,
  };
}

/**
 * The floor: the same source drained by a bare loop that cuts days and writes each one with
 * nothing else (no merge with an existing file, no lock, no progress record). The writes are
 * timed on their own too: "messages pre-generated per day, then serialised and written".
 */
async function floor(p) {
  const { start, end } = window(p.days);
  const dir = await mkdtemp(path.join(os.tmpdir(), 'tgfetch-bench-floor-'));
  const src = source(p, end);
  const signal = new AbortController().signal;
  let writeMs = 0;
  let atomicMs = 0;
  let messages = 0;
  let day = [];
  let dayStart = end - DAY;
  const flush = async () => {
    const date = new Date(dayStart).toISOString().slice(0, 10);
    const doc = {
      chat: CHAT,
      date,
      time_zone: 'UTC',
      fetched_at: new Date().toISOString(),
      complete: true,
      count: day.length,
      messages: day.reverse(),
    };
    const folder = path.join(dir, 'plain', date.slice(0, 4));
    const atomicFolder = path.join(dir, 'atomic', date.slice(0, 4));
    const t0 = performance.now();
    await mkdir(folder, { recursive: true });
    await writeFile(
      path.join(folder, `discussions_${date}.json`),
      `${JSON.stringify(doc, null, 2)}\n`,
    );
    const t1 = performance.now();
    await mkdir(atomicFolder, { recursive: true });
    await writeAtomic(
      path.join(atomicFolder, `discussions_${date}.json`),
      `${JSON.stringify(doc, null, 2)}\n`,
    );
    writeMs += t1 - t0;
    atomicMs += performance.now() - t1;
    day = [];
  };
  const t0 = performance.now();
  for await (const message of src.messages({ chat: CHAT, from: start, to: end }, signal)) {
    const time = Date.parse(message.date);
    while (time < dayStart) {
      await flush();
      dayStart -= DAY;
    }
    day.push(message);
    messages++;
  }
  while (dayStart >= start) {
    await flush();
    dayStart -= DAY;
  }
  // The loop's own time counts one write per day (the plain one), not both.
  const loopSec = (performance.now() - t0 - atomicMs) / 1000;
  await rm(dir, { recursive: true, force: true });
  return {
    messages,
    loopSec,
    loopPerSec: messages / loopSec,
    drainSec: loopSec - writeMs / 1000,
    writeOnlySec: writeMs / 1000,
    writeOnlyPerSec: messages / (writeMs / 1000),
    atomicWriteOnlySec: atomicMs / 1000,
    atomicWriteOnlyPerSec: messages / (atomicMs / 1000),
  };
}

async function writeAtomic(file, data) {
  const temp = `${file}.${process.pid}.tmp`;
  const handle = await open(temp, 'w');
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temp, file);
  const folder = await open(path.dirname(file), 'r');
  await folder.sync();
  await folder.close();
}

await childMain(import.meta.url, { engine, floor });
