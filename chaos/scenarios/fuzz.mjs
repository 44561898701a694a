// Hostile commands through the real queue to one daemon: random JSON, wrong types, strings
// over 64 KiB, deep nesting, path tricks in `chat`, invalid UTF-8 (pushed as raw bytes),
// binary and broken JSON. The daemon must never crash, answer each with exactly one
// `failed` event carrying a code (matched by command_id where the payload has a valid one,
// counted otherwise: identical id-less payloads are one command, whose identical events
// may count once), write nothing outside its data directory, and still serve a valid
// command at the end.
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { createFuzzer } from '../lib/fuzz-gen.mjs';
import { openScenario } from '../lib/harness.mjs';
import { isoDay } from '../lib/util.mjs';

export const name = 'fuzz';

const SAFE_FOLDER = /^(?:[a-z][a-z0-9_]{0,63}|-?[0-9]{1,20})$/;

export async function run({ rng, short, seed }) {
  const total = short ? 2_000 : 10_000;
  const w = await openScenario('fuzz', { rng, seed });
  try {
    const daemon = w.spawn('fz1');
    await daemon.waitReady();
    const next = createFuzzer(rng, { today: isoDay(Date.now()) });
    const kinds = {};
    const withId = new Map();
    // Identical payloads without a valid command_id are one command to the queue (one
    // delivery count, one id through all deliveries): their events may be identical too,
    // and the recorder keeps identical events once.
    const idless = new Set();
    let repeats = 0;
    let pushed = 0;
    while (pushed < total) {
      const batch = Array.from({ length: Math.min(250, total - pushed) }, next);
      await w.admin.rPush(
        'chaos:commands',
        batch.map((b) => (typeof b.payload === 'string' ? b.payload : b.payload)),
      );
      for (const b of batch) {
        kinds[b.kind] = (kinds[b.kind] ?? 0) + 1;
        if (b.id) withId.set(b.id, b);
        else {
          const key = Buffer.from(b.payload).toString('base64');
          if (idless.has(key)) repeats++;
          idless.add(key);
        }
      }
      pushed += batch.length;
    }
    const answered = () => {
      let n = 0;
      for (const entry of w.recorder.byCommand.values()) n += entry.finals.length;
      return n;
    };
    let lastSync = 0;
    const { waitUntil } = await import('../lib/util.mjs');
    await waitUntil(
      async () => {
        if (Date.now() - lastSync > 500) {
          lastSync = Date.now();
          await w.recorder.sync();
        }
        return answered() >= total - repeats;
      },
      { timeoutMs: short ? 120_000 : 600_000 },
    );
    // Repeats may still be answering (their events differ when not in the same millisecond):
    // wait until the count stands still.
    for (let before = -1; answered() !== before && answered() < total; ) {
      before = answered();
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      await w.recorder.sync();
    }
    const finalsAfterFuzz = answered();
    // Still serving: a valid command after the storm completes.
    const probe = w.command({ command_id: 'fuzz-probe' });
    await w.push(probe);
    const served = await w.waitFinal(['fuzz-probe'], 30_000);
    const alive = daemon.alive;
    const exit = await daemon.stop();

    const violations = [];
    if (!alive) violations.push(`the daemon died during the fuzz (see ${daemon.logFile})`);
    if (exit.code !== 0)
      violations.push(`exit code after SIGTERM: ${exit.code} ${exit.signal ?? ''}`);
    if (!served || w.recorder.finals('fuzz-probe')[0]?.event !== 'completed')
      violations.push('a valid command after the fuzz did not complete');
    if (finalsAfterFuzz < total - repeats || finalsAfterFuzz > total)
      violations.push(
        `${total} hostile payloads (${repeats} repeating an id-less one), ${finalsAfterFuzz} final events`,
      );
    let echoed = 0;
    let completedTricks = 0;
    const codes = {};
    for (const entry of w.recorder.byCommand.values()) {
      for (const f of entry.finals) {
        if (f.command_id === 'fuzz-probe') continue;
        if (f.event === 'failed') {
          codes[f.error?.code] = (codes[f.error?.code] ?? 0) + 1;
          if (typeof f.error?.code !== 'string' || !f.error.code)
            violations.push(`failed event without a code: ${JSON.stringify(f).slice(0, 200)}`);
        }
      }
    }
    for (const [id, b] of withId) {
      const finals = w.recorder.finals(id);
      if (finals.length === 1) echoed++;
      if (finals.length > 1) violations.push(`${id} (${b.kind}) answered ${finals.length} times`);
      if (finals.length === 0)
        violations.push(`${id} (${b.kind}) answered under another id or not at all`);
      const f = finals[0];
      if (f?.event === 'completed') {
        if (b.mayComplete) completedTricks++;
        else violations.push(`${id} (${b.kind}) completed: ${String(b.payload).slice(0, 120)}`);
      }
    }
    // Nothing outside the data directory, and only safe chat folders inside it.
    const outside = (await readdir(w.dir)).filter((n) => !['data', 'logs', 'redis'].includes(n));
    if (outside.length > 0)
      violations.push(`written beside the data directory: ${outside.join(', ')}`);
    const folders = (await readdir(w.dataDir)).filter((n) => !SAFE_FOLDER.test(n));
    if (folders.length > 0)
      violations.push(`unsafe chat folders: ${folders.map((f) => JSON.stringify(f)).join(', ')}`);

    const result = await w.verify();
    result.violations.push(...violations.slice(0, 30));
    // The table counts the hostile payloads and the probe.
    Object.assign(result.commands, {
      pushed: total + 1,
      completed:
        completedTricks + (w.recorder.finals('fuzz-probe')[0]?.event === 'completed' ? 1 : 0),
      failed: Object.values(codes).reduce((s, n) => s + n, 0),
      lost: Math.max(0, total - repeats - finalsAfterFuzz),
      codes,
    });
    return {
      trials: total,
      result,
      world: w,
      notes: `${total} payloads (${Object.entries(kinds)
        .map(([k, n]) => `${n} ${k}`)
        .join(
          ', ',
        )}); ${echoed}/${withId.size} answered under their own command_id; ${completedTricks} path tricks were safe chats and completed; codes ${JSON.stringify(codes)}; ${path.basename(daemon.logFile)} one process, never restarted`,
    };
  } catch (error) {
    error.world = w;
    throw error;
  }
}
