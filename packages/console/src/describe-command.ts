import { type Html, html, name } from './html.js';

/** A command payload in a few words (chat, mode, days), or its start when it is not one. */
export function describePayload(payload: string): Html {
  let parsed: unknown;
  try {
    parsed = JSON.parse(payload);
  } catch {
    parsed = undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return html`<code class="payload">${payload.slice(0, 300)}${payload.length > 300 ? '…' : ''}</code>`;
  }
  const c = parsed as Record<string, unknown>;
  const text = (v: unknown) => (typeof v === 'string' || typeof v === 'number' ? String(v) : '');
  const mode = text(c.mode) || (c.days_back !== undefined ? 'days' : '');
  const span =
    mode === 'date'
      ? text(c.date)
      : mode === 'days'
        ? `${text(c.days ?? c.days_back ?? 1)} days`
        : mode === 'range'
          ? `${text(c.from)} … ${text(c.to)}`
          : '';
  return html`${name(text(c.chat).slice(0, 200) || '?')} <span class="muted">${mode} ${span.slice(0, 100)}</span>`;
}
