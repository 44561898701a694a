import { chatKey, parseChat, type TgMessage } from '@tgfetch/core';
import { renderText } from './entities.js';
import { externalLink, type Html, html, name, type SafeHtml } from './html.js';
import { dateTimeIn, timeIn } from './time.js';

/** The console's path of a chat (its folder name: no `@`, safe in a path). */
export function chatPath(chat: string): string {
  const parsed = parseChat(chat);
  return `/chats/${encodeURIComponent(parsed.ok ? chatKey(parsed.chat) : chat)}`;
}

/** A link to where a message is stored (its day is found when followed). */
export function messagePath(chat: string, id: number): string {
  return `${chatPath(chat)}/messages/${id}`;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

function peerText(peer: unknown): string | undefined {
  if (!isObject(peer)) return undefined;
  return `${String(peer.kind ?? 'peer')} ${String(peer.id ?? '?')}`;
}

function sender(m: TgMessage): SafeHtml {
  const who =
    peerText(m.from) ??
    (m.from_id === undefined || m.from_id === null ? undefined : `user ${m.from_id}`);
  const author = typeof m.post_author === 'string' ? m.post_author : undefined;
  if (who && author) return html`${name(author)} <span class="muted">(${name(who)})</span>`;
  if (author) return name(author);
  if (who) return name(who);
  return html`<span class="muted">the chat</span>`;
}

function forwardLine(m: TgMessage, zone: string): SafeHtml | undefined {
  const f = m.forward;
  if (!isObject(f)) return undefined;
  const origin =
    (typeof f.from_name === 'string' && f.from_name) ||
    peerText(f.from) ||
    (f.from_id !== undefined && f.from_id !== null ? String(f.from_id) : undefined) ||
    (isObject(f.saved_from) && typeof f.saved_from.name === 'string'
      ? f.saved_from.name
      : undefined) ||
    (f.imported ? 'another app' : 'someone');
  const post = typeof f.channel_post === 'number' ? html` post ${f.channel_post}` : '';
  const when = typeof f.date === 'string' ? html`, ${dateTimeIn(f.date, zone)}` : '';
  return html`<div class="meta">Forwarded from ${name(origin)}${post}${when}</div>`;
}

function replyLine(m: TgMessage, dayIds: ReadonlySet<number>): SafeHtml | undefined {
  if (typeof m.reply_to === 'number') {
    const target = dayIds.has(m.reply_to) ? `#m${m.reply_to}` : messagePath(m.chat, m.reply_to);
    return html`<div class="meta">Reply to <a href="${target}">message ${m.reply_to}</a></div>`;
  }
  const other = m.reply_to_peer;
  if (isObject(other)) {
    return html`<div class="meta">Reply to message ${String(other.message_id ?? '?')} of ${name(peerText(other.peer) ?? '?')}</div>`;
  }
  return undefined;
}

function size(bytes: unknown): string | undefined {
  if (typeof bytes !== 'number' || !Number.isFinite(bytes)) return undefined;
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 ** 2) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 ** 2).toFixed(1)} MB`;
}

function mediaBlock(m: TgMessage): SafeHtml | undefined {
  const media = m.media;
  if (!isObject(media)) return undefined;
  const kind = String(media.kind ?? 'media');
  if (kind === 'poll') {
    const answers = Array.isArray(media.answers) ? media.answers.slice(0, 20) : [];
    const total =
      typeof media.total_voters === 'number' ? html` · ${media.total_voters} votes` : '';
    return html`<div class="media poll"><strong>Poll${media.quiz ? ' (quiz)' : ''}${media.closed ? ', closed' : ''}:</strong> ${name(String(media.question ?? ''))}${total}
<ul>${answers.map((a) => (isObject(a) ? html`<li>${name(String(a.text ?? ''))}${typeof a.voters === 'number' ? html` — ${a.voters}` : ''}${a.correct ? ' ✓' : ''}</li>` : ''))}</ul></div>`;
  }
  const parts: Html[] = [];
  if (typeof media.file_name === 'string') parts.push(name(media.file_name));
  if (typeof media.title === 'string' && kind !== 'webpage') parts.push(name(media.title));
  if (typeof media.mime_type === 'string') parts.push(media.mime_type);
  const bytes = size(media.size);
  if (bytes) parts.push(bytes);
  if (typeof media.duration === 'number') parts.push(`${media.duration} s`);
  if (typeof media.width === 'number' && typeof media.height === 'number')
    parts.push(`${media.width}×${media.height}`);
  if (typeof media.latitude === 'number' && typeof media.longitude === 'number')
    parts.push(`${media.latitude}, ${media.longitude}`);
  const link =
    kind === 'webpage' && typeof media.url === 'string'
      ? html` ${externalLink(media.url, name(typeof media.title === 'string' ? media.title : media.url))}`
      : '';
  const joined = parts.map((p, i) => html`${i > 0 ? ' · ' : ''}${p}`);
  return html`<div class="media meta">[${kind}] ${joined}${link}</div>`;
}

function reactionsLine(m: TgMessage): SafeHtml | undefined {
  if (!Array.isArray(m.reactions) || m.reactions.length === 0) return undefined;
  const items = m.reactions.slice(0, 50).map((r) => {
    if (!isObject(r)) return '';
    const what = String(r.reaction ?? '');
    const label = what.startsWith('custom:') ? 'custom emoji' : what;
    return html`<span>${name(label)} ${String(r.count ?? '')}</span>`;
  });
  return html`<div class="reactions" aria-label="Reactions">${items}</div>`;
}

function countsLine(m: TgMessage): SafeHtml | undefined {
  const parts: string[] = [];
  if (typeof m.views === 'number') parts.push(`${m.views} views`);
  if (typeof m.forwards === 'number' && m.forwards > 0) parts.push(`${m.forwards} forwards`);
  if (typeof m.replies_count === 'number' && m.replies_count > 0)
    parts.push(`${m.replies_count} replies`);
  return parts.length > 0 ? html`<div class="meta">${parts.join(' · ')}</div>` : undefined;
}

function commentsLine(m: TgMessage): SafeHtml | undefined {
  const of = m.comment_of;
  if (isObject(of) && typeof of.chat === 'string') {
    const target =
      typeof of.id === 'number'
        ? html`<a href="${messagePath(of.chat, of.id)}">post ${of.id}</a>`
        : 'a post';
    return html`<div class="meta">Comment on ${target} of <a href="${chatPath(of.chat)}">${name(of.chat)}</a></div>`;
  }
  const comments = m.comments;
  if (isObject(comments) && typeof comments.chat === 'string') {
    return html`<div class="meta"><a href="${chatPath(comments.chat)}">${String(comments.count ?? '?')} comments</a> in ${name(comments.chat)}</div>`;
  }
  return undefined;
}

function actionLine(m: TgMessage): SafeHtml | undefined {
  const action = m.action;
  if (!isObject(action)) return undefined;
  const fields = Object.entries(action)
    .filter(([k]) => k !== 'type')
    .slice(0, 10)
    .map(([k, v]) => html` ${k}: ${name(Array.isArray(v) ? v.join(', ') : String(v))}`);
  return html`<div class="meta">[${String(action.type ?? 'action')}]${fields}</div>`;
}

/** One message as a person reads it; `dayIds` are the ids on the same page (replies link within it). */
export function messageItem(m: TgMessage, zone: string, dayIds: ReadonlySet<number>): SafeHtml {
  const deleted = m.deleted === true;
  const edited =
    typeof m.edit_date === 'string'
      ? html` · <span title="${dateTimeIn(m.edit_date, zone)}">edited ${timeIn(m.edit_date, zone)}</span>`
      : '';
  const gone = deleted
    ? html` · <strong>deleted</strong>${typeof m.deleted_at === 'string' ? html` (seen ${dateTimeIn(m.deleted_at, zone)})` : ''}`
    : '';
  const text = typeof m.text === 'string' && m.text.length > 0 ? m.text : '';
  return html`<li id="m${m.id}" class="${deleted ? 'deleted' : ''}">
<div class="meta"><a href="#m${m.id}">#${m.id}</a> · ${sender(m)} · <time datetime="${String(m.date)}">${timeIn(m.date, zone)}</time>${edited}${gone}</div>
${replyLine(m, dayIds)}${forwardLine(m, zone)}${commentsLine(m)}${actionLine(m)}
${text ? html`<div class="text" dir="auto"><bdi>${renderText(text, m.entities)}</bdi></div>` : ''}
${mediaBlock(m)}${reactionsLine(m)}${countsLine(m)}
</li>`;
}
