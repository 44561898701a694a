import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { applyChanges } from './apply-changes.js';
import type { MessageChange } from './changes.js';
import { createVirtualClock } from './clock.js';
import { parseEvent, parseWireEvent } from './events.js';
import { createMemoryProgress, createMemoryStore } from './memory/store.js';
import { isoSeconds, type TgMessage, tombstone } from './message.js';
import { MAX_MESSAGE_EVENT_BYTES, messageEvents } from './message-events.js';
import { makeMessages } from './testing/messages.js';

const CHAT = '@x';
const ZONE = 'Europe/Moscow';
// 2025-11-07 08:00 in Moscow, one message a minute.
const messages = makeMessages({ chat: CHAT, start: Date.parse('2025-11-07T05:00:00Z'), count: 5 });
const AT = Date.parse('2025-11-09T10:00:00Z');
const init = {
  ts: '2025-11-09T10:00:01.000Z',
  worker_id: 'w1',
};

const schema = JSON.parse(readFileSync(new URL('../schema/event.json', import.meta.url), 'utf8'));
const ajv = new Ajv2020({ strict: true, allErrors: true });
addFormats.default(ajv);
const validate = ajv.compile(schema);

async function archive() {
  const ports = { store: createMemoryStore(), progress: createMemoryProgress() };
  const options = { timeZone: ZONE, clock: createVirtualClock(AT) };
  const apply = (changes: MessageChange[]) => applyChanges(ports, changes, options);
  await apply(messages.map((message) => ({ kind: 'new', chat: CHAT, message })));
  return { ports, apply };
}

/** Every event is one of the contract: to valibot, to the published JSON Schema, as JSON. */
function expectWire(events: readonly unknown[]) {
  for (const event of events) {
    expect(parseWireEvent(JSON.stringify(event))).toEqual(event);
    expect(validate(event), JSON.stringify(validate.errors)).toBe(true);
    // Consumers of fetch events only (parseEvent) pass them by.
    expect(parseEvent(event)).toBeUndefined();
  }
}

describe('messageEvents', () => {
  it('makes one event per message the batch named, as now stored, in its day of the chat’s zone', async () => {
    const { ports, apply } = await archive();
    const late = { ...messages[0]!, id: 6, date: '2025-11-07T21:30:00Z', text: 'late' };
    const edit = { ...messages[1]!, text: 'edited', edit_date: isoSeconds(AT) };
    const result = await apply([
      { kind: 'new', chat: CHAT, message: late },
      { kind: 'edited', chat: CHAT, message: edit },
      { kind: 'deleted', chat: CHAT, ids: [3, 999], at: AT },
      { kind: 'deleted', among: ['@other', CHAT], ids: [4], at: AT },
    ]);
    const events = messageEvents(result, init);
    const day = await ports.store.readDay(CHAT, '2025-11-07');
    const nextDay = await ports.store.readDay(CHAT, '2025-11-08');
    expect(events.map((e) => [e.event, e.id, e.date])).toEqual([
      ['message_edited', 2, '2025-11-07'],
      ['message_deleted', 3, '2025-11-07'],
      ['message_deleted', 4, '2025-11-07'],
      // 21:30 UTC is past midnight in Moscow.
      ['message', 6, '2025-11-08'],
    ]);
    expect(events[0]).toEqual({
      event: 'message_edited',
      chat: CHAT,
      time_zone: ZONE,
      date: '2025-11-07',
      id: 2,
      message: day?.messages[1],
      ts: init.ts,
      worker_id: 'w1',
    });
    expect(events[1]?.message).toEqual(tombstone(messages[2]!, AT));
    expect(events[3]?.message).toEqual(nextDay?.messages[0]);
    expectWire(events);

    // Applied again (a crash before its point was saved), it tells the same again: at least
    // once. An older version that comes late tells of the newer one the store kept.
    const again = await apply([
      { kind: 'new', chat: CHAT, message: late },
      { kind: 'deleted', chat: CHAT, ids: [3], at: AT + 1 },
      { kind: 'edited', chat: CHAT, message: messages[1]! },
    ]);
    expect(again.days).toEqual([]);
    expect(messageEvents(again, init)).toEqual([events[0], events[1], events[3]]);
  });

  it('tells of a message posted and deleted in one batch by its deletion only', async () => {
    const { apply } = await archive();
    const brief = { ...messages[0]!, id: 7, text: 'oops' };
    const result = await apply([
      { kind: 'new', chat: CHAT, message: brief },
      { kind: 'deleted', chat: CHAT, ids: [7], at: AT },
    ]);
    const events = messageEvents(result, init);
    expect(events).toMatchObject([
      { event: 'message_deleted', id: 7, message: { deleted: true, text: 'oops' } },
    ]);
    expectWire(events);
  });

  it('leaves out a message whose JSON is over the bound, naming it and its day', async () => {
    const { apply } = await archive();
    const big: TgMessage = {
      ...messages[0]!,
      id: 8,
      text: 'я'.repeat(MAX_MESSAGE_EVENT_BYTES / 2),
    };
    const fits: TgMessage = { ...messages[0]!, id: 9, text: 'x'.repeat(60_000) };
    const events = messageEvents(
      await apply([
        { kind: 'new', chat: CHAT, message: big },
        { kind: 'new', chat: CHAT, message: fits },
      ]),
      init,
    );
    expect(events[0]).not.toHaveProperty('message');
    expect(events[0]).toMatchObject({ event: 'message', id: 8, date: '2025-11-07' });
    expect(events[1]?.message).toEqual(fits);
    for (const event of events) {
      expect(new TextEncoder().encode(JSON.stringify(event)).byteLength).toBeLessThan(
        MAX_MESSAGE_EVENT_BYTES + 1024,
      );
    }
    expectWire(events);
  });

  it('names the peer of a message of an earlier peer', async () => {
    const { apply } = await archive();
    const old: TgMessage = {
      ...messages[0]!,
      id: 1,
      text: 'before migration',
      peer: { kind: 'chat', id: 42 },
    };
    const [event, ...rest] = messageEvents(
      await apply([{ kind: 'new', chat: CHAT, message: old }]),
      init,
    );
    expect(rest).toEqual([]);
    expect(event).toMatchObject({ event: 'message', id: 1, peer: { kind: 'chat', id: 42 } });
    expect(event?.message).toEqual(old);
    expectWire([event]);
  });
});
