import {
  type ChatLock,
  chatKey,
  createMemoryLock,
  createMemoryProgress,
  createMemoryStore,
  type MessageStore,
  type ProgressStore,
} from '@tgfetch/core';
import { memoryStoreError } from './errors.js';

export interface MemoryStoreOptions {
  /** Most days it holds; a write of one more day fails with `MEMORY_STORE_FULL`. @default 10_000 */
  maxDays?: number;
}

export interface OpenMemoryStore {
  store: MessageStore;
  progress: ProgressStore;
  /** One holder per chat within this process (nothing else sees this store). */
  lock: ChatLock;
  /** Holds nothing to release: the days go with the store. */
  close(): Promise<void>;
}

/**
 * Core's memory store, progress and lock as one store of a process: days kept in a Map
 * until the end of the process, bounded by `maxDays` so that a long-running demo cannot
 * grow without end.
 */
export function openMemoryStore(options: MemoryStoreOptions = {}): OpenMemoryStore {
  const maxDays = options.maxDays ?? 10_000;
  const days = createMemoryStore();
  const stored = new Set<string>();
  return {
    store: {
      ...days,
      async writeDay(day) {
        const key = `${chatKey(day.chat)}/${day.date}`;
        if (!stored.has(key) && stored.size >= maxDays) {
          throw memoryStoreError('MEMORY_STORE_FULL', `the memory store holds ${maxDays} days`);
        }
        const result = await days.writeDay(day);
        stored.add(key);
        return result;
      },
    },
    progress: createMemoryProgress(),
    lock: createMemoryLock(),
    close: async () => {},
  };
}
