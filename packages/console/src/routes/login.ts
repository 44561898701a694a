import type { FastifyInstance } from 'fastify';
import { SESSION_COOKIE, setSession } from '../auth.js';
import type { ConsoleContext } from '../context.js';
import { html } from '../html.js';
import { csrfField, notice } from '../layout.js';

/** Where to go after signing in: a path of this console, nothing else. */
export function localPath(next: unknown): string {
  return typeof next === 'string' && /^\/(?![/\\])[^\s]*$/.test(next) && next.length < 500
    ? next
    : '/';
}

export function loginRoutes(app: FastifyInstance, context: ConsoleContext): void {
  const form = (next: string, failed: boolean) =>
    context.auth.enabled
      ? (frame: ReturnType<ConsoleContext['frame']>) => html`
${failed ? notice('bad', 'That is not the token.') : ''}
<form method="post" action="/login">
${csrfField(frame)}
<input type="hidden" name="next" value="${next}">
<label>Token <input type="password" name="token" autocomplete="current-password" required autofocus></label>
<button type="submit">Sign in</button>
</form>`
      : () =>
          notice(
            'info',
            'This console has no token (CONSOLE_TOKEN): it only reads, and nobody signs in.',
          );

  app.get('/login', async (request, reply) => {
    const next = localPath((request.query as { next?: unknown }).next);
    const frame = context.frame(request, reply, 'Sign in');
    return context.send(reply, frame, form(next, false)(frame));
  });

  app.post('/login', async (request, reply) => {
    const body = (request.body ?? {}) as Record<string, unknown>;
    const next = localPath(body.next);
    const session = context.auth.signIn(body.token);
    if (session === 'wait') {
      const frame = context.frame(request, reply, 'Sign in');
      return context.send(
        reply,
        frame,
        notice('bad', 'Too many wrong tokens: wait a minute.'),
        429,
      );
    }
    if (session === undefined) {
      const frame = context.frame(request, reply, 'Sign in');
      return context.send(reply, frame, form(next, true)(frame), 401);
    }
    setSession(reply, session, request.protocol === 'https');
    return reply.redirect(next, 303);
  });

  app.post('/logout', async (_request, reply) => {
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return reply.redirect('/', 303);
  });
}
