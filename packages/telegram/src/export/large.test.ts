import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { tempDir } from '@tgfetch/test-utils';
import { expect, it } from 'vitest';
import { writeLargeExport } from '../testing/desktop-export.js';
import { createExportSource } from './source.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** Live JS heap plus ArrayBuffer backing stores (where typed arrays and Buffers live). */
function retained(): number {
  gc();
  gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

it('indexes and serves a 200k-message export holding far less than the file', async () => {
  const { dir, cleanup } = await tempDir('tgfetch-export-');
  try {
    const count = 200_000;
    const start = Date.UTC(2023, 0, 1) / 1000;
    const { file, bytes } = await writeLargeExport(dir, count, start);
    expect(bytes).toBeGreaterThan(50_000_000);

    const before = retained();
    const source = createExportSource({ file });
    const info = await source.open();
    expect(info.messages).toBe(count);
    const afterIndex = retained() - before;

    let seen = 0;
    let previous = Number.POSITIVE_INFINITY;
    let outOfOrder = 0;
    let midway = 0;
    const request = { chat: info.chat, from: 0, to: (start + count * 30) * 1000 };
    for await (const m of source.messages(request, new AbortController().signal)) {
      if (m.id >= previous) outOfOrder++;
      previous = m.id;
      if (++seen === count / 2) midway = retained() - before;
    }
    expect(seen).toBe(count);
    expect(outOfOrder).toBe(0);
    expect(previous).toBe(1);
    await source.close();

    expect(afterIndex).toBeLessThan(bytes / 2);
    expect(midway).toBeLessThan(bytes / 2);
    // The index is a few numbers a message: nowhere near the messages themselves.
    expect(afterIndex).toBeLessThan(count * 64);
  } finally {
    await cleanup();
  }
}, 60_000);
