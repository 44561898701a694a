import { describe, expect, it } from 'vitest';
import type { FetchEvent, WireEvent } from '../events.js';
import type { EventSink } from '../ports.js';

export interface EventSinkFixture {
  sink: EventSink;
  /** The events that reached the other side so far (subscriber, stream, array…). */
  received: () => Promise<readonly WireEvent[]>;
  cleanup?: () => Promise<void>;
}

export function sampleEvents(commandId = 'conformance-1'): FetchEvent[] {
  const base = {
    command_id: commandId,
    chat: '@conformance',
    mode: 'date' as const,
    params: { date: '2025-11-07' },
    errors: 0,
    worker_id: 'w1',
  };
  const day = {
    date: '2025-11-07',
    count: 3,
    file_path: 'x/2025/discussions_2025-11-07.json',
    skipped: false,
    complete: true,
  };
  return [
    {
      ...base,
      event: 'started',
      status: 'running',
      processed: 0,
      duration_sec: 0,
      ts: '2025-11-08T00:00:00.000Z',
      dates: ['2025-11-07'],
    },
    {
      ...base,
      event: 'progress',
      status: 'running',
      processed: 3,
      duration_sec: 0.5,
      ts: '2025-11-08T00:00:00.500Z',
      ...day,
    },
    {
      ...base,
      event: 'completed',
      status: 'completed',
      processed: 3,
      duration_sec: 0.6,
      ts: '2025-11-08T00:00:00.600Z',
      days: [day],
    },
  ];
}

/** The `EventSink` contract: every event arrives once, whole and in order. */
export function describeEventSink(
  name: string,
  setup: () => Promise<EventSinkFixture>,
  options: { timeoutMs?: number } = {},
): void {
  describe(`EventSink conformance: ${name}`, () => {
    it('delivers every event once, whole and in order', async () => {
      const fixture = await setup();
      try {
        const events = sampleEvents();
        for (const event of events) await fixture.sink.publish(event);
        const deadline = Date.now() + (options.timeoutMs ?? 5_000);
        let received = await fixture.received();
        while (received.length < events.length && Date.now() < deadline) {
          await new Promise((resolve) => setTimeout(resolve, 10));
          received = await fixture.received();
        }
        expect(received).toEqual(events);
      } finally {
        await fixture.cleanup?.();
      }
    });
  });
}
