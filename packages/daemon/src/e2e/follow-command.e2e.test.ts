import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createSimulatedTelegram } from '@tgfetch/telegram/testing';
import { eventually } from '@tgfetch/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnCli } from '../testing/cli-process.js';

/**
 * `tgfetch follow --source simulated` as a user runs it, twice in the same data directory:
 * the simulated Telegram's live history is the same in every process, so the second run
 * catches up on what happened between the two.
 */

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'tgfetch-follow-cmd-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const env = () => ({ DATA_DIR: path.join(dir, 'data'), HOME: dir });

type Printed = Array<{ event: string; id: number }>;

/** Runs `follow --json` until what it printed satisfies `done`, then stops it as Ctrl-C does. */
async function followRun(done: (printed: Printed) => boolean, what: string): Promise<Printed> {
  const run = spawnCli(
    ['follow', '--source', 'simulated', '--chat', 'demo_chat', '--json'],
    env(),
    dir,
  );
  const printed = () => run.jsonLines() as Printed;
  await eventually(() => done(printed()), { timeoutMs: 20_000, what });
  run.child.kill('SIGINT');
  const { code } = await run.exited;
  expect(code, run.stderr()).toBe(0);
  return printed();
}

describe('tgfetch follow --source simulated', () => {
  it('catches up, in a second run, on what the simulated chat did between the runs', async () => {
    await followRun((printed) => printed.length >= 3, 'three events');
    const down = Date.now();
    // At two changes a second, four seconds hold posts (three in ten events are not).
    await new Promise((resolve) => setTimeout(resolve, 4_000));
    const up = Date.now();
    // Any process knows the same history: this one tells what was posted meanwhile.
    const truth = createSimulatedTelegram({ live: { eventsPerSecond: 2, shared: {} } });
    const missed = truth.live.posted('@demo_chat', down);
    truth.live.stop();
    expect(
      missed.filter((id) => truth.live.postedAt('@demo_chat', id)! < up).length,
    ).toBeGreaterThan(0);
    const caught = (printed: Printed) =>
      new Set(printed.filter((e) => e.event === 'message').map((e) => e.id));
    await followRun(
      (printed) => missed.every((id) => caught(printed).has(id)),
      'the messages posted between the runs',
    );
  });
});
