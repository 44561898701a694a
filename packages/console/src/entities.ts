import type { TgEntity } from '@tgfetch/core';
import { externalLink, html, type SafeHtml, safeHref } from './html.js';

/** Entities one message may style: more are shown as plain text (Telegram allows far fewer). */
const MAX_ENTITIES = 1_000;

type Wrap = (inner: SafeHtml, text: string) => SafeHtml;

const STYLES: Record<string, Wrap> = {
  bold: (inner) => html`<strong>${inner}</strong>`,
  italic: (inner) => html`<em>${inner}</em>`,
  underline: (inner) => html`<u>${inner}</u>`,
  strike: (inner) => html`<s>${inner}</s>`,
  code: (inner) => html`<code>${inner}</code>`,
  pre: (inner) => html`<code class="pre">${inner}</code>`,
  spoiler: (inner) => html`<span class="spoiler" tabindex="0" title="spoiler">${inner}</span>`,
  blockquote: (inner) => html`<q class="quote">${inner}</q>`,
};

/** The link an entity makes of its own text (or its `url`), when it makes one. */
function linkOf(entity: TgEntity, text: string): { href?: string; internal?: string } | undefined {
  switch (entity.type) {
    case 'url': {
      const href = safeHref(/^[a-z][a-z0-9+.-]*:/i.test(text) ? text : `https://${text}`);
      return href === undefined ? {} : { href };
    }
    case 'text_url':
    case 'text_link': {
      const href = safeHref(entity.url);
      return href === undefined ? {} : { href };
    }
    case 'mention': {
      const name = /^@([A-Za-z][A-Za-z0-9_]{0,63})$/.exec(text)?.[1];
      return name ? { href: `https://t.me/${name}` } : {};
    }
    case 'hashtag':
    case 'cashtag':
      return { internal: `/search?q=${encodeURIComponent(text)}` };
    default:
      return undefined;
  }
}

/**
 * Message text with its entities as markup. Offsets and lengths count UTF-16 code units,
 * as Telegram's and JavaScript's strings both do. Entities may nest and overlap: the text
 * is cut at every entity edge and each piece is wrapped in the entities that cover it, so
 * any entity list gives well-formed markup. Text outside the entities, and every piece's
 * text, is escaped.
 */
export function renderText(text: string, entities: readonly TgEntity[] | undefined): SafeHtml {
  const list = (Array.isArray(entities) ? entities : [])
    .slice(0, MAX_ENTITIES)
    .filter(
      (e) =>
        typeof e === 'object' &&
        e !== null &&
        Number.isSafeInteger(e.offset) &&
        Number.isSafeInteger(e.length) &&
        e.offset >= 0 &&
        e.length > 0 &&
        e.offset < text.length,
    )
    .map((e) => ({ ...e, end: Math.min(text.length, e.offset + e.length) }));
  if (list.length === 0) return html`${text}`;
  const cuts = new Set([0, text.length]);
  for (const e of list) {
    cuts.add(e.offset);
    cuts.add(e.end);
  }
  const points = [...cuts].sort((a, b) => a - b);
  const pieces: SafeHtml[] = [];
  for (let i = 0; i + 1 < points.length; i++) {
    const from = points[i]!;
    const to = points[i + 1]!;
    const piece = text.slice(from, to);
    let inner = html`${piece}`;
    // Outer entities (starting first, longest) wrap inner ones.
    const covering = list
      .filter((e) => e.offset <= from && e.end >= to)
      .sort((a, b) => b.offset - a.offset || a.end - b.end);
    for (const entity of covering) {
      const whole = text.slice(entity.offset, entity.end);
      const style = STYLES[entity.type];
      if (style) {
        inner = style(inner, whole);
        continue;
      }
      const link = linkOf(entity, whole);
      if (link?.internal) inner = html`<a href="${link.internal}">${inner}</a>`;
      else if (link) inner = externalLink(link.href, inner);
    }
    pieces.push(inner);
  }
  return html`${pieces}`;
}
