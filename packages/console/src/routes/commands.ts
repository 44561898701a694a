import type { FastifyInstance } from 'fastify';
import { type ConsoleContext, problem } from '../context.js';
import { commandEnd } from '../event-index.js';
import { type Html, html, name } from '../html.js';
import { changesOff, csrfField, notice, type PageFrame } from '../layout.js';
import { eventLine, liveList } from './events.js';
import { noRedis } from './queue.js';

type Form = Record<string, string>;

const text = (v: unknown, max = 200) => (typeof v === 'string' ? v.trim().slice(0, max) : '');

/** The command a form asks for, as the queue takes it (the queue validates it again). */
export function commandOfForm(form: Form): Record<string, unknown> {
  const mode = form.mode === 'range' || form.mode === 'date' ? form.mode : 'days';
  const command: Record<string, unknown> = { command: 'fetch', chat: form.chat, mode };
  if (mode === 'date') command.date = form.date;
  if (mode === 'range') {
    command.from = form.from;
    command.to = form.to;
  }
  if (mode === 'days') command.days = Number.parseInt(form.days ?? '1', 10);
  if (form.strategy === 'per_day' || form.strategy === 'batch') command.strategy = form.strategy;
  const options: Record<string, unknown> = {};
  if (form.force === 'on') options.force = true;
  if (form.tz) options.tz = form.tz;
  if (Object.keys(options).length > 0) command.options = options;
  command.requested_by = 'tgfetch console';
  return command;
}

function sendForm(frame: PageFrame, values: Form, error?: Html): Html {
  const v = (key: string) => values[key] ?? '';
  const mode = v('mode') || 'days';
  const option = (value: string, label: string, current: string) =>
    html`<option value="${value}"${current === value ? html` selected` : ''}>${label}</option>`;
  return html`${error ? notice('bad', error) : ''}
<form method="post" action="/commands">
${csrfField(frame)}
<fieldset><legend>Chat</legend>
<label>Chat <input name="chat" required value="${v('chat')}" placeholder="@username, t.me link or id"></label>
</fieldset>
<fieldset><legend>Days</legend>
<label>Mode <select name="mode">${option('days', 'the last N days', mode)}${option('date', 'one date', mode)}${option('range', 'a range', mode)}</select></label>
<label>N <input name="days" type="number" min="1" max="366" value="${v('days') || '1'}"></label>
<label>Date <input name="date" type="date" value="${v('date')}"></label>
<label>From <input name="from" type="date" value="${v('from')}"></label>
<label>To <input name="to" type="date" value="${v('to')}"></label>
</fieldset>
<fieldset><legend>Options</legend>
<label>Strategy <select name="strategy">${option('batch', 'batch', v('strategy') || 'batch')}${option('per_day', 'per day', v('strategy'))}</select></label>
<label>Time zone <input name="tz" value="${v('tz')}" placeholder="UTC"></label>
<label><input type="checkbox" name="force"${v('force') === 'on' ? html` checked` : ''}> fetch complete days again</label>
</fieldset>
<button type="submit">Send</button>
</form>`;
}

export function commandRoutes(app: FastifyInstance, context: ConsoleContext): void {
  const { queue, events, eventWindow } = context.options;

  app.get('/commands/new', async (request, reply) => {
    const frame = context.frame(request, reply, 'Send a command');
    if (!queue) return context.send(reply, frame, noRedis());
    if (!frame.canChange) return context.send(reply, frame, changesOff(frame));
    const query = request.query as Record<string, unknown>;
    const values: Form = {};
    for (const key of ['chat', 'mode', 'date', 'from', 'to', 'days'])
      values[key] = text(query[key]);
    return context.send(reply, frame, sendForm(frame, values));
  });

  app.post('/commands', async (request, reply) => {
    const body = (request.body ?? {}) as Record<string, unknown>;
    const form: Form = {};
    for (const key of ['chat', 'mode', 'date', 'from', 'to', 'days', 'strategy', 'force', 'tz']) {
      form[key] = text(body[key]);
    }
    if (!queue)
      return context.send(reply, context.frame(request, reply, 'Send a command'), noRedis(), 503);
    try {
      const id = await queue.send(commandOfForm(form));
      return reply.redirect(`/commands/${encodeURIComponent(id)}`, 303);
    } catch (error) {
      const frame = context.frame(request, reply, 'Send a command');
      return context.send(
        reply,
        frame,
        sendForm(frame, form, html`Not sent: ${problem(error)}`),
        400,
      );
    }
  });

  app.get('/commands/:id', async (request, reply) => {
    const id = (request.params as { id: string }).id.slice(0, 128);
    const frame = context.frame(request, reply, 'Command');
    if (!events)
      return context.send(reply, frame, html`<p>Command <code>${id}</code></p>${noRedis()}`);
    try {
      const recent = await events.recent(eventWindow);
      const mine = recent.filter((e) => e.event?.command_id === id);
      const { final, dead } = commandEnd(mine.map((e) => e.event!));
      const state = final
        ? final.event === 'completed'
          ? html`<strong id="final" data-final="completed">completed: ${final.processed} messages</strong>`
          : html`<strong id="final" data-final="failed">failed: ${final.error.code} ${name(final.error.message)}</strong>`
        : dead
          ? html`<strong id="final">dead letter: ${dead.error.code}</strong> (<a href="/queue#dead">retry it from the queue</a>; this page follows it)`
          : html`<strong id="final">${mine.length > 0 ? 'running' : 'waiting for a worker'}</strong>`;
      const days =
        final?.event === 'completed'
          ? html`<table><thead><tr><th>Day</th><th class="num">Messages</th><th>Outcome</th></tr></thead><tbody>
${final.days.map((d) => html`<tr><td><a href="/chats/${encodeURIComponent(final.chat.replace(/^@/, ''))}/days/${d.date}">${d.date}</a></td><td class="num">${d.count}</td><td>${d.outcome ?? (d.skipped ? 'skipped' : '')}</td></tr>`)}
</tbody></table>`
          : '';
      return context.send(
        reply,
        frame,
        html`<p>Command <code>${id}</code>: ${state}</p>${days}
<h2>Its events</h2>
${final ? html`<ul class="events">${mine.map((e) => eventLine(e.event!))}</ul>` : liveList(mine.length > 0 ? mine : recent.slice(0, 1), { command_id: id })}`,
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
}
