import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { DayDocument, TgMessage } from '@tgfetch/core';
import { createFsStore, type FsStore } from '@tgfetch/fs-store';
import {
  createQueueInspector,
  type EventLog,
  openEventLog,
  type QueueInspector,
} from '@tgfetch/redis-transport';
import { tempDir } from '@tgfetch/test-utils';
import { type RedisTestContext, redisTestContext } from '@tgfetch/test-utils/vitest';
import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createConsoleServer, startConsole } from './index.js';
import { injectSession } from './testing/session.js';

const TOKEN = 'a-console-token-of-the-tests';
const CHAT = '@hostile';
const DATE = '2025-11-07';

const hostile: TgMessage[] = [
  {
    id: 1,
    date: `${DATE}T08:00:00Z`,
    chat: CHAT,
    from: { kind: 'user', id: 7 },
    text: '<script>alert(1)</script> & "quotes"',
  },
  {
    id: 2,
    date: `${DATE}T09:00:00Z`,
    chat: CHAT,
    text: 'click me and javascript:alert(2)',
    entities: [
      { type: 'text_url', offset: 0, length: 8, url: 'javascript:alert(1)' },
      { type: 'url', offset: 13, length: 19 },
    ],
    post_author: 'evil\u202Egnp.exe',
    reply_to: 1,
  },
  {
    id: 3,
    date: `${DATE}T10:00:00Z`,
    chat: CHAT,
    text: `${'x'.repeat(64 * 1024)} end`,
    entities: [{ type: 'text_url', offset: 0, length: 3, url: 'https://example.org/"><script>' }],
    media: { kind: 'document', file_name: '<img src=x onerror=alert(3)>.pdf', size: 2048 },
  },
  {
    id: 4,
    date: `${DATE}T11:00:00Z`,
    chat: CHAT,
    text: 'spoiler and code',
    entities: [
      { type: 'spoiler', offset: 0, length: 7 },
      { type: 'code', offset: 12, length: 4 },
      { type: 'bold', offset: 4, length: 10 },
    ],
    reactions: [{ reaction: '<b>👍</b>', count: 3 }],
    forward: { from_name: '</li><li>forged' },
  },
];

let ctx: RedisTestContext;
let data: { dir: string; cleanup: () => Promise<void> };
let store: FsStore;
let queue: QueueInspector;
let events: EventLog;
const apps: FastifyInstance[] = [];

beforeEach(async () => {
  ctx = await redisTestContext();
  data = await tempDir();
  store = createFsStore({ dataDir: data.dir });
  const day: DayDocument = {
    chat: CHAT,
    date: DATE,
    time_zone: 'UTC',
    fetched_at: '2025-11-08T00:00:05.000Z',
    complete: true,
    count: hostile.length,
    messages: hostile,
  };
  await store.writeDay(day);
  queue = await createQueueInspector({ url: ctx.url, queue: `${ctx.prefix}q` });
  events = await openEventLog({ url: ctx.url, stream: `${ctx.prefix}events` });
});

afterEach(async () => {
  for (const app of apps.splice(0)) await app.close();
  await queue.close();
  await events.close();
  await store.close();
  await ctx.cleanup();
  await data.cleanup();
});

/** The console over the test's parts; an option given as undefined is left out. */
async function consoleApp(options: Record<string, unknown> = {}) {
  const given = Object.fromEntries(
    Object.entries({ store, queue, events, token: TOKEN, ...options }).filter(
      ([, v]) => v !== undefined,
    ),
  ) as unknown as Parameters<typeof createConsoleServer>[0];
  const app = await createConsoleServer(given);
  apps.push(app);
  return app;
}

describe('escaping', () => {
  it('shows hostile messages as text: no script, no javascript: link, controls visible', async () => {
    const page = await injectSession(await consoleApp()).get(`/chats/hostile/days/${DATE}`);
    expect(page.statusCode).toBe(200);
    const body = page.body;
    expect(body).not.toContain('<script>alert');
    expect(body).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quotes&quot;');
    expect(body).not.toMatch(/href="javascript:/i);
    expect(body).not.toContain('<img src=x');
    expect(body).not.toContain('<b>👍</b>');
    expect(body).not.toContain('</li><li>forged');
    expect(body).toContain('evil[U+202E]gnp.exe');
    // Every href is one of ours, http(s) or tg.
    for (const [, href] of body.matchAll(/href="([^"]*)"/g)) {
      expect(href).toMatch(/^(\/|#|https?:|tg:)/);
    }
    expect(body).toContain('href="https://example.org/%22%3E%3Cscript%3E"');
    expect(body).toContain('<a href="#m1">message 1</a>');
    expect(body).toContain('class="spoiler"');
    expect(body.includes(`${'x'.repeat(60_000)}`) && body.includes('x end')).toBe(true);
  });

  it('says every page is HTML with a CSP that allows no inline script', async () => {
    const session = injectSession(await consoleApp());
    for (const url of ['/', '/chats', '/nowhere', '/assets/console.css', '/login']) {
      const response = await session.get(url);
      const csp = String(response.headers['content-security-policy']);
      expect(csp).toContain("script-src 'self'");
      expect(csp).not.toContain('unsafe-inline');
      expect(response.headers['x-content-type-options']).toBe('nosniff');
      expect(response.headers['x-frame-options']).toBe('DENY');
    }
    const page = await session.get('/');
    expect(page.body).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(page.body).not.toMatch(/\son[a-z]+=/i);
  });
});

describe('changes: token, sign-in and form tokens', () => {
  it('reads on loopback without a token and changes nothing then', async () => {
    const session = injectSession(await consoleApp({ token: undefined }));
    expect((await session.get('/chats')).statusCode).toBe(200);
    await session.get('/');
    const sent = await session.post('/commands', {
      _csrf: 'none',
      chat: 'x',
      mode: 'days',
      days: '1',
    });
    expect(sent.statusCode).toBe(403);
    expect(sent.body).toContain('CONSOLE_TOKEN');
    expect(await ctx.client.lLen(`${ctx.prefix}q`)).toBe(0);
  });

  it('needs a sign-in and the form token for a change, and takes a bearer token', async () => {
    const session = injectSession(await consoleApp());
    const csrf = await session.csrf('/login');
    const form = { _csrf: csrf, chat: 'x', mode: 'days', days: '1' };
    expect((await session.post('/commands', form)).statusCode).toBe(401);
    expect((await session.signIn('not the token at all')).statusCode).toBe(401);
    const signedIn = await session.signIn(TOKEN);
    expect(signedIn.statusCode).toBe(303);
    const cookie = signedIn.cookies.find((c) => c.name === 'tgfetch_console');
    expect(cookie?.value).not.toContain(TOKEN);
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict' });

    expect((await session.post('/commands', { ...form, _csrf: 'forged' })).statusCode).toBe(403);
    const { _csrf: _, ...withoutToken } = form;
    expect((await session.post('/commands', withoutToken)).statusCode).toBe(403);
    expect(
      (await session.post('/commands', form, { origin: 'https://evil.example' })).statusCode,
    ).toBe(403);
    expect(await ctx.client.lLen(`${ctx.prefix}q`)).toBe(0);

    const sent = await session.post('/commands', {
      ...form,
      _csrf: await session.csrf('/commands/new'),
    });
    expect(sent.statusCode).toBe(303);
    expect(sent.headers.location).toMatch(/^\/commands\/[0-9a-f-]{36}$/);
    expect(await ctx.client.lLen(`${ctx.prefix}q`)).toBe(1);

    // A script with the token: bearer, still with the page's form token.
    const script = injectSession(apps[0]!);
    const csrfForScript = await script.csrf('/login');
    const bearer = await script.post(
      '/commands',
      { ...form, _csrf: csrfForScript },
      { authorization: `Bearer ${TOKEN}` },
    );
    expect(bearer.statusCode).toBe(303);
  });

  it('pauses sign-ins after ten wrong tokens in a minute', async () => {
    const session = injectSession(await consoleApp());
    for (let i = 0; i < 10; i++)
      expect((await session.signIn(`wrong-token-number-${i}`)).statusCode).toBe(401);
    expect((await session.signIn(TOKEN)).statusCode).toBe(429);
    expect(session.cookies.has('tgfetch_console')).toBe(false);
  });

  it('refuses to start beyond loopback without a token, and asks for sign-in there', async () => {
    await expect(createConsoleServer({ store, host: '0.0.0.0' })).rejects.toMatchObject({
      code: 'CONSOLE_TOKEN_REQUIRED',
    });
    await expect(createConsoleServer({ store, token: 'short' })).rejects.toMatchObject({
      code: 'CONSOLE_TOKEN_WEAK',
    });
    await expect(createConsoleServer({ store, host: 'example.org' })).rejects.toMatchObject({
      code: 'CONSOLE_INVALID_OPTIONS',
    });
    const session = injectSession(await consoleApp({ host: '0.0.0.0' }));
    const page = await session.get('/chats', { host: '192.0.2.1:8790' });
    expect(page.statusCode).toBe(303);
    expect(page.headers.location).toBe('/login?next=%2Fchats');
    expect((await session.get('/assets/console.js', { host: '192.0.2.1' })).statusCode).toBe(200);
    await session.signIn(TOKEN);
    expect((await session.get('/chats', { host: '192.0.2.1' })).statusCode).toBe(200);
  });

  it('answers on loopback only to loopback host names (no DNS rebinding)', async () => {
    const session = injectSession(await consoleApp());
    expect((await session.get('/', { host: 'attacker.example:8790' })).statusCode).toBe(421);
    expect((await session.get('/', { host: 'localhost:8790' })).statusCode).toBe(200);
    expect((await session.get('/', { host: '[::1]:8790' })).statusCode).toBe(200);
  });

  it('never renders the token', async () => {
    const session = injectSession(await consoleApp());
    await session.signIn(TOKEN);
    for (const url of [
      '/',
      '/queue',
      '/events',
      '/chats',
      '/chats/hostile',
      '/commands/new',
      '/search?q=x',
      '/login',
    ]) {
      expect((await session.get(url)).body).not.toContain(TOKEN);
    }
  });
});

describe('GET never changes anything', () => {
  async function snapshot(): Promise<string> {
    const keys = (await ctx.client.keys(`${ctx.prefix}*`)).sort();
    const redis: string[] = [];
    for (const key of keys) {
      const type = await ctx.client.type(key);
      const value =
        type === 'list'
          ? await ctx.client.lRange(key, 0, -1)
          : type === 'stream'
            ? await ctx.client.xRange(key, '-', '+')
            : type === 'hash'
              ? await ctx.client.hGetAll(key)
              : await ctx.client.get(key).catch(() => type);
      redis.push(`${key}=${JSON.stringify(value)}`);
    }
    const files: string[] = [];
    for (const entry of await readdir(data.dir, { recursive: true })) {
      const file = path.join(data.dir, entry);
      const info = await stat(file);
      files.push(
        `${entry}:${info.isFile() ? (await readFile(file, 'utf8')).length : 'dir'}:${info.mtimeMs}`,
      );
    }
    return JSON.stringify({ redis, files: files.sort() });
  }

  it('leaves Redis and the data directory as they were, whatever a GET asks', async () => {
    await ctx.client.rPush(
      `${ctx.prefix}q:dead`,
      JSON.stringify({ command: 'fetch', chat: 'x', mode: 'days', days: 1, command_id: 'd1' }),
    );
    const session = injectSession(await consoleApp());
    await session.signIn(TOKEN);
    const before = await snapshot();
    const urls = [
      '/',
      '/queue',
      '/queue?notice=retried',
      '/queue/dead/retry?ref=x&confirm=yes',
      '/queue/dead/retry-all?confirm=yes',
      '/events',
      '/chats',
      '/chats/hostile',
      '/chats/hostile?year=2025&month=11',
      '/chats/hostile/missing?year=2025',
      `/chats/hostile/days/${DATE}`,
      '/chats/hostile/messages/2',
      '/commands/new?chat=x',
      '/commands?chat=x&mode=days&days=1',
      '/commands/abc',
      '/search?q=script',
      '/login',
      '/logout',
    ];
    for (const url of urls) {
      const response = await session.get(url);
      expect(response.statusCode, url).toBeLessThan(500);
    }
    expect(await snapshot()).toBe(before);
  });
});

describe('without Redis', () => {
  it('says so on the queue pages and serves the archive', async () => {
    const session = injectSession(await consoleApp({ queue: undefined, events: undefined }));
    for (const url of ['/queue', '/events', '/commands/new']) {
      const page = await session.get(url);
      expect(page.statusCode).toBe(200);
      expect(page.body).toContain('No Redis');
    }
    expect((await session.get('/chats')).body).toContain('hostile');
    expect((await session.get('/search?q=quotes')).body).toContain('&amp; &quot;quotes&quot;');
  });
});

describe('startConsole', () => {
  it('listens on loopback and says where', async () => {
    const running = await startConsole({ store, port: 0 });
    try {
      expect(running.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
      const response = await fetch(new URL('/chats', running.url));
      expect(response.status).toBe(200);
      expect(await response.text()).toContain('hostile');
    } finally {
      await running.close();
    }
  });
});
