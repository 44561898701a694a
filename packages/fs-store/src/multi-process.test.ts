import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createFsStore } from './index.js';
import { useChild } from './testing-fixtures/child-runner.js';
import { CONTEND_CHAT, CONTEND_DATE } from './testing-fixtures/scenario.js';

const bundled = useChild();

describe('two processes writing one chat', () => {
  it('lose no update and corrupt no file', async () => {
    const data = path.join(bundled.dir, 'data');
    const n = 40;
    const children = ['a', 'b'].map((tag) => bundled.spawn('contend', data, tag, String(n)));
    // This process writes the same chat meanwhile, through its own store.
    const store = createFsStore({ dataDir: data, lockPollMinMs: 1, lockPollMaxMs: 10 });
    for (let i = 0; i < 10; i++) {
      await store.writeDay({
        chat: CONTEND_CHAT,
        date: CONTEND_DATE,
        time_zone: 'UTC',
        fetched_at: new Date().toISOString(),
        complete: false,
        count: 1,
        messages: [
          { id: 50_000 + i, date: `${CONTEND_DATE}T12:00:00Z`, chat: CONTEND_CHAT, text: 'p' },
        ],
      });
    }
    for (const child of children) {
      expect((await child.exited).code, child.stderr()).toBe(0);
    }
    const doc = await store.readDay(CONTEND_CHAT, CONTEND_DATE);
    const ids = doc!.messages.map((m) => m.id);
    const expected = [
      ...Array.from({ length: n }, (_, i) => 1 + i),
      ...Array.from({ length: 10 }, (_, i) => 50_000 + i),
      ...Array.from({ length: n }, (_, i) => 100_000 + i),
    ];
    expect(ids).toEqual(expected);
    const progress = await store.listProgress(CONTEND_CHAT);
    expect(progress).toHaveLength(2 * n);
    expect(progress.filter((p) => p.location === 'a')).toHaveLength(n);
    const leftovers = await readdir(path.join(data, 'shared'));
    expect(leftovers.filter((name) => name.endsWith('.tmp'))).toEqual([]);
    await store.close();
  });
});
