import { chatKey, type IsoDate, parseChat } from '@tgfetch/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  type CalendarDay,
  calendarDays,
  DAY_STATES,
  type DayState,
  holdingsOf,
  missingRuns,
} from '../calendar.js';
import { chatInfo } from '../chat-info.js';
import { type ConsoleContext, problem } from '../context.js';
import { indexEvents } from '../event-index.js';
import { type Html, html, name, type SafeHtml } from '../html.js';
import { changesOff, csrfField, notice, type PageFrame } from '../layout.js';
import { chatPath } from '../message-view.js';
import { today } from '../time.js';
import { noRedis } from './queue.js';

const STATE_LABEL: Record<DayState, string> = {
  stored: 'stored',
  partial: 'partial',
  repaired: 'repaired',
  missing: 'missing',
  not_covered: 'not covered',
  future: 'not over yet',
};

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

/** The canonical chat of a path segment (`ru_python`, `-100…`), or undefined. */
export function chatOfPath(segment: string): string | undefined {
  const parsed = parseChat(segment.slice(0, 100));
  return parsed.ok && chatKey(parsed.chat) === segment ? parsed.chat : undefined;
}

/** A chat's title when a stored message gave one, else the name it was asked for by. */
function titleOf(title: string | undefined, asked: string | undefined): SafeHtml {
  if (title) return html`${name(title)}`;
  if (asked) return html`<span class="muted">asked for as</span> ${name(asked)}`;
  return html`<span class="muted">—</span>`;
}

function legend(): SafeHtml {
  return html`<p class="legend">${DAY_STATES.map((s) => html`<span><span class="swatch st-${s}"></span>${STATE_LABEL[s]}</span>`)}</p>`;
}

function dayCell(chat: string, day: CalendarDay | undefined, big: boolean): SafeHtml {
  if (!day) return html`<td></td>`;
  const label = `${day.date}: ${STATE_LABEL[day.state]}${day.count > 0 ? `, ${day.count} messages` : ''}${day.repair ? ` (${day.repair})` : ''}`;
  const inner = html`${Number(day.date.slice(8))}${day.count > 0 || big ? html`<span class="n">${day.count > 0 ? day.count : ''}</span>` : ''}`;
  const stored = day.state === 'stored' || day.state === 'partial' || day.state === 'repaired';
  return stored
    ? html`<td><a class="day st-${day.state}" href="${chatPath(chat)}/days/${day.date}" title="${label}" aria-label="${label}">${inner}</a></td>`
    : html`<td><span class="day st-${day.state}" title="${label}" aria-label="${label}" role="img">${inner}</span></td>`;
}

function monthTable(
  chat: string,
  year: number,
  month: number,
  days: Map<string, CalendarDay>,
  big: boolean,
): SafeHtml {
  const first = new Date(Date.UTC(year, month - 1, 1));
  const length = new Date(Date.UTC(year, month, 0)).getUTCDate();
  const lead = (first.getUTCDay() + 6) % 7; // Monday first
  const cells: SafeHtml[] = [];
  for (let i = 0; i < lead; i++) cells.push(html`<td></td>`);
  for (let d = 1; d <= length; d++) {
    const date = `${year}-${String(month).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
    cells.push(dayCell(chat, days.get(date), big));
  }
  const rows: SafeHtml[] = [];
  for (let i = 0; i < cells.length; i += 7) rows.push(html`<tr>${cells.slice(i, i + 7)}</tr>`);
  const caption = big
    ? html`${MONTHS[month - 1]} ${year}`
    : html`<a href="${chatPath(chat)}?year=${year}&amp;month=${month}">${MONTHS[month - 1]}</a>`;
  return html`<table class="month${big ? ' big' : ''}"><caption>${caption}</caption>
<thead><tr>${['Mo', 'Tu', 'We', 'Th', 'Fr', 'Sa', 'Su'].map((d) => html`<th scope="col">${d}</th>`)}</tr></thead>
<tbody>${rows}</tbody></table>`;
}

function askForm(
  frame: PageFrame,
  chat: string,
  year: number,
  month: number | undefined,
  missing: number,
): Html {
  if (missing === 0)
    return html`<p class="muted">No missing day in this ${month ? 'month' : 'year'}.</p>`;
  if (!frame.canChange) return html`<p>${missing} missing days.</p>${changesOff(frame)}`;
  return html`<form method="post" action="${chatPath(chat)}/missing">${csrfField(frame)}
<input type="hidden" name="year" value="${year}">${month ? html`<input type="hidden" name="month" value="${month}">` : ''}
<button type="submit">Ask for the ${missing} missing days</button></form>`;
}

export function chatRoutes(app: FastifyInstance, context: ConsoleContext): void {
  const { store, queue, events, eventWindow, timeZone, now } = context.options;

  app.get('/chats', async (request, reply) => {
    const frame = context.frame(request, reply, 'Chats');
    try {
      const [chats, index] = await Promise.all([
        store.listChats().then((all) => all.slice(0, 500)),
        indexEvents(events, eventWindow),
      ]);
      const rows = await Promise.all(
        chats.map(async (chat) => {
          const holdings = await holdingsOf(store, chat);
          const last = holdings.dates.at(-1);
          const day = last ? await store.readDay(chat, last).catch(() => undefined) : undefined;
          const info = chatInfo(chat, day);
          const inComplete = [...holdings.complete.values()].reduce((a, b) => a + b, 0);
          return html`<tr><td><a href="${chatPath(chat)}">${name(chat)}</a></td><td>${titleOf(info.title, index.names.get(chat))}</td><td>${info.kind}</td><td>${holdings.zone ?? day?.time_zone ?? ''}</td>
<td class="num">${holdings.dates.length}</td><td class="num">${holdings.complete.size}</td><td class="num">${inComplete}</td><td>${holdings.dates[0] ?? ''} … ${last ?? ''}</td></tr>`;
        }),
      );
      return context.send(
        reply,
        frame,
        chats.length === 0
          ? html`<p class="muted">Nothing is stored yet.</p>`
          : html`<table><thead><tr><th>Chat</th><th>Title</th><th>Kind</th><th>Zone</th><th class="num">Days stored</th><th class="num">Complete</th><th class="num">Messages in complete days</th><th>Span</th></tr></thead><tbody>${rows}</tbody></table>`,
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

  /** The days of a year (or a month) of a chat, with their states. */
  const scope = async (chat: string, year: number, month: number | undefined) => {
    const holdings = await holdingsOf(store, chat);
    const zone = holdings.zone ?? timeZone;
    const from = `${year}-${month ? String(month).padStart(2, '0') : '01'}-01`;
    const to = month
      ? `${year}-${String(month).padStart(2, '0')}-${String(new Date(Date.UTC(year, month, 0)).getUTCDate()).padStart(2, '0')}`
      : `${year}-12-31`;
    const index = await indexEvents(events, eventWindow);
    const days = await calendarDays(
      store,
      holdings,
      from,
      to,
      today(now(), zone),
      index.days.get(chat),
    );
    return { holdings, zone, days, asked: index.names.get(chat) };
  };

  const parseScope = (query: Record<string, unknown>, fallbackYear: number) => {
    const year = Number.parseInt(String(query.year ?? ''), 10);
    const month = Number.parseInt(String(query.month ?? ''), 10);
    return {
      year: year >= 2000 && year <= 2100 ? year : fallbackYear,
      month: month >= 1 && month <= 12 ? month : undefined,
    };
  };

  const withChat =
    (
      handler: (
        chat: string,
        request: FastifyRequest,
        reply: FastifyReply,
      ) => Promise<FastifyReply>,
    ) =>
    async (request: FastifyRequest, reply: FastifyReply) => {
      const chat = chatOfPath((request.params as { chat: string }).chat);
      if (!chat) {
        return context.send(
          reply,
          context.frame(request, reply, 'Chat'),
          notice('bad', 'Not a chat.'),
          404,
        );
      }
      return handler(chat, request, reply);
    };

  app.get(
    '/chats/:chat',
    withChat(async (chat, request, reply) => {
      const frame = context.frame(request, reply, `Chat ${chat}`);
      try {
        const dates = await store.listDays(chat);
        const last = dates.at(-1);
        const { year, month } = parseScope(
          request.query as Record<string, unknown>,
          Number((last ?? today(now(), timeZone)).slice(0, 4)),
        );
        const { holdings, zone, days, asked } = await scope(chat, year, month);
        const byDate = new Map(days.map((d) => [d.date, d]));
        const info = chatInfo(
          chat,
          last ? await store.readDay(chat, last).catch(() => undefined) : undefined,
        );
        const counts = new Map<DayState, number>();
        for (const d of days) counts.set(d.state, (counts.get(d.state) ?? 0) + 1);
        const missing = counts.get('missing') ?? 0;
        const base = chatPath(chat);
        const nav = month
          ? html`<a href="${base}?year=${month === 1 ? year - 1 : year}&amp;month=${month === 1 ? 12 : month - 1}">← previous month</a> · <a href="${base}?year=${year}">${year}</a> · <a href="${base}?year=${month === 12 ? year + 1 : year}&amp;month=${month === 12 ? 1 : month + 1}">next month →</a>`
          : html`<a href="${base}?year=${year - 1}">← ${year - 1}</a> · <a href="${base}?year=${year + 1}">${year + 1} →</a>`;
        const months = month
          ? monthTable(chat, year, month, byDate, true)
          : html`<div class="months">${MONTHS.map((_, i) => monthTable(chat, year, i + 1, byDate, false))}</div>`;
        const summary = DAY_STATES.filter((s) => counts.has(s))
          .map((s) => `${counts.get(s)} ${STATE_LABEL[s]}`)
          .join(' · ');
        return context.send(
          reply,
          frame,
          html`<p>${info.title || asked ? html`${titleOf(info.title, asked)} · ` : ''}${info.kind} · zone ${zone} · ${holdings.dates.length} days stored (${holdings.dates[0] ?? '—'} … ${last ?? '—'})</p>
<nav aria-label="Calendar">${nav}</nav>
${legend()}
${months}
<p>${summary}</p>
${queue ? askForm(frame, chat, year, month, missing) : missing > 0 ? noRedis() : ''}`,
        );
      } catch (error) {
        return context.send(
          reply,
          frame,
          notice('bad', html`The store could not be read: ${problem(error)}`),
          503,
        );
      }
    }),
  );

  app.post(
    '/chats/:chat/missing',
    withChat(async (chat, request, reply) => {
      const frame = context.frame(request, reply, `Missing days of ${chat}`);
      if (!queue) return context.send(reply, frame, noRedis(), 503);
      const { year, month } = parseScope(
        (request.body ?? {}) as Record<string, unknown>,
        Number(today(now(), timeZone).slice(0, 4)),
      );
      const { zone, days } = await scope(chat, year, month);
      const runs = missingRuns(days).slice(0, 50);
      const sent: Array<{ from: IsoDate; to: IsoDate; id?: string; error?: string }> = [];
      for (const run of runs) {
        try {
          const id = await queue.send({
            command: 'fetch',
            chat,
            mode: 'range',
            from: run.from,
            to: run.to,
            options: { tz: zone },
            requested_by: 'tgfetch console',
          });
          sent.push({ ...run, id });
        } catch (error) {
          sent.push({ ...run, error: problem(error) });
        }
      }
      return context.send(
        reply,
        frame,
        html`${sent.length === 0 ? notice('info', 'No missing day there.') : html`<ul>${sent.map((s) => html`<li>${s.from}${s.to !== s.from ? html` … ${s.to}` : ''}: ${s.id ? html`<a href="/commands/${encodeURIComponent(s.id)}">command ${s.id}</a>` : html`not sent: ${s.error ?? ''}`}</li>`)}</ul>`}
<p><a href="${chatPath(chat)}?year=${year}${month ? html`&amp;month=${month}` : ''}">Back to the calendar</a></p>`,
      );
    }),
  );
}
