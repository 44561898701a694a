import { createVirtualClock, TgfetchError } from '@tgfetch/core';
import type { MessageDelivery } from '@tgfetch/redis-transport';
import { describe, expect, it } from 'vitest';
import { createPersistWorker } from './worker.js';

/**
 * What the worker does when a step fails for a while, on a virtual clock: the reader and
 * the sink are stand-ins for the ports (the real ones are in worker.test.ts).
 */

const away = (code: string) => new TgfetchError(code, `${code} for now`, { retryable: true });

/** A delivery as the reader hands it out: settled once, a failed settling may be tried again. */
function delivery(id: number, settled: string[], failAcks = 0): MessageDelivery {
  let fails = failAcks;
  let done = false;
  const settle = async (what: string) => {
    if (done) return;
    if (fails-- > 0) throw away('REDIS_DISCONNECTED');
    done = true;
    settled.push(what);
  };
  return {
    change: 'new',
    chat: '@c',
    time_zone: 'UTC',
    date: '2025-11-07',
    message: { id, date: '2025-11-07T00:00:00Z', chat: '@c', text: '' },
    id: `${id}-0`,
    attempt: 1,
    ack: () => settle(`ack ${id}`),
    deadLetter: (reason) => settle(`dead ${id} ${reason}`),
  };
}

function readerOf(batches: MessageDelivery[][]) {
  return {
    async next(signal?: AbortSignal) {
      const batch = batches.shift();
      if (batch) return batch;
      if (signal?.aborted) return undefined;
      await new Promise((resolve) => signal?.addEventListener('abort', resolve, { once: true }));
      return undefined;
    },
  };
}

describe('persist worker retries', () => {
  it('writes a batch again while the sink is away, then settles it, acks retried too', async () => {
    const settled: string[] = [];
    const clock = createVirtualClock();
    const retries: string[] = [];
    let writes = 0;
    const batches = [[delivery(1, settled, 1), delivery(2, settled)]];
    const reports: number[] = [];
    const worker = createPersistWorker({
      reader: readerOf(batches),
      sink: {
        async write(messages) {
          writes++;
          if (writes < 3) throw away('PG_UNAVAILABLE');
          return {
            written: messages.length - 1,
            unchanged: 0,
            refused: [{ index: 1, error: new TgfetchError('PG_ERROR', 'refused') }],
          };
        },
      },
      clock,
      onRetry: (error) => retries.push(error.code),
      onBatch: (report) => reports.push(report.dead),
    });
    await expect.poll(() => reports.length).toBe(1);
    expect(retries).toEqual(['PG_UNAVAILABLE', 'PG_UNAVAILABLE', 'REDIS_DISCONNECTED']);
    expect(clock.slept).toHaveLength(3);
    expect(settled.sort()).toEqual(['ack 1', 'dead 2 PG_ERROR: refused']);
    expect(reports).toEqual([1]);
    await worker.stop({ graceMs: 1_000 });
    await worker.done;
  });

  it('leaves the batch unsettled when stopped while the sink is away', async () => {
    const settled: string[] = [];
    const clock = createVirtualClock(undefined, { autoAdvance: false });
    const worker = createPersistWorker({
      reader: readerOf([[delivery(1, settled)]]),
      sink: {
        write: async () => {
          throw away('PG_UNAVAILABLE');
        },
      },
      clock,
    });
    await expect.poll(() => clock.slept.length).toBe(1);
    await worker.stop({ graceMs: 1_000 });
    await worker.done;
    expect(settled).toEqual([]);
  });

  it('ends with an error no retry can fix', async () => {
    const worker = createPersistWorker({
      reader: readerOf([[delivery(1, [])]]),
      sink: {
        write: async () => {
          throw new TgfetchError('STORE_CLOSED', 'closed');
        },
      },
      clock: createVirtualClock(),
    });
    await expect(worker.done).rejects.toMatchObject({ code: 'STORE_CLOSED' });
  });
});
