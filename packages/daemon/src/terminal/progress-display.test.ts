import { type FetchEvent, FloodWaitError } from '@tgfetch/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createDisplay } from './progress-display.js';

const common = {
  command_id: 'c1',
  chat: '@x',
  mode: 'days',
  params: { days: 2 },
  errors: 0,
  duration_sec: 0,
  ts: '2025-11-08T00:00:00.000Z',
  worker_id: 'w',
  status: 'running',
} as const;
const started = {
  ...common,
  event: 'started',
  processed: 0,
  dates: ['2025-11-06', '2025-11-07'],
} as FetchEvent;
const day = (date: string, count: number, processed: number, skipped = false) =>
  ({
    ...common,
    event: 'progress',
    processed,
    date,
    count,
    skipped,
    complete: true,
    file_path: `data/x/2025/discussions_${date}.json`,
  }) as FetchEvent;
const notice = (now: number) => ({
  command_id: 'c1',
  chat: '@x',
  error: new FloodWaitError(30),
  attempt: 1,
  delayMs: 30_000,
  until: now + 30_000,
});

function output(isTTY: boolean) {
  let text = '';
  return { isTTY, write: (s: string) => (text += s), text: () => text };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('progress display, not a terminal', () => {
  it('writes one plain line per event and per wait', async () => {
    const out = output(false);
    let now = 1_000;
    const display = createDisplay(out, { now: () => now });
    await display.publish(started);
    await display.publish(day('2025-11-07', 12, 12));
    display.retry(notice(now));
    now += 30_000;
    await display.publish(day('2025-11-06', 0, 12, true));
    display.stop();
    expect(out.text()).toBe(
      [
        'started @x: 2 day(s)',
        '2025-11-07: 12 messages -> data/x/2025/discussions_2025-11-07.json',
        'waiting 30s (FLOOD_WAIT, attempt 1)',
        '2025-11-06: already complete -> data/x/2025/discussions_2025-11-06.json',
        '',
      ].join('\n'),
    );
    expect(out.text()).not.toContain('\x1b');
  });
});

describe('progress display, on a terminal', () => {
  it('redraws one line: days done of total, messages, rate and a flood-wait countdown', async () => {
    vi.useFakeTimers();
    const out = output(true);
    let now = 10_000;
    const display = createDisplay(out, { now: () => now });
    await display.publish(started);
    expect(out.text()).toBe('\r\x1b[2K0/2 days · 0 messages · 0 msg/s');
    now += 2_000;
    await display.publish(day('2025-11-07', 40, 40));
    expect(out.text().split('\r\x1b[2K').at(-1)).toBe('1/2 days · 40 messages · 20 msg/s');

    display.retry(notice(now));
    now += 5_000;
    vi.advanceTimersByTime(250);
    expect(out.text().split('\r\x1b[2K').at(-1)).toBe(
      '1/2 days · 40 messages · 6 msg/s · flood wait 25s',
    );

    now += 25_000;
    await display.publish(day('2025-11-06', 0, 40, true));
    display.stop();
    expect(out.text().split('\r\x1b[2K').at(-1)).toBe('2/2 days · 40 messages · 1 msg/s\n');
    // Stopped: the timer draws nothing more.
    const before = out.text();
    vi.advanceTimersByTime(1_000);
    expect(out.text()).toBe(before);
  });
});

describe('progress display: live counts and ETA', () => {
  it('counts messages inside a day and shows an ETA once the rate is known', async () => {
    vi.useFakeTimers();
    const out = output(true);
    let now = Date.parse('2025-11-08T00:00:00Z');
    const display = createDisplay(out, { now: () => now });
    const last = () => out.text().split('\r\x1b[2K').at(-1);
    await display.publish(started);
    // 0.5s in, the first messages of 2025-11-07: counted, no ETA yet (too early to tell).
    now += 500;
    display.message(Date.parse('2025-11-07T23:00:00Z'), 30);
    display.message(Date.parse('2025-11-07T22:00:00Z'), 29);
    display.message(Date.parse('2025-11-07T22:00:00Z'), 29); // a retry's repeat
    vi.advanceTimersByTime(250);
    expect(last()).toBe('0/2 days · 2 messages · 4 msg/s');
    // 2s in, the walk has reached noon of the 7th: a quarter of the two days, 6s to go.
    now += 1_500;
    display.message(Date.parse('2025-11-07T12:00:00Z'), 28);
    vi.advanceTimersByTime(250);
    expect(last()).toBe('0/2 days · 3 messages · 2 msg/s · ETA 6s');
    // The first message of the 6th arrives before the 7th is stored: the count never drops.
    display.message(Date.parse('2025-11-06T23:00:00Z'), 27);
    await display.publish(day('2025-11-07', 3, 3));
    expect(last()).toMatch(/^1\/2 days · 4 messages · 2 msg\/s · ETA \d+s$/);
    display.stop();
  });

  it('ignores what the engine drops outside the days', async () => {
    const out = output(true);
    const now = Date.parse('2025-11-08T00:00:00Z');
    const display = createDisplay(out, { now: () => now, intervalMs: 60_000 });
    await display.publish(started);
    display.message(Date.parse('2025-11-01T00:00:00Z'), 5);
    display.stop();
    expect(out.text().split('\r\x1b[2K').at(-1)).toBe('0/2 days · 0 messages · 0 msg/s\n');
  });
});
