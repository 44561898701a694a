// The console's only script: it adds what a page cannot do alone (live events, confirming
// before a change, showing a spoiler). Every page works without it.

/** Text made from an event, for a list item: never markup. */
function describe(event) {
  const parts = [event.ts, event.event, event.chat, event.command_id];
  if (event.date) parts.push(`${event.date}: ${event.count} (${event.outcome ?? ''})`);
  if (event.error) parts.push(`${event.error.code}: ${event.error.message}`);
  return parts.filter((p) => p !== undefined && p !== null && p !== '').join('  ');
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
    const item = document.createElement('li');
    item.textContent = describe(event);
    item.setAttribute('data-event', event.event);
    list.prepend(item);
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
