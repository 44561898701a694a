import { addDays, type CommandQueue, createWorker, type Worker } from '@tgfetch/core';
import {
  createCommandQueue,
  createQueueInspector,
  type EventLog,
  openEventLog,
  type QueueInspector,
} from '@tgfetch/redis-transport';
import { tempDir } from '@tgfetch/test-utils';
import { type RedisTestContext, redisTestContext } from '@tgfetch/test-utils/vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningConsole, startConsole } from './index.js';
import { createTestArchive, type TestArchive } from './testing/archive.js';
import { docScreenshot, launchChromium } from './testing/browser.js';

/**
 * The console in a real browser (Debian's Chromium through Playwright) over a real file
 * store, filled by core's engine from the simulated Telegram, and a real redis-server
 * with a real list queue, event stream and an in-process worker.
 */

const TOKEN = 'browser-tests-console-token';

let ctx: RedisTestContext;
let data: { dir: string; cleanup: () => Promise<void> };
let archive: TestArchive;
let inspector: QueueInspector;
let log: EventLog;
let running: RunningConsole;
let browser: Browser;
let context: BrowserContext;
let page: Page;
const queueName = () => `${ctx.prefix}q`;

beforeAll(async () => {
  ctx = await redisTestContext();
  data = await tempDir('tgfetch-console-');
  archive = await createTestArchive({
    dataDir: data.dir,
    redisUrl: ctx.url,
    stream: `${ctx.prefix}events`,
    channel: `${ctx.prefix}events`,
  });
  inspector = await createQueueInspector({ url: ctx.url, queue: queueName() });
  log = await openEventLog({ url: ctx.url, stream: `${ctx.prefix}events` });
  running = await startConsole({
    store: archive.store,
    queue: inspector,
    events: log,
    token: TOKEN,
    port: 0,
  });
  browser = await launchChromium();
  context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  page = await context.newPage();
  page.setDefaultTimeout(15_000);
  // A dialog other than a confirmation the test expects would be a script of a message.
  page.on('dialog', (dialog) => {
    if (dialog.type() !== 'confirm')
      throw new Error(`unexpected ${dialog.type()}: ${dialog.message()}`);
  });
}, 120_000);

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await running?.close();
  await log?.close();
  await inspector?.close();
  await archive?.close();
  await ctx?.cleanup();
  await data?.cleanup();
});

const url = (path: string) => new URL(path, running.url).href;

/** An in-process worker on the test's queue, fetching into the same store. */
async function startWorker(): Promise<{
  queue: CommandQueue;
  worker: Worker;
  stop(): Promise<void>;
}> {
  const queue = await createCommandQueue({
    url: ctx.url,
    queue: queueName(),
    workerId: 'browser-worker',
    blockSeconds: 1,
  });
  const worker = createWorker({
    queue,
    ports: archive.ports,
    runOptions: { workerId: 'browser-worker' },
  });
  return {
    queue,
    worker,
    async stop() {
      await worker.stop({ graceMs: 5_000 });
      await queue.close();
    },
  };
}

async function signIn() {
  await page.goto(url('/login'));
  await page.getByLabel('Token').fill(TOKEN);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(url('/'));
}

// A browser under a loaded machine takes its time: each test is bounded by its own waits.
describe('the console in a browser', { timeout: 60_000 }, () => {
  it('shows the overview, and signs in with the token', async () => {
    await page.goto(url('/'));
    await expect.poll(() => page.locator('h1').textContent()).toBe('Overview');
    expect(await page.locator('.who').textContent()).toContain('Sign in');
    await signIn();
    expect(await page.locator('.who').textContent()).toContain('signed in');
    await docScreenshot(page, 'overview');
  });

  it('lists the chats and shows a calendar with stored, missing, repaired and not covered days', async () => {
    await page.goto(url('/chats'));
    const row = page.locator('tr', { hasText: archive.channel });
    await expect.poll(() => row.textContent()).toContain('channel');
    await page.locator('tr', { hasText: archive.hostileChat }).waitFor({ state: 'visible' });
    await docScreenshot(page, 'chats');

    await row.getByRole('link', { name: archive.channel }).click();
    const day = (date: string) => page.locator(`[aria-label^="${date}:"]`);
    await expect.poll(() => day(archive.last).getAttribute('class')).toMatch(/st-stored/);
    await expect.poll(() => day(archive.gap.from).getAttribute('class')).toMatch(/st-missing/);
    await expect.poll(() => day(archive.repaired).getAttribute('class')).toMatch(/st-repaired/);
    expect(await day(archive.repaired).getAttribute('aria-label')).toMatch(
      /repaired, \d+ messages/,
    );
    const before = new Date(Date.parse(`${archive.first}T00:00:00Z`) - 86_400_000)
      .toISOString()
      .slice(0, 10);
    if (before.slice(0, 4) === archive.first.slice(0, 4))
      await expect.poll(() => day(before).getAttribute('class')).toMatch(/st-not_covered/);
    await docScreenshot(page, 'calendar-year');

    await page
      .getByRole('link', {
        name: new Date(`${archive.last}T00:00:00Z`).toLocaleString('en-GB', {
          month: 'long',
          timeZone: 'UTC',
        }),
      })
      .first()
      .click();
    await page.locator('table.month.big').waitFor({ state: 'visible' });
    await expect.poll(() => day(archive.last).textContent()).toMatch(/\d+/);
    await docScreenshot(page, 'calendar-month');
  });

  it('reads a day as people read it, and keeps hostile messages inert', async () => {
    await page.goto(url(`/chats/${archive.channel}/days/${archive.last}`));
    const stored = await archive.store.readDay(archive.channel, archive.last);
    expect(stored?.messages.length).toBeGreaterThan(0);
    await expect.poll(() => page.locator('ol.messages > li').count()).toBe(stored!.messages.length);
    await docScreenshot(page, 'day');

    await page.goto(url(`/chats/hostile_chat/days/${archive.hostileDate}`));
    await expect
      .poll(() => page.locator('#m1 .text').textContent())
      .toContain('<script>window.__pwned = 1</script>');
    expect(await page.evaluate('window.__pwned')).toBeUndefined();
    // The javascript: link is not a link; the reply links to the message it answers.
    await expect.poll(() => page.locator('#m2 a', { hasText: 'open me' }).count()).toBe(0);
    await expect
      .poll(() => page.locator('#m2').getByRole('link', { name: 'message 1' }).getAttribute('href'))
      .toBe('#m1');
    await expect
      .poll(() => page.locator('#m2 .meta').first().textContent())
      .toContain('abc[U+202E]gnp.exe');
    // A 64 KB line wraps inside the page instead of widening it.
    const overflow = await page.evaluate(
      'document.documentElement.scrollWidth - window.innerWidth',
    );
    expect(overflow).toBeLessThanOrEqual(0);
    await page.keyboard.press('Tab');
    expect(await page.evaluate('document.activeElement?.textContent')).toBe('Skip to content');
  });

  it('retries a dead letter back onto the queue, and a worker completes it', async () => {
    // A command that came back too often: the real list queue dead-letters it.
    const consumer = await createCommandQueue({
      url: ctx.url,
      queue: queueName(),
      workerId: 'crashing-worker',
      maxDeliveries: 1,
    });
    const id = await inspector.send({
      command: 'fetch',
      chat: 'console_channel',
      mode: 'date',
      date: archive.gap.from,
    });
    const first = await consumer.next();
    await first?.release({ counted: true });
    expect((await consumer.next())?.deadLettered).toBe(true);
    await consumer.close();

    await page.goto(url('/queue'));
    const row = page.locator('#dead ~ table tr', { hasText: id });
    await row.waitFor({ state: 'visible' });
    await docScreenshot(page, 'queue');
    page.once('dialog', (dialog) => void dialog.accept());
    await row.getByRole('button', { name: 'Retry' }).click();
    await expect.poll(() => page.locator('.notice').textContent()).toContain('back on the queue');
    expect((await inspector.waiting(10)).commands.map((c) => c.commandId)).toContain(id);
    expect((await inspector.deadLetters(10)).total).toBe(0);

    const worker = await startWorker();
    try {
      await page.goto(url(`/commands/${id}`));
      await expect
        .poll(() => page.locator('#final').getAttribute('data-final'), { timeout: 20_000 })
        .toBe('completed');
    } finally {
      await worker.stop();
    }
    expect(await archive.store.readDay(archive.channel, archive.gap.from)).toBeDefined();
  });

  it('sends a fetch command from the form and follows it to its final event', async () => {
    const worker = await startWorker();
    try {
      await page.goto(url('/commands/new'));
      await page.getByLabel('Chat', { exact: true }).fill('console_channel');
      await page.getByLabel('Mode').selectOption('date');
      await page.getByLabel('Date', { exact: true }).fill(archive.gap.to);
      await docScreenshot(page, 'send');
      await page.getByRole('button', { name: 'Send' }).click();
      await page.waitForURL(/\/commands\/[0-9a-f-]{36}$/);
      await expect
        .poll(() => page.locator('#final').getAttribute('data-final'), { timeout: 20_000 })
        .toBe('completed');
      await expect.poll(() => page.locator('ul.events li[data-event="completed"]').count()).toBe(1);
      await docScreenshot(page, 'command');
    } finally {
      await worker.stop();
    }
  });

  it('shows events live as they are published', async () => {
    await page.goto(url('/events'));
    await expect.poll(() => page.locator('#live-status').textContent()).toBe('live');
    const worker = await startWorker();
    try {
      await inspector.send({
        command: 'fetch',
        chat: 'console_channel',
        mode: 'date',
        date: archive.last,
        options: { force: true },
      });
      await page
        .locator('ul.events li[data-event="completed"]')
        .first()
        .waitFor({ state: 'visible', timeout: 20_000 });
      await docScreenshot(page, 'events');
    } finally {
      await worker.stop();
    }
  });

  it('asks for the missing days of a month with one click', async () => {
    // The tests before filled the gap's first and last days; the middle one is still missing.
    const middle = addDays(archive.gap.from, 1);
    await page.goto(
      url(
        `/chats/${archive.channel}?year=${middle.slice(0, 4)}&month=${Number(middle.slice(5, 7))}`,
      ),
    );
    await expect
      .poll(() => page.locator(`[aria-label^="${middle}:"]`).getAttribute('class'))
      .toMatch(/st-missing/);
    const waitingBefore = (await inspector.waiting(0)).total;
    await page.getByRole('button', { name: /Ask for the \d+ missing days/ }).click();
    await page.locator('main li a', { hasText: 'command' }).first().waitFor({ state: 'visible' });
    const waiting = await inspector.waiting(100);
    expect(waiting.total).toBeGreaterThan(waitingBefore);
    expect(waiting.commands.map((c) => JSON.parse(c.payload))).toContainEqual(
      expect.objectContaining({ mode: 'range', from: middle, to: middle, chat: archive.channel }),
    );
  });

  it('works without script: a discard asks on a page of its own, then happens', async () => {
    const bare = await browser.newContext({ javaScriptEnabled: false });
    try {
      const nojs = await bare.newPage();
      nojs.setDefaultTimeout(15_000);
      await nojs.goto(url('/login'));
      await nojs.getByLabel('Token').fill(TOKEN);
      await nojs.getByRole('button', { name: 'Sign in' }).click();
      await nojs.waitForURL(url('/'));
      const payload = JSON.stringify({
        command: 'fetch',
        chat: 'x',
        mode: 'days',
        days: 1,
        command_id: 'no-script',
      });
      await ctx.client.rPush(`${queueName()}:dead`, payload);
      await nojs.goto(url('/queue'));
      await nojs
        .locator('#dead ~ table tr', { hasText: 'no-script' })
        .getByRole('button', { name: 'Discard' })
        .click();
      await expect
        .poll(() => nojs.locator('main p').first().textContent())
        .toContain('Discard this command for good?');
      expect(await ctx.client.lLen(`${queueName()}:dead`)).toBe(1);
      await nojs.getByRole('button', { name: 'Yes' }).click();
      await expect.poll(() => nojs.locator('.notice').textContent()).toContain('discarded');
      expect(await ctx.client.lLen(`${queueName()}:dead`)).toBe(0);
    } finally {
      await bare.close();
    }
  });

  it('finds stored messages by text, in a chat and in all chats, and says the cost', async () => {
    const stored = await archive.store.readDay(archive.channel, archive.last);
    const word = stored!.messages
      .map((m) => m.text.split(/\s+/).find((w) => /^[a-z]{5,}$/i.test(w)))
      .find(Boolean)!;
    await page.goto(url('/search'));
    await page.getByLabel('Text').fill(word);
    await page.getByRole('button', { name: 'Search' }).click();
    await expect.poll(() => page.locator('ol.results > li').first().textContent()).toContain(word);
    await expect.poll(() => page.locator('#cost').textContent()).toContain('Scanned');
    await docScreenshot(page, 'search');
    await page.goto(url(`/search?q=pwned&chat=${encodeURIComponent(archive.hostileChat)}`));
    await expect.poll(() => page.locator('ol.results > li').count()).toBe(1);
    expect(await page.evaluate('window.__pwned')).toBeUndefined();
  });
});
