import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {
  addDays,
  type CompletedEvent,
  type DayDocument,
  dateInZone,
  type IsoDate,
} from '@tgfetch/core';
import { createFsStore } from '@tgfetch/fs-store';
import { createSimulatedTelegram } from '@tgfetch/telegram/testing';
import { eventually } from '@tgfetch/test-utils';
import {
  type PgTestContext,
  pgTestContext,
  type RedisTestContext,
  redisTestContext,
} from '@tgfetch/test-utils/vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { docScreenshot, launchChromium } from '../testing/browser.js';
import { runCli, SECRETS } from '../testing/cli-process.js';
import { startConsoleCli } from '../testing/console-process.js';
import { hostileDay } from '../testing/hostile-day.js';
import { type Installation, startInstallation, WORKER_ID } from '../testing/installation.js';

/**
 * `tgfetch console` in a real browser (Debian's Chromium through Playwright) over what a
 * real `tgfetch daemon` stored and announced: the built CLI as two child processes on the
 * simulated Telegram, the test's redis-server, a file store in a temp DATA_DIR (and, at
 * the end, PostgreSQL). Every page is looked at, every change is made as a person makes
 * it, and what the daemon then does is what the page must show.
 */

const TOKEN = 'console-e2e-token-0123456789';
const OPS = 'ops_channel';
const TEAM = 'team_chat';
const simulated = createSimulatedTelegram();
const today = dateInZone(Date.now(), 'UTC');
const yesterday = addDays(today, -1);
/** ops_channel holds first..yesterday and today, but for `gap`; `repaired` was stored again. */
const first = addDays(yesterday, -20);
const gap = { from: addDays(yesterday, -13), to: addDays(yesterday, -11) };
const repaired = addDays(yesterday, -3);

let redis: RedisTestContext;
let dir: string;
let install: Installation;
/** The canonical chats (`-100…`) of the simulated chats, as the daemon stored them. */
let ops: string;
let team: string;
let hostileChat: string;
let browser: Browser;
let context: BrowserContext;
let page: Page;

const fetchOf = (chat: string, command: Record<string, unknown>) => ({
  command: 'fetch',
  chat: `@${chat}`,
  ...command,
});

beforeAll(async () => {
  redis = await redisTestContext();
  dir = await mkdtemp(path.join(os.tmpdir(), 'tgfetch-console-'));
  await writeFile(path.join(dir, 'console-token'), `${TOKEN}\n`);
  install = await startInstallation({
    redis,
    dir,
    label: 'fs',
    // A worker that dies holding a command does not get it again: a person decides.
    daemon: { MAX_DELIVERIES: '1' },
    console: { CONSOLE_TOKEN_FILE: path.join(dir, 'console-token') },
  });
  const ids = [
    await install.push(fetchOf(OPS, { mode: 'range', from: first, to: addDays(gap.from, -1) })),
    await install.push(fetchOf(OPS, { mode: 'range', from: addDays(gap.to, 1), to: yesterday })),
    await install.push(fetchOf(OPS, { mode: 'date', date: today })),
    await install.push(fetchOf(TEAM, { mode: 'range', from: addDays(today, -3), to: yesterday })),
  ];
  const finals = await Promise.all(ids.map((id) => install.completed(id, 30_000)));
  ops = finals[0]!.chat!;
  team = finals[3]!.chat!;
  // A day whose file went bad: the next fetch finds it corrupt, moves it aside, stores it again.
  const file = path.join(
    install.dataDir,
    ops,
    repaired.slice(0, 4),
    `discussions_${repaired}.json`,
  );
  await writeFile(file, '{"not": "a day"');
  const repair = (await install.completed(
    await install.push(fetchOf(OPS, { mode: 'date', date: repaired })),
  )) as CompletedEvent;
  expect(repair.days[0]?.repair).toBeDefined();
  // Hostile names and text can come from any chat; the simulated one has none, so this day
  // is written into the same data directory the daemon writes, as a store would hold it.
  const hostile: DayDocument = hostileDay('@hostile_chat', addDays(yesterday, -1));
  hostileChat = hostile.chat;
  const store = createFsStore({ dataDir: install.dataDir });
  try {
    await store.writeDay(hostile);
  } finally {
    await store.close();
  }

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
  const output = install?.output() ?? '';
  await install?.close();
  await redis?.cleanup();
  if (dir) await rm(dir, { recursive: true, force: true });
  // Checked once everything stopped: nothing any process wrote holds a secret.
  for (const secret of [TOKEN, ...Object.values(SECRETS)]) expect(output).not.toContain(secret);
});

const url = (p: string, base = install.console.url) => new URL(p, base).href;
const chatPath = (chat: string) => `/chats/${encodeURIComponent(chat.replace(/^@/, ''))}`;
/** A day of the calendar by its label (`2026-01-02: stored, 12 messages`). */
const calendarDay = (date: IsoDate) => page.locator(`[aria-label^="${date}:"]`);

async function signIn(on: Page, base = install.console.url) {
  await on.goto(url('/login', base));
  await on.getByLabel('Token').fill(TOKEN);
  await on.getByRole('button', { name: 'Sign in' }).click();
  await on.waitForURL(url('/', base));
}

/** A word of five letters or more from a message of `day`. */
function wordOf(day: DayDocument | undefined): string {
  const word = day?.messages
    .map((m) => m.text.split(/\s+/).find((w) => /^[a-z]{5,}$/i.test(w)))
    .find(Boolean);
  if (!word) throw new Error(`no word to search for in ${day?.chat} ${day?.date}`);
  return word;
}

// A browser and three processes on a loaded machine take their time: each test is
// bounded by its own waits.
describe('tgfetch console over a running daemon, in a browser', { timeout: 60_000 }, () => {
  it('serves beyond loopback only with a token, and only to who signs in', async () => {
    const open = await runCli(
      ['console'],
      { CONSOLE_HOST: '0.0.0.0', CONSOLE_PORT: '0', DATA_DIR: install.dataDir },
      dir,
    );
    expect(open.code).toBe(2);
    expect(open.stderr).toContain('CONSOLE_TOKEN_REQUIRED');
    const weak = await runCli(
      ['console'],
      { CONSOLE_TOKEN: 'short-one', CONSOLE_PORT: '0', DATA_DIR: install.dataDir },
      dir,
    );
    expect(weak.code).toBe(2);
    expect(weak.stderr).toMatch(/CONSOLE_TOKEN/);
    expect(weak.stderr).not.toContain('short-one');
    // Beyond loopback with a token, every page asks for the sign-in first.
    const wide = await startConsoleCli(
      { CONSOLE_HOST: '0.0.0.0', CONSOLE_TOKEN: TOKEN, DATA_DIR: install.dataDir },
      dir,
    );
    try {
      const port = new URL(wide.url).port;
      const at = `http://127.0.0.1:${port}/chats`;
      const anonymous = await fetch(at, { redirect: 'manual' });
      expect(anonymous.status).toBe(303);
      expect(anonymous.headers.get('location')).toBe('/login?next=%2Fchats');
      expect(await anonymous.text()).not.toContain(ops);
      const bearer = await fetch(at, { headers: { authorization: `Bearer ${TOKEN}` } });
      expect(await bearer.text()).toContain(ops);
    } finally {
      expect((await wide.stop()).code).toBe(0);
    }
    expect(wide.proc.stdout() + wide.proc.stderr()).not.toContain(TOKEN);
  });

  it('without Redis, says so on the queue pages and shows the archive', async () => {
    const bare = await startConsoleCli({ DATA_DIR: install.dataDir }, dir);
    try {
      expect(bare.proc.stderr()).toContain('no Redis');
      const queue = await (await fetch(url('/queue', bare.url))).text();
      expect(queue).toContain('No Redis');
      const chats = await (await fetch(url('/chats', bare.url))).text();
      expect(chats).toContain(ops);
      expect(chats).toContain(team);
    } finally {
      expect((await bare.stop()).code).toBe(0);
    }
  });

  it('shows the overview, and signs in with the token from CONSOLE_TOKEN_FILE', async () => {
    await page.goto(url('/'));
    await expect.poll(() => page.locator('h1').textContent()).toBe('Overview');
    expect(await page.locator('.who').textContent()).toContain('Sign in');
    const workers = page.locator('tr', { hasText: 'Workers alive' });
    await expect.poll(() => workers.textContent()).toMatch(/1\s*of 1/);
    await expect.poll(() => page.locator('main').textContent()).toContain('3 chats');
    await expect
      .poll(() => page.locator('ul.events li[data-event="completed"]').count())
      .toBeGreaterThan(0);
    await signIn(page);
    expect(await page.locator('.who').textContent()).toContain('signed in');
    await docScreenshot(page, 'overview');
  });

  it('lists the chats with their kind, and a calendar of stored, partial, missing, repaired and not covered days', async () => {
    await page.goto(url('/chats'));
    const row = (chat: string) => page.locator('tr', { hasText: chat });
    await expect.poll(() => row(ops).textContent()).toContain(simulated.chat(OPS).kind);
    await expect.poll(() => row(team).textContent()).toContain(simulated.chat(TEAM).kind);
    // Nothing stored names a chat by more than its id: the name it was asked for by is shown.
    expect(await row(ops).textContent()).toContain(`asked for as @${OPS}`);
    await row(hostileChat).waitFor({ state: 'visible' });
    await docScreenshot(page, 'chats');

    await row(ops).getByRole('link', { name: ops }).click();
    await expect.poll(() => calendarDay(yesterday).getAttribute('class')).toMatch(/st-stored/);
    if (today.slice(0, 4) === yesterday.slice(0, 4))
      await expect.poll(() => calendarDay(today).getAttribute('class')).toMatch(/st-partial/);
    await expect.poll(() => calendarDay(gap.from).getAttribute('class')).toMatch(/st-missing/);
    await expect.poll(() => calendarDay(repaired).getAttribute('class')).toMatch(/st-repaired/);
    expect(await calendarDay(repaired).getAttribute('aria-label')).toMatch(
      /repaired, \d+ messages/,
    );
    const before = addDays(first, -1);
    if (before.slice(0, 4) === yesterday.slice(0, 4))
      await expect.poll(() => calendarDay(before).getAttribute('class')).toMatch(/st-not_covered/);
    await docScreenshot(page, 'calendar-year');
  });

  it('asks for the missing days of a month with one click, and the daemon fetches them', async () => {
    const [year, month] = [gap.from.slice(0, 4), Number(gap.from.slice(5, 7))];
    await page.goto(url(`${chatPath(ops)}?year=${year}&month=${month}`));
    await page.locator('table.month.big').waitFor({ state: 'visible' });
    await expect.poll(() => calendarDay(gap.from).getAttribute('class')).toMatch(/st-missing/);
    await docScreenshot(page, 'calendar-month');
    await page.getByRole('button', { name: /Ask for the \d+ missing days/ }).click();
    const sent = page.locator('main li a', { hasText: 'command' });
    await sent.first().waitFor({ state: 'visible' });
    // Each run of missing days is one command; the daemon takes them, the page follows them.
    const ids = (await sent.allTextContents()).map((t) => t.replace(/^command /, ''));
    expect(ids.length).toBeGreaterThan(0);
    for (const id of ids) await install.completed(id);
    await sent.first().click();
    await expect.poll(() => page.locator('#final').getAttribute('data-final')).toBe('completed');
    await page.goto(url(`${chatPath(ops)}?year=${year}&month=${month}`));
    await expect.poll(() => calendarDay(gap.from).getAttribute('class')).toMatch(/st-stored/);
    expect(await page.getByRole('button', { name: /Ask for/ }).count()).toBe(0);
  });

  it('reads a day as people read it, and keeps hostile messages inert', async () => {
    await page.goto(url(`${chatPath(ops)}/days/${yesterday}`));
    const store = createFsStore({ dataDir: install.dataDir });
    const stored = await store.readDay(ops, yesterday).finally(() => store.close());
    expect(stored?.messages.length).toBeGreaterThan(0);
    await expect.poll(() => page.locator('ol.messages > li').count()).toBe(stored!.messages.length);
    await docScreenshot(page, 'day');

    await page.goto(url(`${chatPath(hostileChat)}/days/${addDays(yesterday, -1)}`));
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

  it('finds what the daemon stored, in a chat and in all chats, and says the cost', async () => {
    const store = createFsStore({ dataDir: install.dataDir });
    const word = wordOf(await store.readDay(ops, yesterday).finally(() => store.close()));
    await page.goto(url('/search'));
    await page.getByLabel('Text').fill(word);
    await page.getByRole('button', { name: 'Search' }).click();
    await expect.poll(() => page.locator('ol.results > li').first().textContent()).toContain(word);
    await expect.poll(() => page.locator('#cost').textContent()).toContain('Scanned');
    await docScreenshot(page, 'search');
    await page.goto(url(`/search?q=${encodeURIComponent(word)}&chat=${encodeURIComponent(ops)}`));
    await expect.poll(() => page.locator('#cost').textContent()).toContain('Scanned');
    const chats = await page.locator('ol.results > li > .meta > a:first-child').allTextContents();
    expect(chats.length).toBeGreaterThan(0);
    expect(new Set(chats)).toEqual(new Set([ops]));
    await page.goto(url(`/search?q=pwned&chat=${encodeURIComponent(hostileChat)}`));
    await expect.poll(() => page.locator('ol.results > li').count()).toBe(1);
    expect(await page.evaluate('window.__pwned')).toBeUndefined();
  });

  it('sends a fetch command from the form and follows it to its final event', async () => {
    await page.goto(url('/commands/new'));
    await page.getByLabel('Chat', { exact: true }).fill(`@${TEAM}`);
    await page.getByLabel('Mode').selectOption('date');
    await page.getByLabel('Date', { exact: true }).fill(addDays(today, -10));
    await docScreenshot(page, 'send');
    await page.getByRole('button', { name: 'Send' }).click();
    await page.waitForURL(/\/commands\/[0-9a-f-]{36}$/);
    await expect.poll(() => page.locator('#final').getAttribute('data-final')).toBe('completed');
    await expect.poll(() => page.locator('ul.events li[data-event="completed"]').count()).toBe(1);
    const id = decodeURIComponent(new URL(page.url()).pathname.split('/').at(-1)!);
    const final = (await install.completed(id)) as CompletedEvent;
    expect(final).toMatchObject({ chat: team, worker_id: WORKER_ID });
    expect(final.days.map((d) => d.date)).toEqual([addDays(today, -10)]);
    await docScreenshot(page, 'command');
  });

  it('shows events live as the daemon publishes them', async () => {
    await page.goto(url('/events'));
    await expect.poll(() => page.locator('#live-status').textContent()).toBe('live');
    const id = await install.push(
      fetchOf(OPS, { mode: 'date', date: yesterday, options: { force: true } }),
    );
    await install.completed(id);
    const line = page.locator('ul.events li[data-event="completed"]', { hasText: id });
    await line.waitFor({ state: 'visible', timeout: 20_000 });
    // Written by the page's script as the server writes them: the chat as asked, a link.
    expect(await line.textContent()).toContain(`${ops} (@${OPS})`);
    expect(await line.getByRole('link', { name: id }).getAttribute('href')).toBe(`/commands/${id}`);
    expect(await page.locator('ul.events li', { hasText: id }).count()).toBeGreaterThanOrEqual(3);
    await docScreenshot(page, 'events');
  });

  describe('a worker that dies holding commands', () => {
    // Eight days of at least one slow request each: the kill comes well before their end.
    const range = { mode: 'range', from: addDays(today, -30), to: addDays(today, -23) };
    let held: string[];

    it('shows the commands a worker holds: since when, and its last progress', async () => {
      // The daemon stops; a slow one (the simulated Telegram answers late) takes two
      // commands at once and is killed once it has finished a day of each.
      install.daemon.child.kill('SIGTERM');
      expect((await install.daemon.exited).code).toBe(0);
      const slow = await install.startDaemon({
        TGFETCH_SIM: JSON.stringify({ latencyMs: 400 }),
        FETCH_CONCURRENCY: '2',
      });
      held = [
        await install.push(fetchOf(TEAM, { ...range, strategy: 'per_day' })),
        await install.push(fetchOf('news_feed', { ...range, strategy: 'per_day' })),
      ];
      await eventually(
        () => held.every((id) => install.log.of(id).some((e) => e.event === 'progress')),
        { timeoutMs: 20_000, what: 'a day of each held command' },
      );
      slow.child.kill('SIGKILL');
      expect((await slow.exited).signal).toBe('SIGKILL');
      // Pushed while no worker runs: it waits.
      const waiting = await install.push(
        fetchOf(TEAM, { mode: 'date', date: addDays(today, -40) }),
      );

      await page.goto(url('/queue'));
      await page.locator('#waiting ~ table tr', { hasText: waiting }).waitFor({ state: 'visible' });
      const workers = page.locator('#workers + table');
      for (const id of held) {
        const row = workers.locator('tr', { hasText: id });
        await expect.poll(() => row.textContent()).toContain(`by ${WORKER_ID}`);
        await expect.poll(() => row.textContent()).toMatch(/\d{4}-\d\d-\d\d: \d+ messages/);
      }
      await expect.poll(() => workers.textContent()).toContain(WORKER_ID);
      await docScreenshot(page, 'queue');
    });

    it('dead-letters them when the worker comes back, and a retry from the page ends completed', async () => {
      // The same WORKER_ID takes back what it held; MAX_DELIVERIES=1 sends it to the dead letters.
      await install.startDaemon();
      for (const id of held) {
        const failed = await eventually(
          () => install.log.of(id).find((e) => e.event === 'failed'),
          { timeoutMs: 20_000, what: `the dead letter of ${id}` },
        );
        expect(failed).toMatchObject({ error: { code: 'POISON_COMMAND' } });
      }
      expect(await redis.client.lLen(`${install.names.queue}:dead`)).toBe(2);

      await page.goto(url('/queue'));
      const dead = (id: string) => page.locator('#dead ~ table tr', { hasText: id });
      for (const id of held)
        await expect.poll(() => dead(id).textContent()).toContain('POISON_COMMAND');
      await expect
        .poll(() => page.locator('#waiting + p').textContent())
        .toContain('Nothing waits');
      await docScreenshot(page, 'dead-letters');

      // Its page, open in another tab, says it is a dead letter and keeps following it.
      const [retried] = held as [string, string];
      const watch = await context.newPage();
      try {
        await watch.goto(url(`/commands/${retried}`));
        await expect.poll(() => watch.locator('#final').textContent()).toContain('dead letter');
        expect(await watch.locator('#final').getAttribute('data-final')).toBeNull();
        await expect.poll(() => watch.locator('#live-status').textContent()).toBe('live');

        page.once('dialog', (dialog) => void dialog.accept());
        await dead(retried).getByRole('button', { name: 'Retry' }).click();
        await expect
          .poll(() => page.locator('.notice').textContent())
          .toContain('back on the queue');
        // The daemon runs it again under its id; the open page sees it end.
        await expect
          .poll(() => watch.locator('#final').getAttribute('data-final'), { timeout: 20_000 })
          .toBe('completed');
      } finally {
        await watch.close();
      }
      await eventually(() => install.log.of(retried).some((e) => e.event === 'completed'), {
        what: `${retried} completed`,
      });
      await page.goto(url(`/commands/${retried}`));
      await expect.poll(() => page.locator('#final').getAttribute('data-final')).toBe('completed');
      expect(await redis.client.lLen(`${install.names.queue}:dead`)).toBe(1);
    });

    it('changes nothing on GET, without a sign-in, a form token or from another origin', async () => {
      const [, left] = held as [string, string];
      const deadKey = `${install.names.queue}:dead`;
      const before = await redis.client.lRange(deadKey, 0, -1);
      // A list item's ref, as the queue page names it: the SHA-1 of its payload.
      const ref = `sha1:${createHash('sha1').update(before[0]!).digest('hex')}`;
      for (const p of ['/queue/dead/discard', '/queue/dead/retry', '/queue/dead/retry-all']) {
        const get = await fetch(url(`${p}?ref=${encodeURIComponent(ref)}&confirm=yes`));
        expect(get.status).toBe(404);
      }
      const form = (extra: Record<string, string> = {}) =>
        new URLSearchParams({ ref, confirm: 'yes', ...extra }).toString();
      const post = (headers: Record<string, string>, body = form()) =>
        fetch(url('/queue/dead/discard'), {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
          body,
          redirect: 'manual',
        });
      expect((await post({})).status).toBe(401);
      const bearer = { authorization: `Bearer ${TOKEN}` };
      expect((await post(bearer)).status).toBe(403);
      expect((await post({ ...bearer, origin: 'http://evil.example' })).status).toBe(403);
      expect(await redis.client.lRange(deadKey, 0, -1)).toEqual(before);
      expect(before[0]).toContain(left);
      // The token is asked for, never shown.
      for (const p of ['/', '/queue', '/login', '/commands/new']) {
        await page.goto(url(p));
        expect(await page.content()).not.toContain(TOKEN);
      }
    });

    it('works without script: a discard asks on a page of its own, then happens', async () => {
      const [, left] = held as [string, string];
      const bare = await browser.newContext({ javaScriptEnabled: false });
      try {
        const nojs = await bare.newPage();
        nojs.setDefaultTimeout(15_000);
        await signIn(nojs);
        await nojs.goto(url('/queue'));
        await nojs
          .locator('#dead ~ table tr', { hasText: left })
          .getByRole('button', { name: 'Discard' })
          .click();
        await expect
          .poll(() => nojs.locator('main p').first().textContent())
          .toContain('Discard this command for good?');
        expect(await redis.client.lLen(`${install.names.queue}:dead`)).toBe(1);
        await nojs.getByRole('button', { name: 'Yes' }).click();
        await expect.poll(() => nojs.locator('.notice').textContent()).toContain('discarded');
        expect(await redis.client.lLen(`${install.names.queue}:dead`)).toBe(0);
      } finally {
        await bare.close();
      }
      // Never run: no day of it was stored.
      expect(install.log.of(left).some((e) => e.event === 'completed')).toBe(false);
    });
  });
});

describe('tgfetch console over a daemon on PostgreSQL', { timeout: 60_000 }, () => {
  let pg: PgTestContext;
  let pgInstall: Installation;
  let pgDir: string;
  let pgContext: BrowserContext;

  beforeAll(async () => {
    pg = await pgTestContext();
    pgDir = await mkdtemp(path.join(os.tmpdir(), 'tgfetch-console-pg-'));
    pgInstall = await startInstallation({
      redis,
      dir: pgDir,
      label: 'pg',
      shared: { STORE: 'postgres', DATABASE_URL: pg.url, DATABASE_SCHEMA: pg.schema },
      console: { CONSOLE_TOKEN: TOKEN },
    });
    pgContext = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  }, 120_000);

  afterAll(async () => {
    await pgContext?.close();
    const output = pgInstall?.output() ?? '';
    await pgInstall?.close();
    await pg?.cleanup();
    if (pgDir) await rm(pgDir, { recursive: true, force: true });
    for (const secret of [TOKEN, ...Object.values(SECRETS)]) expect(output).not.toContain(secret);
  });

  it('shows the chats, a day and a full-text search of what the daemon stored in PostgreSQL', async () => {
    const id = await pgInstall.push(
      fetchOf(OPS, { mode: 'range', from: addDays(yesterday, -2), to: yesterday }),
    );
    const final = (await pgInstall.completed(id)) as CompletedEvent;
    expect(final.days[0]?.file_path).toMatch(/^pg:/);
    const base = pgInstall.console.url;
    const on = await pgContext.newPage();
    on.setDefaultTimeout(15_000);
    await on.goto(url('/chats', base));
    await on.locator('tr', { hasText: ops }).getByRole('link', { name: ops }).click();
    await expect
      .poll(() => on.locator(`[aria-label^="${yesterday}:"]`).getAttribute('class'))
      .toMatch(/st-stored/);
    await on.goto(url(`${chatPath(ops)}/days/${yesterday}`, base));
    const count = final.days.find((d) => d.date === yesterday)!.count;
    await expect.poll(() => on.locator('ol.messages > li').count()).toBe(count);
    const text = (await on.locator('ol.messages > li .text').allTextContents()).join(' ');
    const word = text.split(/\s+/).find((w) => /^[a-z]{5,}$/i.test(w));
    expect(word).toBeDefined();
    await on.goto(url(`/search?q=${encodeURIComponent(word!)}`, base));
    await expect.poll(() => on.locator('#cost').textContent()).toContain('PostgreSQL full-text');
    await expect
      .poll(() => on.locator('ol.results > li').first().textContent())
      .toMatch(new RegExp(word!, 'i'));
    // Signed in, the queue of this installation is its own.
    await signIn(on, base);
    await on.goto(url('/queue', base));
    await expect.poll(() => on.locator('#workers + table').textContent()).toContain(WORKER_ID);
  });
});
