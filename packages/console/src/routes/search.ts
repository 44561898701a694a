import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { isIsoDate, parseChat } from '@tgfetch/core';
import type { FastifyInstance } from 'fastify';
import { type ConsoleContext, problem } from '../context.js';
import { html, name, raw, render, type SafeHtml } from '../html.js';
import { notice, type PageFrame, page } from '../layout.js';
import { chatPath, messageItem } from '../message-view.js';
import type { FoundMessage, MessageSearch } from '../ports.js';
import { type ScanCost, scanSearch } from '../scan-search.js';

function searchForm(values: Record<string, string>): SafeHtml {
  const v = (k: string) => values[k] ?? '';
  return html`<form method="get" action="/search" role="search">
<label>Text <input name="q" value="${v('q')}" placeholder="words, &quot;a phrase&quot;, -not"></label>
<label>Sender <input name="sender" value="${v('sender')}" placeholder="id or post author"></label>
<label>Chat <input name="chat" value="${v('chat')}" placeholder="all chats"></label>
<label>From <input name="from" type="date" value="${v('from')}"></label>
<label>To <input name="to" type="date" value="${v('to')}"></label>
<button type="submit">Search</button>
</form>`;
}

function found(f: FoundMessage, zone: string): SafeHtml {
  return html`<li class="found"><div class="meta"><a href="${chatPath(f.chat)}">${name(f.chat)}</a> · <a href="${chatPath(f.chat)}/days/${f.date}#m${f.message.id}">${f.date}</a></div>
<ol class="messages">${messageItem(f.message, zone, new Set())}</ol></li>`;
}

function scanCost(cost: ScanCost): string {
  const why = {
    days: 'the bound on day files',
    results: 'the bound on results',
    time: 'the time limit',
  };
  return `Scanned ${cost.daysRead} day files in ${cost.ms} ms (no index: this store is searched by reading its files, newest first)${
    cost.stoppedBy
      ? `; stopped by ${why[cost.stoppedBy]}, ${cost.daysLeft} days not read: narrow the chat or the dates`
      : ''
  }.`;
}

export function searchRoutes(app: FastifyInstance, context: ConsoleContext): void {
  const { store, search: bounds, now } = context.options;

  /** Each chat's zone, asked once per search: times are shown as the chat's day was cut. */
  const zones = () => {
    const known = new Map<string, Promise<string>>();
    return (chat: string) => {
      let zone = known.get(chat);
      if (!zone) {
        zone = (store.zoneOf?.(chat) ?? Promise.resolve(undefined))
          .then((z) => z ?? context.options.timeZone)
          .catch(() => context.options.timeZone);
        known.set(chat, zone);
      }
      return zone;
    };
  };

  app.get('/search', async (request, reply) => {
    const query = request.query as Record<string, unknown>;
    const values: Record<string, string> = {};
    for (const k of ['q', 'sender', 'chat', 'from', 'to']) {
      values[k] = typeof query[k] === 'string' ? (query[k] as string).slice(0, 500) : '';
    }
    const frame: PageFrame = context.frame(request, reply, 'Search');
    const asked = Object.values(values).some((v) => v.trim() !== '');
    if (!asked) return context.send(reply, frame, searchForm(values));
    const problems: string[] = [];
    const search: MessageSearch = { limit: bounds.maxResults };
    if (values.q?.trim()) search.text = values.q.trim();
    if (values.sender?.trim()) search.sender = values.sender.trim();
    if (values.chat?.trim()) {
      const parsed = parseChat(values.chat.trim());
      if (parsed.ok) search.chat = parsed.chat;
      else problems.push(`Chat: ${parsed.reason}`);
    }
    for (const k of ['from', 'to'] as const) {
      const v = values[k]?.trim();
      if (!v) continue;
      if (isIsoDate(v)) search[k] = v;
      else problems.push(`${k}: not a YYYY-MM-DD date`);
    }
    if (problems.length > 0) {
      return context.send(
        reply,
        frame,
        html`${searchForm(values)}${notice('bad', problems.join('; '))}`,
        400,
      );
    }
    if (store.searchMessages) {
      const started = now();
      try {
        const result = await store.searchMessages(search);
        const zoneOf = zones();
        const items = await Promise.all(
          result.messages.map(async (m) => found(m, await zoneOf(m.chat))),
        );
        const cost = `One PostgreSQL full-text query (GIN index) in ${now() - started} ms${result.more ? `; more than ${bounds.maxResults} match, the newest are shown: narrow the search` : ''}.`;
        return context.send(
          reply,
          frame,
          html`${searchForm(values)}<p class="muted" id="cost">${cost}</p>
${result.messages.length === 0 ? html`<p>Nothing found.</p>` : html`<ol class="results">${items}</ol>`}`,
        );
      } catch (error) {
        return context.send(
          reply,
          frame,
          html`${searchForm(values)}${notice('bad', html`The search failed: ${problem(error)}`)}`,
          400,
        );
      }
    }
    // No index: stream the page while the scan reads days, the cost at the end.
    const mark = `<!--${randomUUID()}-->`;
    const shell = render(
      page(frame, html`${searchForm(values)}<ol class="results">${raw(mark)}</ol>`),
    );
    const [head, tail] = shell.split(mark) as [string, string];
    const zoneOf = zones();
    async function* stream() {
      yield head;
      let shown = 0;
      const scan = scanSearch(store, search, bounds, now);
      let step = await scan.next();
      try {
        while (!step.done) {
          shown += 1;
          yield render(found(step.value, await zoneOf(step.value.chat)));
          step = await scan.next();
        }
        const cost = step.value;
        yield `</ol>${render(html`${shown === 0 ? html`<p>Nothing found.</p>` : ''}<p class="muted" id="cost">${scanCost(cost)}</p>`)}<ol hidden>`;
      } catch (error) {
        yield `</ol>${render(notice('bad', html`The search failed: ${problem(error)}`))}<ol hidden>`;
      }
      yield tail;
    }
    return reply.type('text/html; charset=utf-8').send(Readable.from(stream()));
  });
}
