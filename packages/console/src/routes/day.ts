import { isIsoDate } from '@tgfetch/core';
import type { FastifyInstance } from 'fastify';
import { type ConsoleContext, problem } from '../context.js';
import { html } from '../html.js';
import { notice } from '../layout.js';
import { chatPath, messageItem } from '../message-view.js';
import { dateTimeIn } from '../time.js';
import { chatOfPath } from './chats.js';

export function dayRoutes(app: FastifyInstance, context: ConsoleContext): void {
  const { store } = context.options;

  app.get('/chats/:chat/days/:date', async (request, reply) => {
    const params = request.params as { chat: string; date: string };
    const chat = chatOfPath(params.chat);
    const date = params.date;
    const frame = context.frame(request, reply, `${chat ?? 'Chat'} · ${date.slice(0, 10)}`);
    if (!chat || !isIsoDate(date))
      return context.send(reply, frame, notice('bad', 'Not a chat and day.'), 404);
    try {
      const [day, dates] = await Promise.all([store.readDay(chat, date), store.listDays(chat)]);
      const at = dates.indexOf(date);
      const before = at > 0 ? dates[at - 1] : dates.filter((d) => d < date).at(-1);
      const after = at >= 0 ? dates[at + 1] : dates.find((d) => d > date);
      const base = chatPath(chat);
      const nav = html`<nav aria-label="Days">${before ? html`<a href="${base}/days/${before}" rel="prev">← ${before}</a> · ` : ''}<a href="${base}?year=${date.slice(0, 4)}&amp;month=${Number(date.slice(5, 7))}">calendar</a>${after ? html` · <a href="${base}/days/${after}" rel="next">${after} →</a>` : ''}</nav>`;
      if (!day)
        return context.send(
          reply,
          frame,
          html`${nav}${notice('info', 'This day is not stored.')}`,
          404,
        );
      const ids = new Set(day.messages.filter((m) => m.peer === undefined).map((m) => m.id));
      return context.send(
        reply,
        frame,
        html`${nav}
<p>${day.count} messages · zone ${day.time_zone} · ${day.complete ? 'complete' : 'partial'} · fetched ${dateTimeIn(day.fetched_at, day.time_zone)}</p>
<ol class="messages">${day.messages.map((m) => messageItem(m, day.time_zone, ids))}</ol>`,
      );
    } catch (error) {
      return context.send(
        reply,
        frame,
        notice('bad', html`The day could not be read: ${problem(error)}`),
        503,
      );
    }
  });

  /** A message by id: its day is found (the store's `locate`), then shown there. */
  app.get('/chats/:chat/messages/:id', async (request, reply) => {
    const params = request.params as { chat: string; id: string };
    const chat = chatOfPath(params.chat);
    const id = Number(params.id);
    const frame = context.frame(request, reply, 'Message');
    if (!chat || !Number.isSafeInteger(id) || id <= 0) {
      return context.send(reply, frame, notice('bad', 'Not a chat and message.'), 404);
    }
    try {
      const found = store.locate ? (await store.locate(chat, [id])).get(id) : undefined;
      if (found) return reply.redirect(`${chatPath(chat)}/days/${found}#m${id}`, 303);
      return context.send(
        reply,
        frame,
        notice('info', `Message ${id} of ${chat} is not stored.`),
        404,
      );
    } catch (error) {
      return context.send(
        reply,
        frame,
        notice('bad', html`The store could not be read: ${problem(error)}`),
        503,
      );
    }
  });
}
