import type { FetchEvent } from '@tgfetch/core';
import { describe, expect, it } from 'vitest';
import { type CalendarDay, missingRuns } from './calendar.js';
import { chatInfo } from './chat-info.js';
import { renderText } from './entities.js';
import { commandEnd } from './event-index.js';
import { escapeHtml, html, render, safeHref, visibleControls } from './html.js';
import { compareIds } from './live-feed.js';
import { messageMatches, queryTerms } from './scan-search.js';

describe('html', () => {
  it('escapes every interpolation unless it is markup made by html', () => {
    const text = `<a href="x" onclick='y'>&\``;
    expect(render(html`<p>${text}</p>`)).toBe(`<p>${escapeHtml(text)}</p>`);
    expect(escapeHtml(text)).not.toMatch(/[<>"'`]/);
    expect(render(html`<p>${html`<b>${'<i>'}</b>`}</p>`)).toBe('<p><b>&lt;i&gt;</b></p>');
    expect(render(html`${[1, null, undefined, false, 'a']}`)).toBe('1a');
  });

  it('lets only http(s) and tg URLs be link targets', () => {
    expect(safeHref('https://t.me/x')).toBe('https://t.me/x');
    expect(safeHref('tg://resolve?domain=x')).toBe('tg://resolve?domain=x');
    for (const bad of [
      'javascript:alert(1)',
      ' javascript:x',
      'JaVaScRiPt:x',
      'data:text/html,x',
      'vbscript:x',
      '//evil.example',
      'java\nscript:x',
      'file:///etc/passwd',
    ]) {
      expect(safeHref(bad)).toBeUndefined();
    }
  });

  it('shows bidirectional controls instead of obeying them', () => {
    expect(visibleControls('a\u202Eb\u2066c\u200F')).toBe('a[U+202E]b[U+2066]c[U+200F]');
  });
});

describe('renderText', () => {
  it('wraps nested and overlapping entities into well-formed markup', () => {
    const out = render(
      renderText('bold link code', [
        { type: 'bold', offset: 0, length: 9 },
        { type: 'text_url', offset: 5, length: 4, url: 'https://example.org' },
        { type: 'code', offset: 7, length: 7 },
      ]),
    );
    expect(out).toBe(
      '<strong>bold </strong><strong><a href="https://example.org/" rel="noopener noreferrer nofollow" target="_blank">li</a></strong><strong><a href="https://example.org/" rel="noopener noreferrer nofollow" target="_blank"><code>nk</code></a></strong><code> code</code>',
    );
  });

  it('counts UTF-16 units as Telegram does, and ignores entities out of range', () => {
    const out = render(
      renderText('👍 @user_name', [
        { type: 'mention', offset: 3, length: 10 },
        { type: 'bold', offset: 50, length: 3 },
        { type: 'italic', offset: -1, length: 3 },
      ]),
    );
    expect(out).toBe(
      '👍 <a href="https://t.me/user_name" rel="noopener noreferrer nofollow" target="_blank">@user_name</a>',
    );
  });

  it('makes no link of a javascript: url entity, and keeps its text', () => {
    const out = render(renderText('javascript:alert(1)', [{ type: 'url', offset: 0, length: 19 }]));
    expect(out).toBe('<span class="unsafe-link">javascript:alert(1)</span>');
  });
});

describe('calendar and search helpers', () => {
  it('groups missing days into runs of consecutive dates', () => {
    const day = (date: string, state: CalendarDay['state']): CalendarDay => ({
      date,
      state,
      count: 0,
    });
    expect(
      missingRuns([
        day('2025-01-01', 'missing'),
        day('2025-01-02', 'missing'),
        day('2025-01-03', 'stored'),
        day('2025-01-04', 'missing'),
        day('2025-01-31', 'missing'),
      ]),
    ).toEqual([
      { from: '2025-01-01', to: '2025-01-02' },
      { from: '2025-01-04', to: '2025-01-04' },
      { from: '2025-01-31', to: '2025-01-31' },
    ]);
  });

  it('matches words, phrases, exclusions and senders', () => {
    const m = {
      id: 1,
      date: '2025-01-01T00:00:00Z',
      chat: '@x',
      text: 'Asyncio event loop',
      from_id: 5,
      post_author: 'Ann',
    };
    expect(messageMatches(m, queryTerms('asyncio LOOP'), undefined)).toBe(true);
    expect(messageMatches(m, queryTerms('"event loop"'), undefined)).toBe(true);
    expect(messageMatches(m, queryTerms('"loop event"'), undefined)).toBe(false);
    expect(messageMatches(m, queryTerms('asyncio -loop'), undefined)).toBe(false);
    expect(messageMatches(m, queryTerms(''), '5')).toBe(true);
    expect(messageMatches(m, queryTerms(''), 'ann')).toBe(true);
    expect(messageMatches(m, queryTerms(''), '6')).toBe(false);
  });

  it('orders stream ids by time, then sequence', () => {
    expect(compareIds('10-1', '9-5')).toBe(1);
    expect(compareIds('10-1', '10-2')).toBe(-1);
    expect(compareIds('1700000000000-0', '1700000000000-0')).toBe(0);
  });

  it('tells a channel from a group by its posts', () => {
    const post = { id: 1, date: '2025-01-01T00:00:00Z', chat: '-1001', text: 'x', views: 10 };
    expect(
      chatInfo('-1001', {
        chat: '-1001',
        date: '2025-01-01',
        time_zone: 'UTC',
        fetched_at: '',
        complete: true,
        count: 1,
        messages: [post],
      }).kind,
    ).toBe('channel');
    const talk = { ...post, views: null, from: { kind: 'user' as const, id: 5 } };
    expect(
      chatInfo('-1001', {
        chat: '-1001',
        date: '2025-01-01',
        time_zone: 'UTC',
        fetched_at: '',
        complete: true,
        count: 1,
        messages: [talk],
      }).kind,
    ).toBe('supergroup');
    expect(chatInfo('@x', undefined).kind).toBe('unknown');
  });
});

describe('commandEnd', () => {
  const event = (kind: string, code?: string) =>
    ({ event: kind, ...(code ? { error: { code, message: '' } } : {}) }) as FetchEvent;
  const poison = event('failed', 'POISON_COMMAND');

  it('ends at the newest completed or failed, unless the command started again since', () => {
    expect(commandEnd([event('completed'), event('progress'), event('started')]).final?.event).toBe(
      'completed',
    );
    expect(commandEnd([event('failed', 'CHAT_NOT_FOUND')]).final?.event).toBe('failed');
    // A retried dead letter runs again under its id: the old end is no end.
    expect(commandEnd([event('progress'), event('started'), poison, event('started')])).toEqual({});
    expect(commandEnd([])).toEqual({});
  });

  it('takes a dead letter for one that waits for a person, not for an end', () => {
    expect(commandEnd([poison, event('progress'), event('started')])).toEqual({ dead: poison });
    expect(commandEnd([event('completed'), event('started'), poison]).final?.event).toBe(
      'completed',
    );
  });
});
