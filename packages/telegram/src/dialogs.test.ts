import { describe, expect, it } from 'vitest';
import { clientInvoke, describeChat, listDialogs } from './dialogs.js';
import { createSimulatedTelegram } from './testing/index.js';

/** Dialogs and chat descriptions through a real gramjs client answered by the simulator. */
describe('listDialogs', () => {
  const names = Array.from({ length: 7 }, (_, i) => `dialog_${i}`);

  it('pages messages.GetDialogs until the last slice, each chat once with its --chat', async () => {
    const telegram = createSimulatedTelegram({ dialogs: names, now: Date.UTC(2025, 10, 8) });
    const invoke = clientInvoke(telegram.client);
    const all = await listDialogs(invoke);
    expect(all.map((d) => d.username).sort()).toEqual(names);
    for (const d of all) {
      expect(d.chat).toBe(`@${d.username}`);
      expect(d.id).toBe(telegram.chat(d.username!).markedId);
      expect(['channel', 'supergroup']).toContain(d.kind);
    }
    telegram.resetStats();
    const paged = await listDialogs(invoke, { limit: 7 });
    expect(paged).toEqual(all);
    expect(telegram.stats.calls.filter((c) => c === 'messages.GetDialogs').length).toBe(1);
  });

  it('follows DialogsSlice offsets when a page is smaller than the list', async () => {
    const full = createSimulatedTelegram({ dialogs: names, now: Date.UTC(2025, 10, 8) });
    const expected = await listDialogs(clientInvoke(full.client));
    // Pages of at most 3: slices of 3 and 3, then the rest as the final Dialogs.
    const telegram = createSimulatedTelegram({
      dialogs: names,
      now: Date.UTC(2025, 10, 8),
      maxPageSize: 3,
    });
    expect(await listDialogs(clientInvoke(telegram.client))).toEqual(expected);
    expect(telegram.stats.calls.filter((c) => c === 'messages.GetDialogs').length).toBe(3);
    expect(await listDialogs(clientInvoke(telegram.client), { limit: 4 })).toEqual(
      expected.slice(0, 4),
    );
  });
});

describe('describeChat', () => {
  it('resolves a link, a name and (among the dialogs) a numeric id to one chat', async () => {
    const telegram = createSimulatedTelegram({ dialogs: ['ru_python'] });
    const invoke = clientInvoke(telegram.client);
    const byLink = await describeChat(invoke, 'https://t.me/ru_python');
    expect(byLink).toMatchObject({ chat: '@ru_python', username: 'ru_python' });
    expect(await describeChat(invoke, 'RU_Python')).toEqual(byLink);
    expect(await describeChat(invoke, byLink.id)).toEqual(byLink);
  });

  it('a numeric id outside the dialogs or a bad name fails with a stable code', async () => {
    const telegram = createSimulatedTelegram({ missingUsernames: ['ghost'] });
    const invoke = clientInvoke(telegram.client);
    await expect(describeChat(invoke, '-1001878264527')).rejects.toMatchObject({
      code: 'CHAT_NOT_FOUND',
    });
    await expect(describeChat(invoke, '@ghost')).rejects.toHaveProperty('code');
    await expect(describeChat(invoke, '../etc')).rejects.toMatchObject({ code: 'INVALID_CHAT' });
  });
});
