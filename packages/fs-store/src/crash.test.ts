import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { ChildRun } from '@tgfetch/test-utils';
import { describe, expect, it } from 'vitest';
import { createFsStore } from './index.js';
import { useChild } from './testing-fixtures/child-runner.js';

/**
 * Kill -9 at random moments: whatever instant a worker dies, every day file parses, no
 * message is duplicated, no message reported as stored is lost, and progress agrees with
 * the files. Children run several at a time on the same chats, so they also take over
 * each other's locks left behind by the dead.
 */

const KILLS = 200;
const LANES = 3;

// A type, not an interface: it is a `Record<string, unknown>`, as a parsed line is.
type Stored = {
  chat: string;
  date: string;
  stored: Array<[number, string | null]>;
};

const isStored = (line: unknown): line is Stored =>
  typeof line === 'object' && line !== null && 'stored' in line;

const bundled = useChild();

async function walk(folder: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(folder, { withFileTypes: true })) {
    const full = path.join(folder, entry.name);
    if (entry.isDirectory()) out.push(...(await walk(full)));
    else out.push(full);
  }
  return out;
}

describe('crash safety', () => {
  it(`keeps every file whole across ${KILLS} SIGKILLs`, { timeout: 180_000 }, async () => {
    const data = path.join(bundled.dir, 'data');
    const reports: Stored[] = [];
    let kills = 0;
    // Each child is killed only after it reported the writes it was told to wait for, so
    // the reports hold at least their sum, whatever the machine's speed.
    let awaited = 0;

    const lane = async () => {
      while (kills < KILLS) {
        kills++;
        const format = Math.random() < 0.5 ? 'json' : 'jsonl';
        const child = bundled.spawn('crash', data, format);
        // Let it store a random number of days (none, for a kill while it starts its
        // first write), then kill it a random few milliseconds later.
        const writes = Math.floor(Math.random() * 3);
        // The first line says it is ready: writes are counted from there.
        const reported = (c: ChildRun) =>
          c.jsonLines().length > 0 && c.jsonLines().filter(isStored).length >= writes;
        await child.waitFor(reported, { what: `${writes} writes` });
        awaited += writes;
        const kill = setTimeout(() => child.child.kill('SIGKILL'), Math.random() * 15);
        const { signal } = await child.exited;
        clearTimeout(kill);
        expect(signal, child.stderr()).toBe('SIGKILL');
        reports.push(...child.jsonLines().filter(isStored));
      }
    };
    await Promise.all(Array.from({ length: LANES }, lane));
    expect(kills).toBeGreaterThanOrEqual(KILLS);
    expect(reports.length).toBeGreaterThanOrEqual(awaited);
    expect(reports.length).toBeGreaterThan(0);

    const files = await walk(data);
    expect(files.filter((f) => f.includes('.corrupt-'))).toEqual([]);

    const store = createFsStore({ dataDir: data });
    const chats = await store.listChats();
    expect(chats.length).toBeGreaterThan(0);
    let checkedDays = 0;
    for (const chat of chats) {
      for (const date of await store.listDays(chat)) {
        const doc = await store.readDay(chat, date);
        const ids = doc!.messages.map((m) => m.id);
        expect(doc!.count).toBe(ids.length);
        expect(ids).toEqual([...new Set(ids)].sort((a, b) => a - b));
        checkedDays++;
      }
      for (const record of await store.listProgress(chat)) {
        const doc = await store.readDay(chat, record.date);
        expect(doc?.complete).toBe(true);
        expect(record.count).toBe(doc?.count);
        const text = await readFile(path.join(data, record.location), 'utf8');
        expect(text.length).toBeGreaterThan(0);
      }
    }
    expect(checkedDays).toBeGreaterThan(0);

    for (const report of reports) {
      const doc = await store.readDay(report.chat, report.date);
      const byId = new Map(doc!.messages.map((m) => [m.id, m]));
      for (const [id, edit] of report.stored) {
        const kept = byId.get(id);
        expect(kept, `${report.chat} ${report.date} #${id}`).toBeDefined();
        if (edit)
          expect(Date.parse(String(kept!.edit_date))).toBeGreaterThanOrEqual(Date.parse(edit));
      }
    }

    // Readers skip temp files; listing removed those whose writers are dead.
    const left = (await walk(data)).filter((f) => f.endsWith('.tmp'));
    expect(left).toEqual([]);
    await store.close();
  });
});
