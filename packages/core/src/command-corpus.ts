/**
 * A corpus of commands as producers send them (raw JSON text), for the agreement test of
 * `parseWireCommand` and the published JSON Schema: every form a producer may send (the
 * `days_back` form before v1, the three modes), follow and unfollow, schedule, every
 * rejection class, edge cases.
 * `now` of every case is 2025-11-08T12:00:00Z.
 */

export interface CorpusCase {
  name: string;
  text: string;
}

export const CORPUS_NOW = Date.parse('2025-11-08T12:00:00Z');

const json = (value: unknown) => JSON.stringify(value);
const base = { command: 'fetch', chat: '@ru_python' };

const chats: unknown[] = [
  '@ru_python',
  'ru_python',
  '@Ru_Python',
  'pythonstepikchat',
  'https://t.me/ru_python',
  't.me/ru_python',
  'http://telegram.me/ru_python/',
  'https://t.me/s/durov',
  'T.ME/Durov?single',
  ' @padded ',
  '-1001234567890',
  '1234567',
  -1001234567890,
  777000,
  '0',
];

const modes: Array<Record<string, unknown>> = [
  { mode: 'date', date: '2025-11-07' },
  { mode: 'date', date: '2024-02-29' },
  { mode: 'days', days: 1 },
  { mode: 'days', days: 7 },
  { mode: 'days', days: 3660 },
  { mode: 'range', from: '2025-11-01', to: '2025-11-07' },
  { mode: 'range', from: '2025-11-07', to: '2025-11-07' },
];

const extras: Array<Record<string, unknown>> = [
  {},
  { strategy: 'batch' },
  { strategy: 'per_day', limit: 500 },
  { command_id: 'job-42', requested_by: 'analyzer' },
  { options: { force: true, tz: 'Europe/Moscow' } },
  { options: { include_today: true, tz: 'utc' } },
  { timestamp: '2025-11-08T05:55:48.276372', unknown_field: { any: [1, 2] } },
];

const badChats: unknown[] = [
  '../../etc',
  'ru python',
  '',
  '@1abc',
  `@${'a'.repeat(65)}`,
  'ab\u0007c',
  '0123',
  '-0',
  1.5,
  true,
  null,
  'https://example.com/ru_python',
  'https://t.me/',
];

const badExtras: Array<Record<string, unknown>> = [
  { strategy: 'fast' },
  { limit: 0 },
  { command_id: 'has space' },
  { options: { force: 'yes' } },
  { options: { tz: 'Z'.repeat(65) } },
  { options: [] },
];

/** Every invalid chat and every invalid optional field, in every mode. */
function rejectedInEveryMode(): CorpusCase[] {
  const cases: CorpusCase[] = [];
  for (const chat of badChats) {
    for (const mode of modes) {
      cases.push({
        name: `bad chat ${json(chat)} ${json(mode)}`,
        text: json({ command: 'fetch', chat, ...mode }),
      });
    }
  }
  for (const extra of badExtras) {
    for (const mode of modes)
      cases.push({
        name: `bad ${json(extra)} ${json(mode)}`,
        text: json({ ...base, ...mode, ...extra }),
      });
  }
  return cases;
}

function accepted(): CorpusCase[] {
  const cases: CorpusCase[] = [];
  // Every chat with every mode, then every extra with every mode: 15 × 7 + 7 × 7.
  for (const chat of chats) {
    for (const mode of modes)
      cases.push({
        name: `chat ${json(chat)} ${json(mode)}`,
        text: json({ command: 'fetch', chat, ...mode }),
      });
  }
  for (const extra of extras) {
    for (const mode of modes)
      cases.push({
        name: `${json(extra)} ${json(mode)}`,
        text: json({ ...base, ...mode, ...extra }),
      });
  }
  return cases;
}

// The form before v1: the command its producers send, and each of its variants.
const legacy: CorpusCase[] = [
  {
    name: 'pre-v1 command',
    text: json({
      command: 'fetch',
      chat: 'pythonstepikchat',
      days_back: 1,
      limit: 100,
      strategy: 'auto',
      timestamp: '2025-11-08T05:55:48.276372',
      requested_by: 'user_123',
    }),
  },
  {
    name: 'pre-v1 without days_back',
    text: json({ command: 'fetch', chat: 'pythonstepikchat' }),
  },
  {
    name: 'pre-v1 days_back 7 sequential',
    text: json({ command: 'fetch', chat: 'x_y', days_back: 7, strategy: 'sequential' }),
  },
  {
    name: 'pre-v1 with a numeric chat',
    text: json({ command: 'fetch', chat: -1001234567890, days_back: 2 }),
  },
  { name: 'pre-v1 days_back 0', text: json({ command: 'fetch', chat: 'x_y', days_back: 0 }) },
  {
    name: 'pre-v1 days_back string',
    text: json({ command: 'fetch', chat: 'x_y', days_back: '2' }),
  },
  {
    name: 'pre-v1 days_back 3661',
    text: json({ command: 'fetch', chat: 'x_y', days_back: 3661 }),
  },
  { name: 'no mode but a date', text: json({ command: 'fetch', chat: 'x_y', date: '2025-11-07' }) },
  { name: 'no mode but days', text: json({ command: 'fetch', chat: 'x_y', days: 2 }) },
  {
    name: 'no mode but from/to',
    text: json({ command: 'fetch', chat: 'x_y', from: '2025-11-01', to: '2025-11-02' }),
  },
];

const d = { ...base, mode: 'date', date: '2025-11-07' };
const rejected: CorpusCase[] = [
  // Not a command at all.
  { name: 'not JSON', text: 'this is not json' },
  { name: 'truncated JSON', text: '{"command":"fetch","chat":"@x"' },
  { name: 'an array', text: '[1,2]' },
  { name: 'a string', text: '"fetch"' },
  { name: 'a number', text: '42' },
  { name: 'null', text: 'null' },
  { name: 'empty object', text: '{}' },
  { name: 'unknown command', text: json({ ...d, command: 'delete' }) },
  { name: 'command missing', text: json({ chat: '@x_y', mode: 'days', days: 1 }) },
  { name: 'command not a string', text: json({ ...d, command: 1 }) },
  // Modes and fields.
  { name: 'unknown mode', text: json({ ...base, mode: 'week' }) },
  { name: 'mode null', text: json({ ...base, mode: null, date: '2025-11-07' }) },
  { name: 'mode object', text: json({ ...base, mode: { x: 1 } }) },
  { name: 'date missing', text: json({ ...base, mode: 'date' }) },
  { name: 'days missing', text: json({ ...base, mode: 'days' }) },
  { name: 'to missing', text: json({ ...base, mode: 'range', from: '2025-11-01' }) },
  { name: 'chat missing', text: json({ command: 'fetch', mode: 'days', days: 1 }) },
  // Chats.
  { name: 'chat path', text: json({ ...d, chat: '../../etc' }) },
  { name: 'chat with a space', text: json({ ...d, chat: 'ru python' }) },
  { name: 'chat empty', text: json({ ...d, chat: '' }) },
  { name: 'chat digit first', text: json({ ...d, chat: '@1abc' }) },
  { name: 'chat too long', text: json({ ...d, chat: `@${'a'.repeat(65)}` }) },
  { name: 'chat control character', text: json({ ...d, chat: 'ab\u0007c' }) },
  { name: 'chat leading zero', text: json({ ...d, chat: '0123' }) },
  { name: 'chat minus zero', text: json({ ...d, chat: '-0' }) },
  { name: 'chat fraction', text: json({ ...d, chat: 1.5 }) },
  { name: 'chat boolean', text: json({ ...d, chat: true }) },
  { name: 'chat null', text: json({ ...d, chat: null }) },
  { name: 'chat other site', text: json({ ...d, chat: 'https://example.com/ru_python' }) },
  { name: 'chat link without name', text: json({ ...d, chat: 'https://t.me/' }) },
  {
    name: 'chat big number',
    text: '{"command":"fetch","chat":-1009007199254740993,"mode":"days","days":1}',
  },
  // Dates.
  { name: 'date Feb 30', text: json({ ...d, date: '2025-02-30' }) },
  { name: 'date month 13', text: json({ ...d, date: '2025-13-01' }) },
  { name: 'date before 1970', text: json({ ...d, date: '1969-12-31' }) },
  { name: 'date short form', text: json({ ...d, date: '2025-1-7' }) },
  { name: 'date with time', text: json({ ...d, date: '2025-11-07T00:00:00Z' }) },
  { name: 'date a number', text: json({ ...d, date: 20251107 }) },
  {
    name: 'range from invalid',
    text: json({ ...base, mode: 'range', from: '2025-04-31', to: '2025-05-01' }),
  },
  { name: 'range to a number', text: json({ ...base, mode: 'range', from: '2025-04-01', to: 5 }) },
  // Days.
  { name: 'days 0', text: json({ ...base, mode: 'days', days: 0 }) },
  { name: 'days negative', text: json({ ...base, mode: 'days', days: -3 }) },
  { name: 'days 3661', text: json({ ...base, mode: 'days', days: 3661 }) },
  { name: 'days fraction', text: json({ ...base, mode: 'days', days: 1.5 }) },
  { name: 'days string', text: json({ ...base, mode: 'days', days: '3' }) },
  {
    name: 'days huge literal',
    text: '{"command":"fetch","chat":"@x_y","mode":"days","days":1e20}',
  },
  // Options and the rest.
  { name: 'tz too long', text: json({ ...d, options: { tz: 'Z'.repeat(65) } }) },
  { name: 'tz a number', text: json({ ...d, options: { tz: 3 } }) },
  { name: 'force a string', text: json({ ...d, options: { force: 'yes' } }) },
  { name: 'include_today a number', text: json({ ...d, options: { include_today: 1 } }) },
  { name: 'options an array', text: json({ ...d, options: [] }) },
  { name: 'options a string', text: json({ ...d, options: 'force' }) },
  { name: 'strategy unknown', text: json({ ...d, strategy: 'fast' }) },
  { name: 'limit 0', text: json({ ...d, limit: 0 }) },
  { name: 'limit fraction', text: json({ ...d, limit: 2.5 }) },
  { name: 'limit too big', text: json({ ...d, limit: 100_000_001 }) },
  { name: 'command_id empty', text: json({ ...d, command_id: '' }) },
  { name: 'command_id with a space', text: json({ ...d, command_id: 'has space' }) },
  { name: 'command_id too long', text: json({ ...d, command_id: 'x'.repeat(129) }) },
  { name: 'command_id a number', text: json({ ...d, command_id: 42 }) },
  { name: 'requested_by too long', text: json({ ...d, requested_by: 'x'.repeat(257) }) },
  { name: 'timestamp a number', text: json({ ...d, timestamp: 1731047748 }) },
];

// Where a published schema once said less than the parser: zones that are no zone, dates
// off the calendar, a final newline (which Python's `$` lets through), Unicode spaces and
// digits (which Python's `\s` and `\d` take), lengths in code points, `t.me/s/` links.
const zone = (tz: string, name = tz) => ({
  name: `tz ${json(name)}`,
  text: json({ ...d, options: { tz } }),
});
const emoji = '\u{1F600}';
const edges: CorpusCase[] = [
  ...[
    'Europe/Moscow',
    'EUROPE/MOSCOW',
    'europe/kyiv',
    'Europe/Kiev',
    'US/Pacific',
    'Etc/GMT+3',
    'Etc/GMT-14',
    'GMT0',
    'UTC',
    'America/Argentina/ComodRivadavia',
    'PST',
    'SystemV/AST4',
  ].map((tz) => zone(tz)),
  ...[
    'Mars/Olympus',
    'Europe/Nowhere',
    'Nowhere/City',
    '+03:00',
    '-05:00',
    'UTC+3',
    'Z',
    'Factory',
    'Etc/Unknown',
    'Europe/Mosco',
    'Europe',
    '',
    ' Europe/Moscow',
    'Europe/Moscow ',
    'Europe/Moscow\n',
    'Europe/\u212Aiev',
  ].map((tz) => zone(tz)),
  ...[
    '2024-02-29',
    '2000-02-29',
    '1972-02-29',
    '1996-02-29',
    '1970-01-01',
    '2025-04-30',
    '2024-12-31',
    '2025-01-31',
  ].map((date) => ({ name: `date ${date}`, text: json({ ...d, date }) })),
  ...[
    '2023-02-29',
    '2025-02-29',
    '2100-02-29',
    '2025-06-31',
    '2025-11-31',
    '2025-00-10',
    '2025-11-00',
    '2025-11-32',
    '2025-11-07\n',
    '2025-11-07 ',
    ' 2025-11-07',
    '\u0662\u0660\u0662\u0665-\u0661\u0661-\u0660\u0667',
  ].map((date) => ({ name: `date ${json(date)}`, text: json({ ...d, date }) })),
  {
    name: 'range from Feb 29 of a common year',
    text: json({ ...base, mode: 'range', from: '2023-02-29', to: '2023-03-01' }),
  },
  {
    name: 'range to Feb 29 of a leap year',
    text: json({ ...base, mode: 'range', from: '2024-02-01', to: '2024-02-29' }),
  },
  ...[
    't.me/S/durov',
    'T.ME/S/Durov',
    't.me/s',
    't.me/sx/',
    '@ru_python\n',
    '\ufeff@ru_python\u3000',
    '\u00a0-1001234567890\u2028',
    `${' '.repeat(300)}@ru_python`,
    `t.me/ru_python?${emoji.repeat(200)}`,
    't.me/ru_python?a\u2028',
  ].map((chat) => ({ name: `chat ${json(chat).slice(0, 60)}`, text: json({ ...d, chat }) })),
  ...[
    't.me/s/',
    't.me/s/?x',
    't.me/S/',
    't.me/ru_python?a\u2028b',
    '\u001c@ru_python',
    '\u0085@ru_python',
    '@ru_python\u0085',
    '\u180e@ru_python',
    `t.me/ru_python?${'a'.repeat(242)}`,
    '\u0661\u0662\u0663',
  ].map((chat) => ({ name: `bad chat ${json(chat).slice(0, 60)}`, text: json({ ...d, chat }) })),
  { name: 'command_id 128 characters', text: json({ ...d, command_id: 'x'.repeat(128) }) },
  { name: 'command_id with a final newline', text: json({ ...d, command_id: 'job-42\n' }) },
  { name: 'command_id with a tab', text: json({ ...d, command_id: 'job\t42' }) },
  { name: 'command_id not ASCII', text: json({ ...d, command_id: 'j\u00f6b' }) },
  { name: 'requested_by 200 emoji', text: json({ ...d, requested_by: emoji.repeat(200) }) },
  { name: 'requested_by 257 emoji', text: json({ ...d, requested_by: emoji.repeat(257) }) },
  { name: 'timestamp 64 emoji', text: json({ ...d, timestamp: emoji.repeat(64) }) },
  { name: 'timestamp 65 characters', text: json({ ...d, timestamp: 'x'.repeat(65) }) },
  { name: 'tz null', text: json({ ...d, options: { tz: null } }) },
  { name: 'days as 3.0', text: '{"command":"fetch","chat":"@x_y","mode":"days","days":3.0}' },
  { name: 'limit as 1e8', text: json({ ...d, limit: 1e8 }).replace('100000000', '1e8') },
  {
    name: 'NaN in an unknown field',
    text: '{"command":"fetch","chat":"@x_y","days_back":1,"x":NaN}',
  },
  {
    name: 'nested 16 deep',
    text: `{"command":"fetch","chat":"@x_y","mode":"days","days":1,"extra":${'['.repeat(15)}${']'.repeat(15)}}`,
  },
];

// Follow and unfollow: the chat rules and the fields every command has, nothing of a fetch.
const CHAT_COMMANDS = ['follow', 'unfollow'] as const;
const chatCommandExtras: Array<Record<string, unknown>> = [
  {},
  { command_id: 'follow-1', requested_by: 'console', timestamp: '2025-11-08T05:55:48' },
  { command_id: 'x'.repeat(128) },
  { requested_by: emoji.repeat(256), timestamp: emoji.repeat(64) },
  // A fetch's own fields are unknown fields here: ignored, whatever they hold.
  { mode: 'week', days: -1, strategy: 'fast', limit: 0, options: [], days_back: 'x' },
  { date: '2025-11-09', options: { tz: 'Mars/Olympus' } },
];
const chatCommandBad: Array<Record<string, unknown>> = [
  { command_id: '' },
  { command_id: 'has space' },
  { command_id: 'x'.repeat(129) },
  { command_id: 42 },
  { command_id: 'j\u00f6b' },
  { requested_by: emoji.repeat(257) },
  { requested_by: 7 },
  { timestamp: 'x'.repeat(65) },
];
const chatCommands: CorpusCase[] = CHAT_COMMANDS.flatMap((command) => [
  ...chats.map((chat) => ({
    name: `${command} chat ${json(chat)}`,
    text: json({ command, chat }),
  })),
  ...chatCommandExtras.map((extra) => ({
    name: `${command} ${json(extra).slice(0, 80)}`,
    text: json({ command, chat: '@ru_python', ...extra }),
  })),
  ...badChats.map((chat) => ({
    name: `${command} bad chat ${json(chat)}`,
    text: json({ command, chat }),
  })),
  ...chatCommandBad.map((extra) => ({
    name: `${command} bad ${json(extra).slice(0, 80)}`,
    text: json({ command, chat: '@ru_python', ...extra }),
  })),
  { name: `${command} without chat`, text: json({ command }) },
  { name: `${command} capitalised`, text: json({ command: command.toUpperCase(), chat: '@x_y' }) },
  {
    name: `${command} chat big number as a string`,
    text: `{"command":"${command}","chat":"-1009007199254740993"}`,
  },
  {
    name: `${command} chat big number`,
    text: `{"command":"${command}","chat":-1009007199254740993}`,
  },
]);

// Schedule commands: add with each trigger and window, pause, resume, remove; refusals the
// schema states (the unstatable ones are below).
const sched = { command: 'schedule', action: 'add', name: 'news', chat: '@ru_python' };
const scheduleAccepted: Array<Record<string, unknown>> = [
  { ...sched, every: '1h' },
  { ...sched, every: 90 },
  { ...sched, every: '1h30m', days: 2 },
  { ...sched, cron: '0 6 * * *', tz: 'Europe/Berlin' },
  { ...sched, cron: '0 */5 * * * *', tz: 'europe/berlin' },
  { ...sched, cron: '@daily' },
  { ...sched, every: '10s', days: 'since_last_run', max_days: 3 },
  { ...sched, every: '1d', days: 366 },
  { ...sched, every: '1d', options: { force: true, include_today: true, comments: true } },
  { ...sched, every: '1d', options: { tz: 'Asia/Tokyo' }, strategy: 'per_day', limit: 100 },
  { ...sched, every: '1d', paused: true, replace: true, command_id: 'sched-add-1' },
  { ...sched, chat: undefined, chats: ['@ru_python', 'durov', '-1001234567890'], every: '1d' },
  { ...sched, name: 'a', every: '1d', requested_by: 'console', timestamp: '2025-11-08' },
  { ...sched, name: `n${'x'.repeat(63)}`, every: '1d' },
  { ...sched, every: '1d', unknown: { nested: [1, 2] } },
  { command: 'schedule', action: 'pause', name: 'news' },
  { command: 'schedule', action: 'resume', name: 'news', command_id: 'resume-1' },
  { command: 'schedule', action: 'remove', name: 'news.v2_b-c' },
  { command: 'schedule', action: 'pause', name: 'news', every: 'junk', chats: 7 },
];
const scheduleRejected: Array<Record<string, unknown>> = [
  { ...sched, action: 'stop', every: '1h' },
  { ...sched, action: undefined, every: '1h' },
  { ...sched, name: undefined, every: '1h' },
  { ...sched, name: '-news', every: '1h' },
  { ...sched, name: 'has space', every: '1h' },
  { ...sched, name: `n${'x'.repeat(64)}`, every: '1h' },
  { ...sched, every: '1h', days: 0 },
  { ...sched, every: '1h', days: 367 },
  { ...sched, every: '1h', days: 'yesterday' },
  { ...sched, every: '1h', max_days: 0, days: 'since_last_run' },
  { ...sched, chat: undefined, chats: [], every: '1h' },
  { ...sched, chat: undefined, chats: '@ru_python', every: '1h' },
  { ...sched, chat: 'not a chat!', every: '1h' },
  { ...sched, every: true },
  { ...sched, cron: 5 },
  { ...sched, every: 'x'.repeat(33) },
  { ...sched, every: '1h', tz: 'Mars/Olympus' },
  { ...sched, every: '1h', options: { tz: '+03:00' } },
  { ...sched, every: '1h', strategy: 'fast' },
  { ...sched, every: '1h', limit: 0 },
  { ...sched, every: '1h', paused: 'yes' },
  { ...sched, every: '1h', replace: 1 },
  { ...sched, every: '1h', command_id: '' },
  { ...sched, every: '1h', timestamp: 'x'.repeat(65) },
  { command: 'schedule', action: 'pause' },
  { command: 'schedule', action: 'remove', name: 7 },
  { command: 'schedule', name: 'news' },
];
const scheduleCommands: CorpusCase[] = [
  ...scheduleAccepted.map((value) => ({
    name: `schedule ${json(value).slice(20, 110)}`,
    text: json(value),
  })),
  ...scheduleRejected.map((value) => ({
    name: `schedule bad ${json(value).slice(20, 110)}`,
    text: json(value),
  })),
];

// Rules the JSON Schema cannot state: the agreement test expects these to disagree, each
// with the rule named in the schema's description.
export const UNSTATABLE: ReadonlyArray<CorpusCase & { rule: string }> = [
  { name: 'future date', rule: 'FUTURE_DATE', text: json({ ...d, date: '2025-11-09' }) },
  {
    name: 'range backwards',
    rule: 'INVALID_RANGE',
    text: json({ ...base, mode: 'range', from: '2025-11-07', to: '2025-11-01' }),
  },
  {
    name: 'range over 3660 days',
    rule: 'INVALID_RANGE',
    text: json({ ...base, mode: 'range', from: '1990-01-01', to: '2025-11-01' }),
  },
  { name: 'over 64 KiB', rule: 'PAYLOAD_TOO_LARGE', text: json({ ...d, pad: 'x'.repeat(70_000) }) },
  {
    name: 'nested 17 deep',
    rule: 'PAYLOAD_TOO_DEEP',
    text: `{"command":"fetch","chat":"@x_y","days_back":1,"extra":${'{"a":'.repeat(15)}{}${'}'.repeat(15)}}`,
  },
  {
    name: 'nested 4100 deep',
    rule: 'PAYLOAD_TOO_DEEP',
    text: `{"command":"fetch","chat":"@x_y","mode":"days","days":1,"extra":${'['.repeat(4100)}${']'.repeat(4100)}}`,
  },
  {
    name: 'a fraction that rounds to an integer',
    rule: 'INEXACT_NUMBER',
    text: '{"command":"fetch","chat":"@x_y","mode":"days","days":3.0000000000000001}',
  },
  {
    name: 'follow over 64 KiB',
    rule: 'PAYLOAD_TOO_LARGE',
    text: json({ command: 'follow', chat: '@x_y', pad: 'x'.repeat(70_000) }),
  },
  {
    name: 'unfollow nested 17 deep',
    rule: 'PAYLOAD_TOO_DEEP',
    text: `{"command":"unfollow","chat":"@x_y","extra":${'['.repeat(16)}${']'.repeat(16)}}`,
  },
  {
    name: 'follow of a chat id that rounds to an integer',
    rule: 'INEXACT_NUMBER',
    text: '{"command":"follow","chat":777000.00000000001}',
  },
  {
    name: 'schedule with chat and chats',
    rule: 'SCHEDULE_INVALID_CHATS',
    text: json({ ...sched, chats: ['@durov'], every: '1h' }),
  },
  {
    name: 'schedule naming a chat twice',
    rule: 'SCHEDULE_INVALID_CHATS',
    text: json({ ...sched, chat: undefined, chats: ['@ru_python', 'ru_python'], every: '1h' }),
  },
  {
    name: 'schedule without chats',
    rule: 'SCHEDULE_MISSING_FIELD',
    text: json({ ...sched, chat: undefined, every: '1h' }),
  },
  {
    name: 'schedule with every and cron',
    rule: 'SCHEDULE_INVALID_TRIGGER',
    text: json({ ...sched, every: '1h', cron: '0 6 * * *' }),
  },
  {
    name: 'schedule with neither every nor cron',
    rule: 'SCHEDULE_INVALID_TRIGGER',
    text: json(sched),
  },
  {
    name: 'schedule every 0s',
    rule: 'SCHEDULE_INVALID_EVERY',
    text: json({ ...sched, every: '0s' }),
  },
  {
    name: 'schedule every 367 days',
    rule: 'SCHEDULE_INVALID_EVERY',
    text: json({ ...sched, every: '367d' }),
  },
  {
    name: 'schedule every 1.5 s',
    rule: 'SCHEDULE_INVALID_EVERY',
    text: json({ ...sched, every: 1.5 }),
  },
  {
    name: 'schedule cron of 61 minutes',
    rule: 'SCHEDULE_INVALID_CRON',
    text: json({ ...sched, cron: '61 * * * *' }),
  },
  {
    name: 'schedule cron of February 30',
    rule: 'SCHEDULE_INVALID_CRON',
    text: json({ ...sched, cron: '0 0 30 2 *' }),
  },
  {
    name: 'schedule max_days without since_last_run',
    rule: 'SCHEDULE_INVALID_DAYS',
    text: json({ ...sched, every: '1h', days: 2, max_days: 3 }),
  },
  {
    name: 'schedule of 366 days and today',
    rule: 'SCHEDULE_INVALID_DAYS',
    text: json({ ...sched, every: '1h', days: 366, options: { include_today: true } }),
  },
];

export const COMMAND_CORPUS: readonly CorpusCase[] = [
  ...accepted(),
  ...legacy,
  ...rejected,
  ...rejectedInEveryMode(),
  ...edges,
  ...chatCommands,
  ...scheduleCommands,
  ...UNSTATABLE,
];
