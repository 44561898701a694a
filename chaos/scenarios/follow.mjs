// Live follow under fire: the simulated Telegram posts, edits and deletes in three chats
// at 50 changes/s on a timeline every process shares, dropping 10% of its pushes, while
// three daemons follow them (one at a time, under the account's lease) and are SIGKILLed
// at random (20 kills, each replaced) and redis-server is killed and restarted once
// (AOF, fsync always). Afterwards every chat's day files must equal the simulated truth:
// each message posted present once, at its last edit, each deleted one a tombstone.
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { loadSimulatedTelegram } from '../lib/env.mjs';
import { CHATS, inScenario } from '../lib/harness.mjs';
import { sleep, waitUntil } from '../lib/util.mjs';

export const name = 'follow';

const RATE = 50;

export function run({ rng, short, seed }) {
  return inScenario('follow', { rng, seed, persistent: true }, async (w) => {
    const chats = CHATS.slice(0, 3);
    const seconds = short ? 16 : 60;
    const kills = 20;
    // Far enough ahead for the first daemons to be following when the first change comes.
    const epochMs = Date.now() + 8_000;
    const untilMs = epochMs + seconds * 1_000;
    const live = { eventsPerSecond: RATE, dropRatio: 0.1, timeline: { epochMs, untilMs, chats } };
    const env = {
      FOLLOW_CHATS: chats.map((c) => `@${c}`).join(','),
      FOLLOW_POLL_MS: '1000',
      FOLLOW_LEASE_TTL_MS: '1500',
    };
    let serial = 0;
    const spawn = () => w.spawn(`f${++serial}`, env, { live });
    const alive = [spawn(), spawn(), spawn()];
    await Promise.all(alive.map((d) => d.waitReady()));
    const following = () => alive.find((d) => lastFollowing(d));
    if (!(await waitUntil(following, { timeoutMs: Math.max(1_000, epochMs - Date.now()) }))) {
      throw new Error('no daemon was following when the timeline began');
    }
    await waitUntil(() => Date.now() >= epochMs, { timeoutMs: 10_000 });
    const gap = (seconds * 1_000) / (kills + 1);
    let redisRestarted = false;
    let holderKills = 0;
    for (let k = 0; k < kills; k++) {
      await sleep(rng.int(gap / 2, gap * 1.5));
      if (!redisRestarted && k === Math.floor(kills / 2)) {
        await w.redis.stop('SIGKILL');
        await sleep(rng.int(200, 1_000));
        await w.redis.start();
        redisRestarted = true;
      }
      // Mostly the one following: that is where a kill can lose something.
      const holder = rng.chance(0.7) ? await waitUntil(following, { timeoutMs: 4_000 }) : undefined;
      const victim = holder || rng.pick(alive);
      if (victim === holder) holderKills++;
      victim.kill('SIGKILL');
      alive.splice(alive.indexOf(victim), 1);
      alive.push(spawn());
    }
    await waitUntil(() => Date.now() > untilMs, { timeoutMs: seconds * 1_000 + 30_000 });

    const createSimulatedTelegram = await loadSimulatedTelegram();
    const truth = createSimulatedTelegram({ ...w.simOptions, live });
    let report;
    const settled = await waitUntil(
      async () => {
        report = await compare(w.dataDir, truth, chats);
        return report.problems.length === 0;
      },
      { timeoutMs: 45_000, everyMs: 1_000 },
    );
    truth.live.stop();
    await w.stopAll();
    const violations = settled ? [] : report.problems.slice(0, 20);
    return {
      trials: kills,
      result: {
        commands: {
          pushed: 0,
          completed: 0,
          failed: 0,
          dead: 0,
          lost: report.missing,
          redelivered: 0,
          codes: {},
        },
        data: {
          duplicates: report.duplicates,
          broken: 0,
          mismatched: report.stale,
          files: report.files,
        },
        violations,
      },
      notes: `${report.posted} posted, ${report.edits} edits, ${report.deleted} deleted over ${seconds} s at ${RATE}/s (10% of pushes dropped); ${kills} SIGKILLs (${holderKills} of the follower), redis-server killed and restarted once; ${report.missing} missing, ${report.duplicates} duplicated, ${report.stale} not at their last version`,
    };
  });
}

/** Whether a daemon's last word on live follow is that it follows. */
function lastFollowing(daemon) {
  if (!daemon.alive) return false;
  const said = daemon.lines.filter(
    (l) => l.msg === 'following live' || l.msg === 'not following live',
  );
  return said.at(-1)?.msg === 'following live';
}

/** The day files of each chat against the simulated truth. */
async function compare(dataDir, telegram, chats) {
  const out = {
    problems: [],
    posted: 0,
    edits: 0,
    deleted: 0,
    missing: 0,
    duplicates: 0,
    stale: 0,
    files: 0,
  };
  for (const chat of chats) {
    const folder = path.join(dataDir, telegram.chat(chat).markedId);
    const stored = new Map();
    for (const file of await filesUnder(folder)) {
      out.files++;
      const text = await readFile(file, 'utf8');
      const messages = file.endsWith('.jsonl')
        ? text
            .split('\n')
            .filter(Boolean)
            .slice(1)
            .map((l) => JSON.parse(l))
        : JSON.parse(text).messages;
      for (const m of messages) {
        if (stored.has(m.id)) out.duplicates++;
        stored.set(m.id, m);
      }
    }
    const now = telegram.live.truth(`@${chat}`);
    for (const id of telegram.live.posted(`@${chat}`)) {
      out.posted++;
      const m = stored.get(id);
      const t = now.get(id);
      if (!t) out.deleted++;
      else if (t.edit_date) out.edits++;
      if (!m) {
        out.missing++;
        out.problems.push(`${chat} #${id}: missing`);
      } else if (
        !t
          ? m.deleted !== true
          : m.deleted === true || m.text !== t.text || m.edit_date !== t.edit_date
      ) {
        out.stale++;
        out.problems.push(
          `${chat} #${id}: ${!t ? 'deleted but no tombstone' : 'not at its last version'}`,
        );
      }
    }
  }
  return out;
}

async function filesUnder(dir) {
  const found = [];
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return found;
  }
  for (const e of entries) {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) found.push(...(await filesUnder(full)));
    else if (/^discussions_.*\.(json|jsonl)$/.test(e.name)) found.push(full);
  }
  return found;
}
