import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { exportMessage, singleChatExport, writeExport } from '@tgfetch/telegram/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../cli/main.js';
import { captureContext } from '../testing/capture.js';

/** `tgfetch fetch` says what it did not store, and why: not covered, not reached. */

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'tgfetch-summary-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const run = async (argv: string[]) => {
  const ctx = captureContext({ cwd: dir, env: {} });
  const code = await main(argv, ctx);
  return { code, out: ctx.out(), err: ctx.err() };
};

const DAY = 86_400;
const today = Math.floor(Date.now() / 1000 / DAY) * DAY;
const isoDate = (unix: number) => new Date(unix * 1000).toISOString().slice(0, 10);

/** An export with a post every 6 hours from `fromDaysAgo` to `toDaysAgo` (UTC days). */
async function exportFile(name: string, fromDaysAgo: number, toDaysAgo: number) {
  const messages = [];
  for (let t = today - fromDaysAgo * DAY + 3600; t < today - (toDaysAgo - 1) * DAY; t += 6 * 3600) {
    messages.push(exportMessage({ id: messages.length + 1, unix: t }));
  }
  await writeExport(dir, singleChatExport(messages), name);
  return `export:${path.join(dir, name)}`;
}

const fetch = (source: string, extra: string[]) =>
  run(['fetch', '--source', source, '--chat=-1001234567890', '--data-dir', 'd', ...extra]);

describe('tgfetch fetch summary', () => {
  it('leaves days an old export does not cover for a newer export to fill', async () => {
    const old = await exportFile('old.json', 10, 5);
    const first = await fetch(old, ['--days', '3']);
    expect(first.code).toBe(0);
    const span = `${isoDate(today - 3 * DAY)}..${isoDate(today - DAY)}`;
    expect(first.out).toContain(`3 not covered by the source (${span})`);
    expect(first.err).toContain('not covered by the source, nothing stored');
    const files = await readdir(path.join(dir, 'd'), { recursive: true }).catch(() => []);
    expect(files.filter((f) => String(f).includes('discussions_'))).toEqual([]);

    const newer = await exportFile('new.json', 10, 2);
    const second = await fetch(newer, ['--days', '3', '--json']);
    const event = JSON.parse(second.out);
    // Its last day is stored, not complete: the export does not say when that day it was made.
    expect(event.days.map((d: { outcome: string }) => d.outcome)).toEqual([
      'not_covered',
      'partial',
      'stored',
    ]);
    expect(event.days[1]).toMatchObject({ date: isoDate(today - 2 * DAY), count: 4 });
    const third = await fetch(newer, ['--days', '3']);
    expect(third.out).toContain(
      `  in part      ${isoDate(today - 2 * DAY)} (4, the source holds only part of this day; not complete)\n`,
    );
    expect(third.out).not.toContain('cut by limit');
  });

  it('lists the days a limit kept it from, and says the limit stopped it', async () => {
    const result = await run([
      'fetch',
      '--source',
      'simulated',
      '--chat',
      'x',
      '--days',
      '3',
      '--limit',
      '1',
      '--data-dir',
      'd',
    ]);
    expect(result.code).toBe(0);
    expect(result.out).toMatch(/1 messages in 1 day\(s\) written/);
    expect(result.out).toContain(
      `2 not reached: the limit of 1 messages stopped it (${isoDate(today - 3 * DAY)}..${isoDate(today - 2 * DAY)})`,
    );
  });
});
