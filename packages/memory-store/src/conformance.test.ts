import {
  describeChangeApplier,
  describeMessageStore,
  describeProgressStore,
  makeDay,
  makeMessages,
} from '@tgfetch/core/testing';
import { describe, expect, it } from 'vitest';
import { MemoryStoreErrorCode, openMemoryStore } from './index.js';

const setup = async () => {
  const opened = openMemoryStore();
  return { store: opened.store, progress: opened.progress, cleanup: () => opened.close() };
};

describeMessageStore('memory-store', setup, { dayComments: true });
describeProgressStore('memory-store', async () => {
  const { progress, cleanup } = await setup();
  return { store: progress, cleanup };
});
describeChangeApplier('memory-store', async () => ({ ...(await setup()), runs: 6 }));

describe('memory-store bounds', () => {
  it('refuses a day beyond maxDays, and takes the days it holds again', async () => {
    const { store } = openMemoryStore({ maxDays: 1 });
    await store.writeDay(
      makeDay(
        '@a',
        '2025-11-07',
        makeMessages({ chat: '@a', count: 2, start: Date.parse('2025-11-07T10:00:00Z') }),
      ),
    );
    await expect(
      store.writeDay(
        makeDay(
          '@a',
          '2025-11-08',
          makeMessages({ chat: '@a', count: 2, start: Date.parse('2025-11-08T10:00:00Z') }),
        ),
      ),
    ).rejects.toMatchObject({ code: MemoryStoreErrorCode.MEMORY_STORE_FULL, retryable: false });
    await expect(
      store.writeDay(
        makeDay(
          '@a',
          '2025-11-07',
          makeMessages({ chat: '@a', count: 2, start: Date.parse('2025-11-07T10:00:00Z') }),
        ),
      ),
    ).resolves.toMatchObject({ location: expect.any(String) });
  });
});
