import type { MessageChange } from '../changes.js';
import {
  describeChangeApplier,
  describeChangeSource,
  describeResumeStore,
} from '../testing/index.js';
import { makeMessages } from '../testing/messages.js';
import { createMemoryChangeSource, createMemoryResumeStore } from './changes.js';
import { createMemoryProgress, createMemoryStore } from './store.js';

const CHATS = ['@first_chat', '-1001234567890'] as const;

/** `count` changes over both chats, in batches of one to three, as Telegram might push them. */
function sampleChanges(from: number, count: number): MessageChange[][] {
  const changes: MessageChange[] = [];
  for (let i = from; i < from + count; i++) {
    const chat = CHATS[i % 2]!;
    const [message] = makeMessages({
      chat,
      start: Date.parse('2025-11-07T00:00:00Z') + i * 60_000,
      count: 1,
      firstId: 1 + i,
    });
    if (i % 5 === 3)
      changes.push({
        kind: 'deleted',
        ids: [i - 1],
        at: Date.parse('2025-11-08T00:00:00Z') + i,
        ...(i % 10 === 3 ? { chat } : { among: [...CHATS] }),
      });
    else if (i % 4 === 2)
      changes.push({
        kind: 'edited',
        chat,
        message: { ...message!, id: i - 1, edit_date: '2025-11-08T00:00:00Z' },
      });
    else changes.push({ kind: 'new', chat, message: message! });
  }
  const batches: MessageChange[][] = [];
  for (let i = 0; i < changes.length; ) {
    const size = 1 + ((from + i) % 3);
    batches.push(changes.slice(i, i + size));
    i += size;
  }
  return batches;
}

describeChangeSource('memory', async () => {
  const source = createMemoryChangeSource();
  let made = 0;
  return {
    source,
    chats: CHATS,
    async produce(count) {
      for (const batch of sampleChanges(made, count)) source.push(...batch);
      made += count;
    },
    cleanup: async () => source.end(),
  };
});

describeResumeStore('memory', async () => ({ store: createMemoryResumeStore() }));

describeChangeApplier('memory', async () => ({
  store: createMemoryStore(),
  progress: createMemoryProgress(),
  runs: 40,
}));
