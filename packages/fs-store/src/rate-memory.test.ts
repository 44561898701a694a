import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describeRateMemory } from '@tgfetch/core/testing';
import { tempDir } from '@tgfetch/test-utils';
import { describe, expect, it } from 'vitest';
import { createFileRateMemory } from './rate-memory.js';

describeRateMemory('file', async () => {
  const { dir, cleanup } = await tempDir();
  return { store: createFileRateMemory({ dir: path.join(dir, 'rates') }), cleanup };
});

describe('file rate memory', () => {
  it('keeps one JSON file per account, any account name safe, a torn file as no rate', async () => {
    const { dir, cleanup } = await tempDir();
    try {
      const memory = createFileRateMemory({ dir });
      const rate = { requestsPerSecond: 49.5, burst: 10, learnedAt: 1_000 };
      await memory.save('4567890', rate);
      expect(JSON.parse(await readFile(path.join(dir, '4567890.json'), 'utf8'))).toEqual(rate);
      await memory.save('../../etc/passwd', rate);
      expect(await memory.load('../../etc/passwd')).toEqual(rate);
      await writeFile(path.join(dir, '4567890.json'), '{"requestsPerSecond":4');
      expect(await memory.load('4567890')).toBeUndefined();
    } finally {
      await cleanup();
    }
  });
});
