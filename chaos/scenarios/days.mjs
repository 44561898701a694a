// Every stored day is the day it claims (issue 13): chats fetched in three zones, commands
// in the wrong zone (with and without force), day files deleted and truncated behind the
// store's back, then a chat imported from an old Telegram Desktop export and from a newer
// one. The checker proves that every day file holds exactly its zone's window of its
// source's messages, that no chat folder mixes zones, and that every day reported complete
// is there at the end.
import { rm, truncate, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { loadExportSource, loadSimulatedTelegram } from '../lib/env.mjs';
import { openScenario } from '../lib/harness.mjs';
import { DAY_MS, isoDay } from '../lib/util.mjs';

export const name = 'days-as-claimed';

/** The zone each chat is first fetched in (absent: the daemon's TGFETCH_TZ, UTC). */
const ZONES = {
  chaos_alpha: undefined,
  chaos_bravo: 'Asia/Tokyo',
  chaos_charlie: 'America/New_York',
};
const OTHER_ZONES = ['UTC', 'Asia/Tokyo', 'America/New_York', 'Europe/Berlin'];
/** The imported chat: Telegram Desktop serves a channel under its marked id. */
const EXPORT_ID = 777000111;
const EXPORT_CHAT = `-100${EXPORT_ID}`;

export async function run({ rng, short, seed }) {
  const w = await openScenario(name, { rng, seed });
  const end = w.simOptions.now;
  const ago = (n) => isoDay(end - n * DAY_MS);
  const expectations = new Map();
  const expect = (command, finals) => expectations.get(command.id)?.(finals.at(-1));
  let counter = 0;
  const push = async (body, check) => {
    const command = { command: 'fetch', command_id: `${name}-${++counter}`, ...body };
    expectations.set(command.command_id, check);
    await w.push(command);
    return command.command_id;
  };
  const drain = async (what) => {
    if (!(await w.waitFinal(undefined, 120_000)))
      throw new Error(`${what}: not every command ended`);
  };
  const completedWith = (want) => (final) => {
    if (final.event !== 'completed') return `wanted completed, got failed ${final.error?.code}`;
    return want?.(final);
  };
  const zoneConflict = (final) =>
    final.event === 'failed' && final.error.code === 'ZONE_CONFLICT'
      ? undefined
      : `wanted failed ZONE_CONFLICT, got ${final.event} ${final.error?.code ?? ''}`;
  const rounds = short ? 2 : 5;

  // 1. Zones: each chat in its zone, then the same chat in another zone (force or not).
  // One command at a time: a chat's first command must claim its zone before the conflicting one.
  const live = w.spawn('w-live', { FETCH_CONCURRENCY: '1' });
  await live.waitReady();
  const ranges = [];
  for (let i = 0; i < rounds; i++) {
    for (const [chat, tz] of Object.entries(ZONES)) {
      const last = rng.int(3, 20);
      const range = { from: ago(last + rng.int(0, 4)), to: ago(last) };
      ranges.push({ chat, tz, range });
      const options = { ...(tz ? { tz } : {}), ...(rng.chance(0.3) ? { force: true } : {}) };
      await push(
        {
          chat: `@${chat}`,
          mode: 'range',
          ...range,
          strategy: rng.pick(['batch', 'per_day']),
          options,
        },
        completedWith(),
      );
      const other = rng.pick(OTHER_ZONES.filter((z) => z !== (tz ?? 'UTC')));
      await push(
        {
          chat: `@${chat}`,
          mode: 'range',
          ...range,
          options: { tz: other, force: rng.chance(0.5) },
        },
        zoneConflict,
      );
    }
  }
  await drain('zones');

  // 2. Damage: delete or truncate stored days, then run the same commands again (no force).
  const damaged = [];
  // A chat's folder is its canonical identity (the simulated chat's marked id).
  const simulated = (await loadSimulatedTelegram())({ ...w.simOptions, faults: undefined });
  for (const { chat, tz, range } of ranges.slice(0, rounds * 2)) {
    const day = range.to;
    const folder = simulated.chat(chat).markedId;
    const file = path.join(w.dataDir, folder, day.slice(0, 4), `discussions_${day}.json`);
    if (rng.chance(0.5)) await rm(file, { force: true });
    else await truncate(file, rng.int(0, 40)).catch(() => {});
    damaged.push({ chat, day });
    await push(
      { chat: `@${chat}`, mode: 'range', ...range, ...(tz ? { options: { tz } } : {}) },
      completedWith((final) => {
        const entry = final.days.find((d) => d.date === day);
        if (entry?.outcome !== 'stored' && entry?.outcome !== 'skipped')
          return `${day} was damaged and came back as ${entry?.outcome}`;
        return undefined;
      }),
    );
  }
  await drain('damage');
  await live.stop();

  // 3. Imports: an old export (posts up to 12 days ago), then a newer one (up to 2 days ago).
  const posts = exportPosts(end - 30 * DAY_MS, end - 2 * DAY_MS, rng);
  const oldFile = path.join(w.dir, 'old-export.json');
  const newFile = path.join(w.dir, 'new-export.json');
  await writeFile(
    oldFile,
    JSON.stringify(channelExport(posts.filter((p) => p.at < end - 11 * DAY_MS))),
  );
  await writeFile(newFile, JSON.stringify(channelExport(posts)));
  const lastOld = ago(12);
  const importRange = { chat: EXPORT_CHAT, mode: 'range', from: ago(34), to: ago(4) };
  const coveredBy = (first, last) => (final) => {
    for (const d of final.days) {
      const inside = d.date >= first && d.date <= last;
      // An export's first and last days are edge days: it does not say when in them it
      // began or was made, so they are stored partial, never complete.
      const edge = d.date === first || d.date === last;
      const whole = d.outcome === 'stored' || d.outcome === 'skipped';
      if (inside && !whole && !(edge && d.outcome === 'partial'))
        return `${d.date} is inside the export and came out ${d.outcome}`;
      if (!inside && d.outcome !== 'not_covered')
        return `${d.date} is outside the export and came out ${d.outcome}`;
    }
    return undefined;
  };
  const firstPost = isoDay(posts[0].at);
  const old = w.spawn('w-old-export', { TGFETCH_SOURCE: `export:${oldFile}` });
  await old.waitReady();
  await push(importRange, completedWith(coveredBy(firstPost, lastOld)));
  await push({ chat: EXPORT_CHAT, mode: 'days', days: 3 }, completedWith(coveredBy('', '')));
  await drain('old export');
  await old.stop();
  const newer = w.spawn('w-new-export', { TGFETCH_SOURCE: `export:${newFile}` });
  await newer.waitReady();
  await push(
    importRange,
    completedWith((final) => {
      const missed = coveredBy(firstPost, ago(2))(final);
      if (missed) return missed;
      const filled = final.days.filter((d) => d.date > lastOld && d.outcome === 'stored');
      return filled.length === 0
        ? 'the newer export filled none of the days after the old one'
        : undefined;
    }),
  );
  await push(
    { chat: EXPORT_CHAT, mode: 'range', from: ago(8), to: ago(2), options: { tz: 'Asia/Tokyo' } },
    zoneConflict,
  );
  await drain('newer export');

  const createExportSource = await loadExportSource();
  const truth = createExportSource({ file: newFile });
  try {
    const sources = {
      [EXPORT_CHAT]: async (from, to) => {
        const out = [];
        const signal = new AbortController().signal;
        for await (const m of truth.messages({ chat: EXPORT_CHAT, from, to }, signal)) out.push(m);
        return out.sort((a, b) => a.id - b.id);
      },
    };
    const result = await w.verify({ expect, sources });
    const kinds = Object.values(ZONES).map((z) => z ?? 'UTC');
    return {
      trials: rounds,
      result,
      world: w,
      notes: `zones ${kinds.join(', ')}; ${damaged.length} days deleted or truncated; ${result.data.files} day files checked against their zone's window`,
    };
  } finally {
    await truth.close();
  }
}

/** A post every 3-9 hours between two instants: ids ascending with time. */
function exportPosts(from, to, rng) {
  const posts = [];
  for (let at = from + rng.int(1, 3) * 3_600_000; at < to; at += rng.int(3, 9) * 3_600_000) {
    posts.push({ id: posts.length + 1, at });
  }
  return posts;
}

/** What Telegram Desktop writes for a channel ("Export chat history", JSON). */
function channelExport(posts) {
  return {
    name: 'Chaos channel',
    type: 'public_channel',
    id: EXPORT_ID,
    messages: posts.map(({ id, at }) => ({
      id,
      type: 'message',
      date: new Date(at).toISOString().slice(0, 19),
      date_unixtime: String(Math.floor(at / 1000)),
      from: 'Chaos channel',
      from_id: `channel${EXPORT_ID}`,
      text: `post ${id}`,
      text_entities: [{ type: 'plain', text: `post ${id}` }],
    })),
  };
}
