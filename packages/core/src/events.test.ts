import { describe, expect, it } from 'vitest';
import { chatKey, isNumericChat, parseChat } from './chat.js';
import { TgfetchError } from './errors.js';
import { failedEvent, parseEvent, parseWireEvent, unknownEvent } from './events.js';
import { createMemoryEventSink } from './memory/events.js';
import { sampleEvents } from './testing/events-suite.js';

describe('parseEvent', () => {
  it('accepts every event of the contract, from JSON or objects, keeping extra fields', () => {
    for (const event of sampleEvents()) {
      expect(parseEvent(JSON.stringify(event))).toEqual(event);
      expect(parseEvent({ ...event, extra: 1 })).toEqual({ ...event, extra: 1 });
    }
  });

  it('rejects what is not an event', () => {
    expect(parseEvent('not json')).toBeUndefined();
    expect(parseEvent({ event: 'fetch_complete' })).toBeUndefined();
    expect(parseEvent({ ...sampleEvents()[0], processed: 'many' })).toBeUndefined();
  });
});

describe('unknownEvent', () => {
  it('keeps an event of a kind this version does not know, or in a shape it does not read', () => {
    const newer = { event: 'message_pinned', chat: '@x', id: 3, ts: '2026-12-07T00:00:00Z' };
    expect(parseWireEvent(JSON.stringify(newer))).toBeUndefined();
    expect(unknownEvent(JSON.stringify(newer))).toEqual({ event: 'message_pinned', fields: newer });
    const reshaped = { ...sampleEvents()[0], dates: 'today' };
    expect(unknownEvent(reshaped)).toEqual({ event: 'started', fields: reshaped });
  });

  it('is undefined for what is no event, and for the legacy per-day events', () => {
    expect(unknownEvent('not json')).toBeUndefined();
    expect(unknownEvent('[1,2]')).toBeUndefined();
    expect(unknownEvent({ kind: 'started' })).toBeUndefined();
    expect(unknownEvent({ event: '' })).toBeUndefined();
    const legacy = {
      event: 'fetch_complete',
      chat: 'x',
      timestamp: '2025-11-08T00:00:00Z',
      service: 'telegram-fetcher',
      worker_id: 'w1',
      command_id: 'c1',
      date: '2025-11-07',
      message_count: 3,
      file_path: 'f.json',
      duration_seconds: 0.5,
    };
    expect(unknownEvent(JSON.stringify(legacy))).toBeUndefined();
  });
});

describe('failedEvent', () => {
  const about = { command_id: 'c1', chat: '@x', mode: 'days' as const, params: { days: 2 } };
  const ts = '2025-11-08T00:00:00.000Z';

  it('makes a failed event of the contract, counters defaulting to a run that did nothing', () => {
    const error = new TgfetchError('POISON_COMMAND', 'delivered 5 times', { retryable: false });
    const event = failedEvent({ ...about, error, errors: 5, ts, worker_id: 'w1' });
    expect(parseEvent(JSON.stringify(event))).toEqual(event);
    expect(event).toEqual({
      ...about,
      processed: 0,
      errors: 5,
      duration_sec: 0,
      ts,
      worker_id: 'w1',
      event: 'failed',
      status: 'failed',
      error: { code: 'POISON_COMMAND', message: 'delivered 5 times', retryable: false },
    });
  });

  it('keeps requested_chat and days when given, and calls an untyped error UNEXPECTED', () => {
    const event = failedEvent({
      ...about,
      requested_chat: 'https://t.me/X',
      error: new RangeError('boom'),
      errors: 1,
      processed: 3,
      duration_sec: 1.5,
      ts,
      worker_id: 'w1',
      days: [],
    });
    expect(event).toMatchObject({ requested_chat: 'https://t.me/X', processed: 3, days: [] });
    expect(event.error).toMatchObject({ code: 'UNEXPECTED', retryable: false });
    expect(parseEvent(event)).toEqual(event);
  });
});

describe('memory event sink', () => {
  it('hands events to listeners until they unsubscribe', async () => {
    const sink = createMemoryEventSink();
    const seen: string[] = [];
    const off = sink.subscribe((e) => seen.push(e.event));
    const [started, progress] = sampleEvents();
    await sink.publish(started!);
    off();
    await sink.publish(progress!);
    expect(seen).toEqual(['started']);
    expect(sink.events).toHaveLength(2);
  });
});

describe('chat keys', () => {
  it('name folders without the @ and refuse what is not a chat', () => {
    expect(chatKey('@Ru_Python')).toBe('ru_python');
    expect(chatKey('-1001234567890')).toBe('-1001234567890');
    expect(() => chatKey('../x')).toThrow(TypeError);
    expect(isNumericChat('-100123')).toBe(true);
    expect(isNumericChat('@abc')).toBe(false);
    expect(parseChat(12.5)).toMatchObject({ ok: false });
    expect(parseChat('x'.repeat(300))).toEqual({ ok: false, reason: 'chat is too long' });
  });
});
