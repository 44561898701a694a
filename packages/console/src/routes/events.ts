import type { FetchEvent } from '@tgfetch/core';
import type { FastifyInstance } from 'fastify';
import { type ConsoleContext, problem } from '../context.js';
import { html, name, type SafeHtml } from '../html.js';
import { notice } from '../layout.js';
import { compareIds } from '../live-feed.js';
import type { LoggedEvent } from '../ports.js';
import { CONTENT_SECURITY_POLICY } from '../server-headers.js';
import { noRedis } from './queue.js';

/** Live pages open at once, at most: each holds a connection. */
const MAX_LIVE = 32;
const STREAM_ID = /^\d{1,20}-\d{1,20}$/;

/** One event as a line of text, as the page's script writes new ones. */
export function eventLine(event: FetchEvent): SafeHtml {
  const day =
    event.event === 'progress' ? `${event.date}: ${event.count} (${event.outcome ?? ''})` : '';
  const error =
    event.event === 'failed' ? `${event.error.code}: ${event.error.message.slice(0, 300)}` : '';
  const asked =
    event.requested_chat && event.requested_chat !== event.chat
      ? html` (${name(event.requested_chat)})`
      : '';
  return html`<li data-event="${event.event}">${event.ts}  ${event.event}  ${name(event.chat ?? '')}${asked}  <a href="/commands/${encodeURIComponent(event.command_id)}">${name(event.command_id)}</a>  ${day}${name(error)}</li>`;
}

export function matches(
  event: FetchEvent,
  filter: { command_id?: string; chat?: string },
): boolean {
  return (
    (filter.command_id === undefined || event.command_id === filter.command_id) &&
    (filter.chat === undefined || event.chat === filter.chat)
  );
}

/** A live list of events: filled from the stream, kept current by the page's script. */
export function liveList(
  entries: readonly LoggedEvent[],
  filter: { command_id?: string; chat?: string },
): SafeHtml {
  const query = new URLSearchParams();
  if (filter.command_id) query.set('command_id', filter.command_id);
  if (filter.chat) query.set('chat', filter.chat);
  const newest = entries[0]?.id;
  if (newest) query.set('after', newest);
  const items = entries
    .filter((e) => e.event && matches(e.event, filter))
    .map((e) => eventLine(e.event!));
  return html`<p class="muted">Live: <span id="live-status" aria-live="polite">off (this page works without script: reload it)</span></p>
<ul class="events" data-live="/events/live?${query.toString()}" aria-live="polite">${items}</ul>`;
}

export function eventRoutes(app: FastifyInstance, context: ConsoleContext): void {
  const { events } = context.options;

  app.get('/events', async (request, reply) => {
    const frame = context.frame(request, reply, 'Events');
    if (!events) return context.send(reply, frame, noRedis());
    try {
      const recent = await events.recent(100);
      return context.send(
        reply,
        frame,
        html`<p>The newest events first (at most 100 here).</p>${liveList(recent, {})}`,
      );
    } catch (error) {
      return context.send(
        reply,
        frame,
        notice('bad', html`The events stream could not be read: ${problem(error)}`),
        503,
      );
    }
  });

  /**
   * Server-sent events: each new event of the stream (filtered by command or chat), with
   * its entry id as the SSE id, so a reconnecting browser (`Last-Event-ID`) or a page that
   * says where its list ends (`after`) misses none.
   */
  app.get('/events/live', async (request, reply) => {
    const live = context.live;
    if (!events || !live) return reply.code(404).type('text/plain').send('No events stream.');
    if (live.listeners >= MAX_LIVE)
      return reply.code(503).type('text/plain').send('Too many live pages.');
    const query = request.query as { command_id?: string; chat?: string; after?: string };
    const filter = {
      ...(typeof query.command_id === 'string'
        ? { command_id: query.command_id.slice(0, 128) }
        : {}),
      ...(typeof query.chat === 'string' ? { chat: query.chat.slice(0, 256) } : {}),
    };
    const resume = request.headers['last-event-id'] ?? query.after;
    let last: string;
    try {
      // Where this page starts: after what it already shows, or after the newest event now;
      // whatever comes later is caught up below, so nothing falls between the two.
      last = typeof resume === 'string' && STREAM_ID.test(resume) ? resume : await events.lastId();
    } catch (error) {
      return reply
        .code(503)
        .type('text/plain')
        .send(`The events stream could not be read: ${problem(error)}`);
    }
    reply.hijack();
    const out = reply.raw;
    out.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      'content-security-policy': CONTENT_SECURITY_POLICY,
    });
    out.write('retry: 2000\n\n');
    const send = (entry: LoggedEvent) => {
      if (compareIds(entry.id, last) <= 0) return;
      last = entry.id;
      if (!entry.event || !matches(entry.event, filter)) return;
      out.write(`id: ${entry.id}\nevent: fetch\ndata: ${JSON.stringify(entry.event)}\n\n`);
    };
    // Listening first, then catching up: an event that lands in between is sent once.
    const held: LoggedEvent[] = [];
    let catchingUp = true;
    const unsubscribe = live.subscribe((entry) => (catchingUp ? held.push(entry) : send(entry)));
    const keepAlive = setInterval(() => out.write(': keep-alive\n\n'), 15_000);
    const end = () => {
      clearInterval(keepAlive);
      unsubscribe();
    };
    request.raw.on('close', end);
    try {
      for (const entry of await events.after(last, 500)) send(entry);
    } catch {
      // The live part still runs; the browser asks again from its last id if it reconnects.
    }
    catchingUp = false;
    for (const entry of held.splice(0)) send(entry);
  });
}
