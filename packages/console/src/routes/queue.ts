import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { type ConsoleContext, problem } from '../context.js';
import { describePayload } from '../describe-command.js';
import { type CommandStory, type EventIndex, indexEvents } from '../event-index.js';
import { type Html, html, name, type SafeHtml } from '../html.js';
import { changesOff, csrfField, notice, type PageFrame } from '../layout.js';
import type { QueuedCommand } from '../ports.js';
import { dateTimeIn } from '../time.js';

const NOTICES: Record<string, (n: number) => SafeHtml> = {
  retried: () => notice('good', 'The dead letter is back on the queue.'),
  discarded: () => notice('good', 'The dead letter was discarded.'),
  gone: () => notice('bad', 'That dead letter is no longer there (someone else moved it).'),
  'retried-all': (n) => notice('good', `${n} dead letters are back on the queue.`),
};

export function noRedis(): SafeHtml {
  return notice(
    'info',
    'No Redis: the console was started without a queue (REDIS_URL), so there is no queue, no workers and no live events to show. Chats, calendars, messages and search work.',
  );
}

function since(story: CommandStory | undefined): Html {
  if (!story?.started) return html`<span class="muted">not started</span>`;
  return html`${dateTimeIn(story.started.ts, 'UTC')} UTC <span class="muted">by ${name(story.started.worker_id)}</span>`;
}

function lastProgress(index: EventIndex, id: string | undefined): Html {
  const p = id === undefined ? undefined : index.commands.get(id)?.progress;
  if (p?.event !== 'progress') return html`<span class="muted">none yet</span>`;
  return html`${p.date}: ${p.count} messages (${p.outcome ?? (p.skipped ? 'skipped' : '')}) at ${dateTimeIn(p.ts, 'UTC')} UTC`;
}

function lastError(index: EventIndex, id: string | undefined): Html {
  const e = id === undefined ? undefined : index.commands.get(id)?.error;
  if (e?.event !== 'failed') return html`<span class="muted">none in the recent events</span>`;
  return html`<code>${e.error.code}</code> ${name(e.error.message.slice(0, 500))} <span class="muted">${dateTimeIn(e.ts, 'UTC')} UTC</span>`;
}

function commandCell(c: QueuedCommand): SafeHtml {
  const link = c.commandId
    ? html`<br><a href="/commands/${encodeURIComponent(c.commandId)}"><code>${c.commandId}</code></a>`
    : '';
  return html`${describePayload(c.payload)}${link}`;
}

function deadActions(frame: PageFrame, c: QueuedCommand): Html {
  if (!frame.canChange) return '';
  const form = (action: string, label: string, question: string, cls = '') => html`
<form class="inline" method="post" action="/queue/dead/${action}" data-confirm="${question}">
${csrfField(frame)}<input type="hidden" name="ref" value="${c.ref}"><input type="hidden" name="confirm" value="">
<button type="submit" class="${cls}">${label}</button></form>`;
  return html`${form('retry', 'Retry', 'Put this command back on the queue?')} ${form('discard', 'Discard', 'Discard this command for good?', 'danger')}`;
}

export function queueRoutes(app: FastifyInstance, context: ConsoleContext): void {
  const { queue, events, eventWindow } = context.options;

  app.get('/queue', async (request, reply) => {
    const frame = context.frame(request, reply, 'Queue and workers');
    if (!queue) return context.send(reply, frame, noRedis());
    const query = request.query as { notice?: string; n?: string };
    const shown = query.notice
      ? NOTICES[query.notice]?.(Number.parseInt(query.n ?? '0', 10) || 0)
      : undefined;
    try {
      const [waiting, workers, dead, index] = await Promise.all([
        queue.waiting(100),
        queue.workers(20),
        queue.deadLetters(100),
        indexEvents(events, eventWindow),
      ]);
      const body = html`${shown ?? ''}
<p>Queue <code>${queue.queue}</code> (${queue.transport}) · Redis ${queue.state()}</p>
<h2 id="waiting">Waiting (${waiting.total})</h2>
${
  waiting.commands.length === 0
    ? html`<p class="muted">Nothing waits.</p>`
    : html`<table><thead><tr><th>Command</th><th class="num">Deliveries</th></tr></thead><tbody>
${waiting.commands.map((c) => html`<tr><td>${commandCell(c)}</td><td class="num">${c.deliveries ?? ''}</td></tr>`)}
</tbody></table>${waiting.total > waiting.commands.length ? html`<p class="muted">and ${waiting.total - waiting.commands.length} more</p>` : ''}`
}
<h2 id="workers">Workers (${workers.filter((w) => w.alive).length} alive)</h2>
${
  workers.length === 0
    ? html`<p class="muted">No worker has taken a command from this queue yet.</p>`
    : html`<table><thead><tr><th>Worker</th><th>Status</th><th>Holds</th><th>Since</th><th>Last progress</th></tr></thead><tbody>
${workers.map((w) => {
  const status = w.alive
    ? html`<span class="status-alive">alive</span>${w.heartbeatTtlMs !== undefined ? html` <span class="muted">(heartbeat ${Math.round(w.heartbeatTtlMs / 1000)} s left)</span>` : ''}`
    : html`<span class="status-dead">silent</span>${w.idleMs !== undefined ? html` <span class="muted">(${Math.round(w.idleMs / 1000)} s)</span>` : ''}`;
  if (w.held.length === 0) {
    return html`<tr><td>${name(w.worker)}</td><td>${status}</td><td class="muted">nothing</td><td></td><td></td></tr>`;
  }
  return w.held.map(
    (c, i) =>
      html`<tr><td>${i === 0 ? name(w.worker) : ''}</td><td>${i === 0 ? status : ''}</td><td>${commandCell(c)}</td><td>${since(c.commandId === undefined ? undefined : index.commands.get(c.commandId))}</td><td>${lastProgress(index, c.commandId)}</td></tr>`,
  );
})}
</tbody></table>`
}
<h2 id="dead">Dead letters (${dead.total})</h2>
${
  dead.commands.length === 0
    ? html`<p class="muted">No dead letters.</p>`
    : html`${
        frame.canChange
          ? html`<form method="post" action="/queue/dead/retry-all" data-confirm="Put every dead letter back on the queue?">${csrfField(frame)}<input type="hidden" name="confirm" value=""><button type="submit">Retry all</button></form>`
          : changesOff(frame)
      }
<table><thead><tr><th>Command</th><th>Last error</th><th>Actions</th></tr></thead><tbody>
${dead.commands.map((c) => html`<tr><td>${commandCell(c)}</td><td>${lastError(index, c.commandId)}</td><td>${deadActions(frame, c)}</td></tr>`)}
</tbody></table>`
}
${index.available ? '' : events ? notice('bad', html`The events stream could not be read: ${index.problem ?? ''}`) : ''}`;
      return context.send(reply, frame, body);
    } catch (error) {
      return context.send(
        reply,
        frame,
        notice('bad', html`Redis could not be read: ${problem(error)}`),
        503,
      );
    }
  });

  /** Without `confirm=yes` a change shows what it will do and asks again (no script needed). */
  const confirmed = async (
    request: FastifyRequest,
    reply: FastifyReply,
    action: string,
    question: string,
  ): Promise<boolean> => {
    const body = (request.body ?? {}) as Record<string, unknown>;
    if (body.confirm === 'yes') return true;
    const frame = context.frame(request, reply, 'Confirm');
    const ref = typeof body.ref === 'string' ? body.ref.slice(0, 200) : '';
    let what: Html = '';
    if (ref && queue) {
      const dead = await queue.deadLetters(1_000).catch(() => undefined);
      const found = dead?.commands.find((c) => c.ref === ref);
      what = found
        ? html`<p>${commandCell(found)}</p>`
        : notice('bad', 'That dead letter is no longer there.');
    }
    context.send(
      reply,
      frame,
      html`<p>${question}</p>${what}
<form method="post" action="/queue/dead/${action}">${csrfField(frame)}${ref ? html`<input type="hidden" name="ref" value="${ref}">` : ''}<input type="hidden" name="confirm" value="yes">
<button type="submit" autofocus>Yes</button> <a href="/queue#dead">Cancel</a></form>`,
    );
    return false;
  };

  const refOf = (request: FastifyRequest) => {
    const ref = (request.body as Record<string, unknown> | undefined)?.ref;
    return typeof ref === 'string' ? ref.slice(0, 200) : '';
  };

  app.post('/queue/dead/retry', async (request, reply) => {
    if (!queue) return context.send(reply, context.frame(request, reply, 'Queue'), noRedis(), 503);
    if (!(await confirmed(request, reply, 'retry', 'Put this command back on the queue?')))
      return reply;
    const done = await queue.retryDead(refOf(request));
    return reply.redirect(`/queue?notice=${done ? 'retried' : 'gone'}#dead`, 303);
  });

  app.post('/queue/dead/discard', async (request, reply) => {
    if (!queue) return context.send(reply, context.frame(request, reply, 'Queue'), noRedis(), 503);
    if (!(await confirmed(request, reply, 'discard', 'Discard this command for good?')))
      return reply;
    const done = await queue.discardDead(refOf(request));
    return reply.redirect(`/queue?notice=${done ? 'discarded' : 'gone'}#dead`, 303);
  });

  app.post('/queue/dead/retry-all', async (request, reply) => {
    if (!queue) return context.send(reply, context.frame(request, reply, 'Queue'), noRedis(), 503);
    if (!(await confirmed(request, reply, 'retry-all', 'Put every dead letter back on the queue?')))
      return reply;
    const moved = await queue.retryAllDead();
    return reply.redirect(`/queue?notice=retried-all&n=${moved}#dead`, 303);
  });
}
