/**
 * HTML made safe by construction: `html` is a tagged template whose every interpolation is
 * escaped unless it is already `SafeHtml` (made by `html` itself or `raw`). Page code never
 * concatenates strings into markup, so text from Telegram (names, messages, links) cannot
 * become markup.
 */

const SAFE = Symbol('SafeHtml');

export interface SafeHtml {
  readonly [SAFE]: true;
  readonly value: string;
}

export type Html = SafeHtml | string | number | boolean | null | undefined | readonly Html[];

function safe(value: string): SafeHtml {
  return { [SAFE]: true, value };
}

function isSafe(value: unknown): value is SafeHtml {
  return typeof value === 'object' && value !== null && SAFE in value;
}

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
  '`': '&#96;',
};

/** Text as HTML text or attribute value (always quoted with "). */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"'`]/g, (c) => ESCAPES[c] ?? c);
}

/** What an interpolation renders as: escaped text, or markup already made safe. */
export function render(value: Html): string {
  if (value === null || value === undefined || value === false) return '';
  if (Array.isArray(value)) return value.map(render).join('');
  if (isSafe(value)) return value.value;
  return escapeHtml(String(value));
}

export function html(strings: TemplateStringsArray, ...values: Html[]): SafeHtml {
  let out = strings[0] ?? '';
  for (let i = 0; i < values.length; i++) out += render(values[i]) + (strings[i + 1] ?? '');
  return safe(out);
}

/** Markup written by this package (never text from elsewhere). */
export function raw(markup: string): SafeHtml {
  return safe(markup);
}

/**
 * Bidirectional controls (U+202A–U+202E, U+2066–U+2069, LRM/RLM/ALM) shown as visible marks
 * in names, references and links, where a right-to-left override would make text read
 * as something else (`txt.exe` that is `exe.txt`). Message text keeps them, isolated in
 * its own `<bdi>`.
 */
const BIDI = /[\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069]/g;

export function visibleControls(text: string): string {
  return text.replace(
    BIDI,
    (c) => `[U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}]`,
  );
}

/** A name or reference from elsewhere: controls made visible, isolated from its surroundings. */
export function name(text: string | number): SafeHtml {
  return html`<bdi>${visibleControls(String(text))}</bdi>`;
}

const LINK_SCHEMES = new Set(['http:', 'https:', 'tg:']);

/**
 * The URL when it may be a link target (http, https, tg), else undefined: `javascript:`,
 * `data:` and every other scheme are never emitted as `href`.
 */
export function safeHref(url: unknown): string | undefined {
  if (typeof url !== 'string' || url.length > 4096) return undefined;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: a control in a URL is refused
  if (/[\u0000-\u001f\u007f\s]/.test(url)) return undefined;
  try {
    const parsed = new URL(url);
    return LINK_SCHEMES.has(parsed.protocol) ? parsed.href : undefined;
  } catch {
    return undefined;
  }
}

/** A link to a URL from elsewhere, or just its text when it may not be a link. */
export function externalLink(url: unknown, text: Html): SafeHtml {
  const href = safeHref(url);
  if (href === undefined) return html`<span class="unsafe-link">${text}</span>`;
  return html`<a href="${href}" rel="noopener noreferrer nofollow" target="_blank">${text}</a>`;
}
