// The disk failing under the daemon. The data directory is a small tmpfs mounted for the
// scenario: remounted read-only mid-run (chmod -w would not stop a root daemon, and this
// suite usually runs as root), and filled to a few KiB so a multi-day command runs out of
// space part-way. Commands must fail with STORE_READ_ONLY / STORE_FULL, leave no temp or
// half-written file and change no existing file, and succeed once the disk is back.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdir, readFile, rm, statfs, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { loadSimulatedTelegram } from '../lib/env.mjs';
import { openScenario } from '../lib/harness.mjs';

export const name = 'disk';
export const names = ['disk-read-only', 'disk-full'];

export async function run({ rng, short, seed, only }) {
  const wanted = (n) => !only || only.some((o) => n.startsWith(o));
  const out = [];
  if (wanted('disk-read-only'))
    out.push(await scenario('disk-read-only', readOnly, { rng, short, seed }));
  if (wanted('disk-full')) out.push(await scenario('disk-full', full, { rng, short, seed }));
  return out;
}

async function scenario(label, body, { rng, short, seed }) {
  const w = await openScenario(label, { rng, seed, sim: { latencyMs: 2 } });
  const mounted = mount(w.dataDir, label === 'disk-full' ? '1m' : '16m');
  if (mounted !== true) {
    return {
      name: label,
      skipped: `cannot mount a tmpfs here (${mounted}); nothing run`,
      world: w,
    };
  }
  try {
    const daemon = w.spawn('w1', { RETRY_MAX_ATTEMPTS: '2' });
    await daemon.waitReady();
    const trials = short ? 1 : 3;
    const notes = await body(w, trials);
    const result = await w.verify();
    if (result.data.temps > 0)
      result.violations.push(`${result.data.temps} temp files left behind`);
    result.violations.push(...notes.violations);
    return { name: label, trials, result, world: w, notes: notes.text };
  } catch (error) {
    return { name: label, error: String(error.stack ?? error), world: w };
  } finally {
    sh('umount', ['-l', w.dataDir]);
  }
}

async function readOnly(w, trials) {
  const violations = [];
  const codes = [];
  for (let trial = 0; trial < trials; trial++) {
    const chatName = `chaos_ro_${trial}`;
    await w.push(w.command({ chatName }));
    await w.waitFinal();
    const before = await snapshot(w.dataDir);
    sh('mount', ['-o', 'remount,ro', w.dataDir]);
    // Both must write: `force` re-fetches days already complete (else a command with nothing
    // to write rightly completes on a read-only disk).
    const blocked = [
      w.command({ chatName, options: { force: true } }),
      w.command({ chatName: `chaos_ro_new_${trial}` }),
    ];
    await w.push(blocked, { expectFailure: 'STORE_READ_ONLY' });
    await w.waitFinal();
    for (const c of blocked)
      codes.push(w.recorder.finals(c.command_id)[0]?.error?.code ?? 'completed');
    const after = await snapshot(w.dataDir);
    if (after !== before) violations.push('the read-only data directory changed');
    sh('mount', ['-o', 'remount,rw', w.dataDir]);
    await w.push(blocked.map((c) => ({ ...c, command_id: `${c.command_id}-again` })));
    await w.waitFinal();
  }
  checkExpected(w, violations, 'STORE_READ_ONLY');
  return {
    violations,
    text: `tmpfs remounted read-only mid-run: ${codes.length} commands answered ${[...new Set(codes)]}; all re-run after remount rw`,
  };
}

async function full(w, trials) {
  const violations = [];
  const codes = [];
  const filler = path.join(w.dataDir, '.filler');
  const storedFirst = [];
  for (let trial = 0; trial < trials; trial++) {
    const chatName = `chaos_full_${trial}`;
    // Room for the newest day of the range and the progress file, not for the next day: the
    // command runs out of space part-way (the engine walks newest first).
    const sizes = await daySizes(w, chatName, 10, 3);
    const fs = await statfs(w.dataDir);
    const free = fs.bavail * fs.bsize;
    const room = pages(sizes[0]) + 8192;
    await writeFile(filler, Buffer.alloc(Math.max(0, free - room)));
    const command = w.command({
      chatName,
      mode: 'range',
      from: isoBack(w, 10),
      to: isoBack(w, 3),
      strategy: trial % 2 === 0 ? 'batch' : 'per_day',
    });
    await w.push(command, { expectFailure: 'STORE_FULL' });
    await w.waitFinal();
    codes.push(w.recorder.finals(command.command_id)[0]?.error?.code ?? 'completed');
    const folder = (await loadSimulatedTelegram())(w.simOptions).chat(chatName).markedId;
    storedFirst.push(await dayFiles(path.join(w.dataDir, folder)));
    await rm(filler);
    await w.push({ ...command, command_id: `${command.command_id}-again` });
    await w.waitFinal();
  }
  checkExpected(w, violations, 'STORE_FULL');
  return {
    violations,
    text: `1 MiB tmpfs filled to leave room for about one day file before an 8-day command: answered ${[...new Set(codes)]} with ${storedFirst.join('/')} of 8 day files written whole before it; re-run after space returned`,
  };
}

function checkExpected(w, violations, code) {
  for (const p of w.pushed) {
    const first = w.recorder.finals(p.id)[0];
    if (p.expectFailure && (first?.event !== 'failed' || first.error.code !== code))
      violations.push(
        `${p.id}: wanted failed ${code}, got ${first?.event} ${first?.error?.code ?? ''}`,
      );
    if (!p.expectFailure && first?.event !== 'completed')
      violations.push(`${p.id}: wanted completed, got ${first?.event} ${first?.error?.code ?? ''}`);
  }
}

function mount(dir, size) {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir], { stdio: 'pipe' });
    return true;
  } catch (error) {
    return String(error.stderr ?? error.message)
      .trim()
      .split('\n')[0];
  }
}

function sh(cmd, args) {
  try {
    execFileSync(cmd, args, { stdio: 'pipe' });
  } catch (error) {
    throw new Error(`${cmd} ${args.join(' ')}: ${String(error.stderr ?? error.message).trim()}`);
  }
}

async function snapshot(dir) {
  const hash = createHash('sha1');
  const walk = async (d) => {
    for (const e of (await readdir(d, { withFileTypes: true })).sort((a, b) =>
      a.name < b.name ? -1 : 1,
    )) {
      const p = path.join(d, e.name);
      hash.update(p);
      if (e.isDirectory()) await walk(p);
      else hash.update(await readFile(p));
    }
  };
  await walk(dir);
  return hash.digest('hex');
}

async function dayFiles(chatDir) {
  let n = 0;
  for (const year of await readdir(chatDir).catch(() => [])) {
    if (/^\d{4}$/.test(year))
      n += (await readdir(path.join(chatDir, year))).filter((f) =>
        f.startsWith('discussions_'),
      ).length;
  }
  return n;
}

const pages = (bytes) => Math.ceil(bytes / 4096) * 4096;

/** Estimated sizes of a chat's day files, newest first, from `newest` to `oldest` days back. */
async function daySizes(w, chatName, oldest, newest) {
  const createSimulatedTelegram = await loadSimulatedTelegram();
  const chat = createSimulatedTelegram(w.simOptions).chat(chatName);
  const sizes = [];
  for (let back = newest; back <= oldest; back++) {
    const from = w.simOptions.now - back * 86_400_000;
    const messages = chat.messages({ from, to: from + 86_400_000 });
    sizes.push(
      JSON.stringify(
        {
          chat: chat.markedId,
          date: '',
          time_zone: 'UTC',
          fetched_at: new Date().toISOString(),
          complete: true,
          count: 0,
          messages,
        },
        null,
        2,
      ).length + 64,
    );
  }
  return sizes;
}

function isoBack(w, days) {
  return new Date(w.simOptions.now - days * 86_400_000).toISOString().slice(0, 10);
}
