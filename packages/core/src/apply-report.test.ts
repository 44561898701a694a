import { describe, expect, it } from 'vitest';
import { applyChanges } from './apply-changes.js';
import { createMemoryProgress, createMemoryStore } from './memory/store.js';
import type { TgMessage } from './message.js';
import { makeMessages } from './testing/messages.js';

const CHAT = '@report';
const [a, b, c] = makeMessages({
  chat: CHAT,
  start: Date.parse('2025-11-05T23:30:00Z'),
  count: 3,
  step: 20 * 60_000,
}) as [TgMessage, TgMessage, TgMessage];
const AT = Date.parse('2025-11-07T00:00:00Z');

describe('applyChanges: the messages it reports', () => {
  it('names every message of the batch as stored after it, with its kind and day', async () => {
    const ports = { store: createMemoryStore(), progress: createMemoryProgress() };
    const edited = { ...b, text: 'better', edit_date: '2025-11-06T01:00:00Z' };
    const result = await applyChanges(
      ports,
      [
        { kind: 'new', chat: CHAT, message: a },
        { kind: 'new', chat: CHAT, message: b },
        { kind: 'edited', chat: CHAT, message: edited },
        { kind: 'new', chat: CHAT, message: c },
        { kind: 'deleted', chat: CHAT, ids: [3], at: AT },
      ],
      { timeZone: 'UTC' },
    );
    expect(
      result.messages.map((m) => [m.kind, m.date, m.message.id, m.message.text, m.message.deleted]),
    ).toEqual([
      ['new', '2025-11-05', 1, a.text, undefined],
      ['new', '2025-11-05', 2, 'better', undefined],
      ['deleted', '2025-11-06', 3, c.text, true],
    ]);
  });

  it('reports a batch applied again, though the store does not change', async () => {
    const ports = { store: createMemoryStore(), progress: createMemoryProgress() };
    const batch = [
      { kind: 'new' as const, chat: CHAT, message: a },
      { kind: 'deleted' as const, chat: CHAT, ids: [1], at: AT },
    ];
    const first = await applyChanges(ports, batch);
    const again = await applyChanges(ports, batch);
    expect(again.days).toEqual([]);
    expect(again.messages).toEqual(first.messages);
    expect(again.messages.map((m) => [m.kind, m.message.deleted_at])).toEqual([
      ['deleted', '2025-11-07T00:00:00Z'],
    ]);
  });

  it('locates a deletion that names no chat, and reports it under the chat that held it', async () => {
    const ports = { store: createMemoryStore(), progress: createMemoryProgress() };
    await applyChanges(ports, [{ kind: 'new', chat: CHAT, message: a }]);
    const result = await applyChanges(ports, [
      { kind: 'deleted', among: ['@other', CHAT], ids: [1, 99], at: AT },
    ]);
    expect(result.messages.map((m) => [m.chat, m.kind, m.message.id])).toEqual([
      [CHAT, 'deleted', 1],
    ]);
    expect(result.unlocated).toEqual([{ among: ['@other', CHAT], ids: [99], at: AT }]);
  });
});
