import type { FastifyInstance } from 'fastify';
import { type ConsoleContext, problem } from '../context.js';
import { html, type SafeHtml } from '../html.js';
import { notice } from '../layout.js';
import { liveList } from './events.js';
import { noRedis } from './queue.js';

export function overviewRoutes(app: FastifyInstance, context: ConsoleContext): void {
  const { queue, events, store } = context.options;

  app.get('/', async (request, reply) => {
    const frame = context.frame(request, reply, 'Overview');
    let queuePart: SafeHtml = noRedis();
    if (queue) {
      try {
        const [waiting, dead, workers] = await Promise.all([
          queue.waiting(0),
          queue.deadLetters(0),
          queue.workers(0),
        ]);
        queuePart = html`<table><tbody>
<tr><th>Commands waiting</th><td class="num"><a href="/queue#waiting">${waiting.total}</a></td></tr>
<tr><th>Workers alive</th><td class="num"><a href="/queue#workers">${workers.filter((w) => w.alive).length}</a> of ${workers.length}</td></tr>
<tr><th>Commands held</th><td class="num">${workers.reduce((n, w) => n + w.heldCount, 0)}</td></tr>
<tr><th>Dead letters</th><td class="num"><a href="/queue#dead">${dead.total}</a></td></tr>
</tbody></table>`;
      } catch (error) {
        queuePart = notice('bad', html`Redis could not be read: ${problem(error)}`);
      }
    }
    let chatsPart: SafeHtml;
    try {
      const chats = await store.listChats();
      chatsPart = html`<p><a href="/chats">${chats.length} chats</a> stored.</p>`;
    } catch (error) {
      chatsPart = notice('bad', html`The store could not be read: ${problem(error)}`);
    }
    let eventsPart: SafeHtml = html``;
    if (events) {
      try {
        eventsPart = html`<h2>Recent events</h2>${liveList(await events.recent(15), {})}<p><a href="/events">All recent events</a></p>`;
      } catch (error) {
        eventsPart = notice('bad', html`The events stream could not be read: ${problem(error)}`);
      }
    }
    return context.send(
      reply,
      frame,
      html`<h2>Queue</h2>${queuePart}<h2>Archive</h2>${chatsPart}${eventsPart}`,
    );
  });
}
