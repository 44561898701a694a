// The console's only script: it adds what a page cannot do alone (live events, confirming
// before a change, showing a spoiler). Every page works without it.

const BIDI = /[\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069]/g;

/** A name from elsewhere with its bidirectional controls shown, as the server shows them. */
function visible(text) {
  return String(text ?? '').replace(
    BIDI,
    (c) => `[U+${c.codePointAt(0).toString(16).toUpperCase().padStart(4, '0')}]`,
  );
}

/** A list item made from an event as the server makes them: text and one link, never markup. */
function eventItem(event) {
  const item = document.createElement('li');
  item.setAttribute('data-event', event.event);
  const asked =
    event.requested_chat && event.requested_chat !== event.chat
      ? ` (${visible(event.requested_chat)})`
      : '';
  item.append(`${event.ts}  ${event.event}  ${visible(event.chat)}${asked}  `);
  if (typeof event.command_id === 'string') {
    const link = document.createElement('a');
    link.href = `/commands/${encodeURIComponent(event.command_id)}`;
    link.textContent = visible(event.command_id);
    item.append(link);
  }
  const rest = [];
  if (event.date) rest.push(`${event.date}: ${event.count} (${event.outcome ?? ''})`);
  if (event.error) rest.push(`${event.error.code}: ${event.error.message}`);
  if (rest.length > 0) item.append(`  ${rest.join('  ')}`);
  return item;
}

function followEvents(list) {
  const url = list.getAttribute('data-live');
  if (!url || typeof EventSource === 'undefined') return;
  const source = new EventSource(url);
  const status = document.getElementById('live-status');
  source.addEventListener('open', () => {
    if (status) status.textContent = 'live';
  });
  source.addEventListener('error', () => {
    if (status) status.textContent = 'reconnecting…';
  });
  source.addEventListener('fetch', (message) => {
    let event;
    try {
      event = JSON.parse(message.data);
    } catch {
      return;
    }
    list.prepend(eventItem(event));
    while (list.children.length > 200) list.lastElementChild.remove();
    const final = document.getElementById('final');
    if (!final || final.hasAttribute('data-final')) return;
    // A dead letter is no end: a person may retry it, and this page follows it again.
    if (event.event === 'failed' && event.error?.code === 'POISON_COMMAND') {
      final.textContent = `dead letter: ${event.error.code}`;
    } else if (event.event === 'started') {
      final.textContent = 'running';
    } else if (event.event === 'completed' || event.event === 'failed') {
      final.textContent =
        event.event === 'completed'
          ? `completed: ${event.processed} messages`
          : `failed: ${event.error?.code}`;
      final.setAttribute('data-final', event.event);
      source.close();
      if (status) status.textContent = 'finished';
    }
  });
}

function confirmForms() {
  for (const form of document.querySelectorAll('form[data-confirm]')) {
    form.addEventListener('submit', (submit) => {
      if (!window.confirm(form.getAttribute('data-confirm'))) {
        submit.preventDefault();
        return;
      }
      const confirmed = form.querySelector('input[name="confirm"]');
      if (confirmed) confirmed.value = 'yes';
    });
  }
}

function spoilers() {
  for (const spoiler of document.querySelectorAll('.spoiler')) {
    spoiler.addEventListener('click', () => spoiler.classList.add('shown'));
    spoiler.addEventListener('keydown', (key) => {
      if (key.key === 'Enter' || key.key === ' ') spoiler.classList.add('shown');
    });
  }
}

document.addEventListener('DOMContentLoaded', () => {
  for (const list of document.querySelectorAll('[data-live]')) followEvents(list);
  confirmForms();
  spoilers();
});
