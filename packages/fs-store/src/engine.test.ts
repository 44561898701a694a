import { readFile } from 'node:fs/promises';
import path from 'node:path';
import {
  createMemoryEventSink,
  createMemorySource,
  createVirtualClock,
  type FetchPorts,
  runCommand,
} from '@tgfetch/core';
import { makeMessages } from '@tgfetch/core/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFsStore, type FsStore } from './store.js';
import { tempDir } from './testing-fixtures/temp-dir.js';

const NOW = Date.parse('2025-11-08T12:00:00Z');
const CHAT = '@ru_python';
const history = makeMessages({
  chat: CHAT,
  start: Date.parse('2025-11-05T00:30:00Z'),
  count: 60,
  step: 3_600_000,
});

let dir: string;
let cleanup: () => Promise<void>;
let store: FsStore;

beforeEach(async () => {
  ({ dir, cleanup } = await tempDir());
  store = createFsStore({ dataDir: dir });
});

afterEach(async () => {
  await store.close();
  await cleanup();
});

describe('the engine on an fs store', () => {
  it('writes the files of a range, then skips them on a re-run', async () => {
    const ports: FetchPorts = {
      source: createMemorySource({ [CHAT]: history }),
      store,
      progress: store,
      events: createMemoryEventSink(),
      lock: store.lock,
    };
    const options = { clock: createVirtualClock(NOW), workerId: 'w' };
    const command = {
      command: 'fetch',
      chat: CHAT,
      mode: 'range',
      from: '2025-11-05',
      to: '2025-11-07',
    };
    const first = await runCommand(command, ports, options);
    expect(first).toMatchObject({ event: 'completed' });
    const days = first.event === 'completed' ? first.days : [];
    expect(days.map((d) => d.count)).toEqual([12, 24, 24]);
    for (const day of days) {
      expect(day.file_path).toBe(
        path.join(dir, 'ru_python', '2025', `discussions_${day.date}.json`),
      );
      const doc = JSON.parse(await readFile(day.file_path, 'utf8'));
      expect(doc).toMatchObject({ chat: CHAT, date: day.date, complete: true, count: day.count });
    }
    const again = await runCommand(command, ports, options);
    expect(again.event === 'completed' && again.days.every((d) => d.skipped)).toBe(true);
    expect(await store.listDays(CHAT)).toEqual(['2025-11-05', '2025-11-06', '2025-11-07']);
  });
});
