import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describeResumeStore } from '@tgfetch/core/testing';
import { tempDir } from '@tgfetch/test-utils';
import { describe, expect, it } from 'vitest';
import { createFsResumeStore } from './index.js';

describeResumeStore('fs-store', async () => {
  const { dir, cleanup } = await tempDir();
  return { store: createFsResumeStore({ dataDir: dir }), cleanup };
});

describe('createFsResumeStore', () => {
  it('keeps each key in its own file of .resume, whatever the key holds', async () => {
    const { dir, cleanup } = await tempDir();
    try {
      const store = createFsResumeStore({ dataDir: dir });
      await store.save('telegram:42', { pts: 1 });
      await store.save('telegram_42', { pts: 2 });
      await store.save('../../etc/passwd', { pts: 3 });
      expect((await readdir(path.join(dir, '.resume'))).sort()).toEqual([
        '%2E%2E%2F%2E%2E%2Fetc%2Fpasswd.json',
        'telegram%3A42.json',
        'telegram_42.json',
      ]);
      expect(await store.load('telegram:42')).toEqual({ pts: 1 });
      expect(await store.load('telegram_42')).toEqual({ pts: 2 });
      expect(await readdir(dir)).toEqual(['.resume']);
    } finally {
      await cleanup();
    }
  });

  it('refuses an unreadable point with STORE_CORRUPT and leaves the file as found', async () => {
    const { dir, cleanup } = await tempDir();
    try {
      const store = createFsResumeStore({ dataDir: dir });
      await store.save('k', { pts: 1 });
      const file = path.join(dir, '.resume', 'k.json');
      await writeFile(file, '{"pts":');
      await expect(store.load('k')).rejects.toMatchObject({ code: 'STORE_CORRUPT' });
      expect(await readFile(file, 'utf8')).toBe('{"pts":');
    } finally {
      await cleanup();
    }
  });

  it('refuses keys that are empty or long, and points that are not objects', async () => {
    const { dir, cleanup } = await tempDir();
    try {
      const store = createFsResumeStore({ dataDir: dir });
      await expect(store.save('', { pts: 1 })).rejects.toBeInstanceOf(TypeError);
      await expect(store.load('x'.repeat(129))).rejects.toBeInstanceOf(TypeError);
      await expect(store.save('k', [1] as never)).rejects.toBeInstanceOf(TypeError);
    } finally {
      await cleanup();
    }
  });
});
