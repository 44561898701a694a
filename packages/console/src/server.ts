import cookie from '@fastify/cookie';
import csrf from '@fastify/csrf-protection';
import formbody from '@fastify/formbody';
import Fastify, { type FastifyInstance } from 'fastify';
import { loadAssets } from './assets.js';
import { createAuth, hostAllowed, originAllowed } from './auth.js';
import { createContext } from './context.js';
import { html } from './html.js';
import { notice } from './layout.js';
import { createLiveFeed } from './live-feed.js';
import { type ConsoleOptions, resolveOptions } from './options.js';
import { chatRoutes } from './routes/chats.js';
import { commandRoutes } from './routes/commands.js';
import { dayRoutes } from './routes/day.js';
import { eventRoutes } from './routes/events.js';
import { loginRoutes } from './routes/login.js';
import { overviewRoutes } from './routes/overview.js';
import { queueRoutes } from './routes/queue.js';
import { searchRoutes } from './routes/search.js';
import { SECURITY_HEADERS } from './server-headers.js';

/** Paths open to anyone who may reach the console at all: the sign-in and the assets. */
const OPEN = /^\/(login|assets\/console\.(css|js))(\?|$)/;

/**
 * The console as a Fastify instance, not listening yet (`inject` works; `startConsole`
 * listens). The start rules are checked first: beyond loopback without a token it throws
 * `CONSOLE_TOKEN_REQUIRED`.
 */
export async function createConsoleServer(options: ConsoleOptions): Promise<FastifyInstance> {
  const resolved = resolveOptions(options);
  const auth = createAuth(resolved.token, resolved.now);
  const live = resolved.events ? createLiveFeed(resolved.events) : undefined;
  const context = createContext(resolved, auth, live);
  const assets = loadAssets();
  const app = Fastify({ logger: false, bodyLimit: 64 * 1024, forceCloseConnections: true });

  await app.register(cookie);
  await app.register(formbody, { bodyLimit: 64 * 1024 });
  await app.register(csrf, {
    cookieOpts: { path: '/', sameSite: 'strict', httpOnly: true },
    getToken: (request) => (request.body as Record<string, unknown> | undefined)?._csrf as string,
  });

  app.addHook('onRequest', async (request, reply) => {
    for (const [header, value] of Object.entries(SECURITY_HEADERS)) reply.header(header, value);
    reply.header('cache-control', 'no-store');
    if (!hostAllowed(request, resolved.loopback)) {
      return reply
        .code(421)
        .type('text/plain; charset=utf-8')
        .send('This console answers to loopback names only.');
    }
    const open = OPEN.test(request.url);
    const signedIn = auth.signedIn(request);
    if (!resolved.loopback && !signedIn && !open) {
      if (request.method === 'GET') {
        return reply.redirect(`/login?next=${encodeURIComponent(request.url.slice(0, 500))}`, 303);
      }
      return reply.code(401).type('text/plain; charset=utf-8').send('Sign in first.');
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      if (!originAllowed(request)) {
        return reply
          .code(403)
          .type('text/plain; charset=utf-8')
          .send('A change must come from this console.');
      }
      if (!open && !signedIn) {
        const why = auth.enabled ? 'Sign in to make changes.' : 'Changes need CONSOLE_TOKEN.';
        return reply
          .code(auth.enabled ? 401 : 403)
          .type('text/plain; charset=utf-8')
          .send(why);
      }
    }
    return undefined;
  });
  app.addHook('preHandler', (request, reply, done) => {
    // Every change, the sign-in included, carries the form token of a page of ours.
    if (request.method === 'POST') app.csrfProtection(request, reply, done);
    else done();
  });

  app.get('/assets/:file', async (request, reply) => {
    const file = (request.params as { file: string }).file;
    const asset = file === 'console.css' || file === 'console.js' ? assets[file] : undefined;
    if (!asset) return reply.code(404).type('text/plain').send('Not found');
    reply.header('cache-control', 'no-cache').header('etag', asset.etag);
    if (request.headers['if-none-match'] === asset.etag) return reply.code(304).send();
    return reply.type(asset.type).send(asset.body);
  });

  for (const routes of [
    loginRoutes,
    overviewRoutes,
    queueRoutes,
    eventRoutes,
    commandRoutes,
    chatRoutes,
    dayRoutes,
    searchRoutes,
  ]) {
    routes(app, context);
  }

  app.setNotFoundHandler((request, reply) =>
    context.send(
      reply,
      context.frame(request, reply, 'Not found'),
      notice('bad', 'Nothing here.'),
      404,
    ),
  );
  app.setErrorHandler((error, request, reply) => {
    const status =
      typeof (error as { statusCode?: unknown }).statusCode === 'number'
        ? (error as { statusCode: number }).statusCode
        : 500;
    const message =
      status === 403 && /csrf/i.test(String((error as { code?: unknown }).code))
        ? 'The form has expired or did not come from this console: reload the page and try again.'
        : status < 500
          ? (error as Error).message.slice(0, 300)
          : 'The console met an error.';
    if (reply.sent) return;
    return context.send(
      reply,
      context.frame(request, reply, 'Error'),
      html`${notice('bad', message)}`,
      status,
    );
  });
  app.addHook('preClose', (done) => {
    live?.close();
    done();
  });
  return app;
}

export interface RunningConsole {
  /** Where the console listens: `http://127.0.0.1:8790/`. */
  url: string;
  /** Stops listening and ends open pages (live event streams included). */
  close(): Promise<void>;
}

/** Checks the start rules, then listens on `host`:`port`. */
export async function startConsole(options: ConsoleOptions): Promise<RunningConsole> {
  const app = await createConsoleServer(options);
  const { host, port } = resolveOptions(options);
  await app.listen({ host, port });
  const address = app.server.address();
  const actual = typeof address === 'object' && address ? address.port : port;
  const shown = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${shown}:${actual}/`,
    close: () => app.close(),
  };
}
