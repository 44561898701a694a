import { type Html, html, type SafeHtml } from './html.js';

/** What every page shows in its frame. */
export interface PageFrame {
  title: string;
  /** The form token for the page's forms. */
  csrf: string;
  /** Changes are possible now (a token is set and the person signed in). */
  canChange: boolean;
  /** A token is set: a person can sign in. */
  canSignIn: boolean;
  signedIn: boolean;
  /** Where the page is, for the sign-in link to come back to. */
  path: string;
}

export function page(frame: PageFrame, body: Html): SafeHtml {
  const who = frame.signedIn
    ? html`signed in · <form class="inline" method="post" action="/logout">${csrfField(frame)}<button type="submit">Sign out</button></form>`
    : frame.canSignIn
      ? html`<a href="/login?next=${encodeURIComponent(frame.path)}">Sign in</a> to make changes`
      : html`read only (no CONSOLE_TOKEN)`;
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="same-origin">
<title>${frame.title} · tgfetch console</title>
<link rel="stylesheet" href="/assets/console.css">
<script src="/assets/console.js" defer></script>
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<header class="top">
<strong>tgfetch console</strong>
<nav aria-label="Sections">
<a href="/">Overview</a><a href="/queue">Queue</a><a href="/events">Events</a><a href="/chats">Chats</a><a href="/search">Search</a><a href="/commands/new">Send a command</a>
</nav>
<span class="who">${who}</span>
</header>
<main id="main" tabindex="-1">
<h1>${frame.title}</h1>
${body}
</main>
</body>
</html>
`;
}

export function csrfField(frame: Pick<PageFrame, 'csrf'>): SafeHtml {
  return html`<input type="hidden" name="_csrf" value="${frame.csrf}">`;
}

/** A note on a page: what is missing, what went wrong, what happened. */
export function notice(kind: 'good' | 'bad' | 'info', body: Html): SafeHtml {
  return html`<p class="notice ${kind === 'info' ? '' : kind}" role="${kind === 'bad' ? 'alert' : 'status'}">${body}</p>`;
}

/** Why a change button is not there. */
export function changesOff(frame: PageFrame): SafeHtml {
  return frame.canSignIn
    ? html`<p class="muted"><a href="/login?next=${encodeURIComponent(frame.path)}">Sign in</a> to make changes.</p>`
    : html`<p class="muted">Changes need a token: start the console with CONSOLE_TOKEN set.</p>`;
}
