import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Auth } from './auth.js';
import { type Html, render } from './html.js';
import { type PageFrame, page } from './layout.js';
import type { LiveFeed } from './live-feed.js';
import type { ResolvedOptions } from './options.js';

/** What every route is handed: the options, the sign-in, the live feed, the page helpers. */
export interface ConsoleContext {
  options: ResolvedOptions;
  auth: Auth;
  live: LiveFeed | undefined;
  frame(request: FastifyRequest, reply: FastifyReply, title: string): PageFrame;
  /** Sends a whole page. */
  send(reply: FastifyReply, frame: PageFrame, body: Html, status?: number): FastifyReply;
}

export function createContext(
  options: ResolvedOptions,
  auth: Auth,
  live: LiveFeed | undefined,
): ConsoleContext {
  return {
    options,
    auth,
    live,
    frame(request, reply, title) {
      const signedIn = auth.signedIn(request);
      return {
        title,
        csrf: reply.generateCsrf(),
        canChange: signedIn,
        canSignIn: auth.enabled,
        signedIn,
        path: request.url.slice(0, 500),
      };
    },
    send(reply, frame, body, status = 200) {
      return reply
        .code(status)
        .type('text/html; charset=utf-8')
        .send(render(page(frame, body)));
    },
  };
}

/** A short error text for a page: never a stack, never more than a line of it. */
export function problem(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.slice(0, 500);
}
