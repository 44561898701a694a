// Hostile commands. Each generator returns `{ kind, payload: string | Buffer, id? }`: `id`
// is set when the payload carries a command_id the daemon should echo (valid JSON, under
// 64 KiB, id of 1-128 chars); `mayComplete` marks the few whose chat may legitimately turn
// out to be a safe, real chat (path tricks that normalise to a username).
const DEEP = 3_000;

const PATH_TRICKS = [
  '..',
  '../..',
  '../../etc/passwd',
  '@../x',
  './x',
  'a/b',
  'a\\b',
  '/etc',
  '%2e%2e%2f',
  '..%2f..%2f',
  'https://t.me/../../x',
  'https://evil.example/x',
  'chat\u0000name',
  'CON',
  'nul',
  'ru_python/../../x',
  '@',
  '',
  ' ',
  '-100',
  '-100abc',
  '999999999999999999999999',
  '1e5',
  '0x10',
  'ｒｕ＿ｐｙｔｈｏｎ',
  'ru\u200bpython',
  '.hidden',
  '~',
  '$HOME',
  '@@x',
  'x'.repeat(300),
  't.me/+invitehash',
  'https://t.me/joinchat/abc',
  '\\\\server\\share',
  'C:\\Windows',
  'a'.repeat(65),
  '@ru_python\n../x',
  '\ud800',
  'emoji🎉chat',
  '<script>',
  'https://t.me/s/../../x',
  'tg://resolve?domain=x',
  'file:///etc/passwd',
  '.',
  '@.',
];

const WRONG = {
  command: ['fetchx', 1, null, [], {}, 'FETCH', ''],
  mode: ['weird', 5, null, [], 'DATE', ''],
  date: ['2025-13-45', 'yesterday', 20251107, '2999-01-01', '', '2025-02-30', null, '0000-00-00'],
  days: [-1, 0, 1.5, '3', 1e9, null, [], 'all', -0.5, 3661],
  from: ['2025-99-01', 7, null, '2999-12-31'],
  strategy: ['fast', 1, null, ['batch']],
  limit: [-5, 'ten', 1.5, 1e12, {}, true],
  options: ['x', 5, [], { tz: 'Mars/Base' }, { force: 'yes' }, { include_today: 3 }],
  requested_by: [{ nested: true }, 12, []],
  timestamp: [{}, []],
};

export function createFuzzer(rng, { today }) {
  let n = 0;
  const nextId = () => `fuzz-${++n}`;
  const base = (id) => ({
    command: 'fetch',
    command_id: id,
    chat: '@chaos_fuzz',
    mode: 'date',
    date: today,
  });
  const randomString = (len) =>
    Array.from({ length: len }, () => String.fromCharCode(rng.int(1, 0xd7ff))).join('');
  const randomJson = (depth = 0) => {
    const roll = rng.next();
    if (depth > 3 || roll < 0.3)
      return rng.pick([
        null,
        true,
        false,
        rng.int(-1e9, 1e9),
        rng.next(),
        randomString(rng.int(0, 20)),
      ]);
    if (roll < 0.6) return Array.from({ length: rng.int(0, 4) }, () => randomJson(depth + 1));
    return Object.fromEntries(
      Array.from({ length: rng.int(0, 5) }, () => [
        rng.pick(['command', 'chat', 'mode', 'x', randomString(5), '__proto__', 'days']),
        randomJson(depth + 1),
      ]),
    );
  };

  const kinds = {
    'random-json': () => ({ payload: JSON.stringify(randomJson()) ?? 'null' }),
    'wrong-types': () => {
      const id = nextId();
      const command = base(id);
      if (rng.chance(0.5)) Object.assign(command, { mode: 'days', days: 2, date: undefined });
      // Always one field certainly wrong, sometimes more.
      const fields = Object.keys(WRONG);
      const sure = rng.pick(['command', 'mode', 'date', 'days', 'strategy', 'limit', 'options']);
      const picked = new Set([sure]);
      for (let i = rng.int(0, 2); i > 0; i--) picked.add(rng.pick(fields));
      for (const field of picked) {
        if (field === 'days') command.mode = 'days';
        if (field === 'date') command.mode = 'date';
        if (field === 'from') Object.assign(command, { mode: 'range', to: today });
        command[field] = rng.pick(WRONG[field]);
      }
      if (command.mode === 'date' && command.date === undefined)
        command.date = rng.pick(WRONG.date);
      return { payload: JSON.stringify(command), id };
    },
    huge: () => {
      const id = nextId();
      const size = rng.int(65 * 1024, 200 * 1024);
      const where = rng.pick(['chat', 'junk', 'command_id', 'requested_by']);
      const command = { ...base(id), [where]: 'a'.repeat(size) };
      return { payload: JSON.stringify(command), id: undefined, echoes: id };
    },
    'deep-nesting': () => {
      const id = nextId();
      const depth = rng.int(500, DEEP);
      const nested = rng.chance(0.5)
        ? `${'['.repeat(depth)}1${']'.repeat(depth)}`
        : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
      if (rng.chance(0.2)) return { payload: nested };
      const field = rng.pick(['options', 'requested_by', 'chat', 'mode', 'limit', 'days']);
      // The nesting is not the only fault: a deep but ignorable value must not make it valid.
      const command = {
        ...base(id),
        [field]: '__DEEP__',
        ...(field === 'mode' ? {} : { mode: 'deep' }),
      };
      return { payload: JSON.stringify(command).replace('"__DEEP__"', nested), id };
    },
    'path-trick': () => {
      const id = nextId();
      const chat = rng.pick(PATH_TRICKS);
      return { payload: JSON.stringify({ ...base(id), chat }), id, mayComplete: true };
    },
    'invalid-utf8': () => {
      const id = nextId();
      const bad = rng.pick([
        [0xff, 0xfe],
        [0xc0, 0xaf],
        [0x80],
        [0xe2, 0x82],
        [0xed, 0xa0, 0x80],
        [0xf8, 0x88, 0x80, 0x80, 0x80],
      ]);
      const field = rng.pick(['chat', 'mode', 'date', 'command']);
      const text = JSON.stringify({ ...base(id), [field]: '\u0001MARK\u0001' });
      const [before, after] = text.split('\\u0001MARK\\u0001');
      const payload = Buffer.concat([
        Buffer.from(before),
        Buffer.from('ok'),
        Buffer.from(bad),
        Buffer.from(after),
      ]);
      return { payload, id };
    },
    binary: () => {
      const length = rng.int(0, 300);
      const bytes = Buffer.from(Array.from({ length }, () => rng.int(0, 255)));
      return { payload: bytes };
    },
    'not-json': () => ({
      payload: rng.pick([
        '',
        ' ',
        '{',
        '{"command":',
        'null',
        'true',
        '[]',
        '"fetch"',
        'NaN',
        'undefined',
        '<fetch/>',
        '\u0000'.repeat(10),
        '{"command":"fetch"',
        "{'command':'fetch'}",
        '1e999',
        '{"a":1}{"b":2}',
        JSON.stringify(base('x')).slice(0, -1),
        '\ufeff{}',
        '-',
        '[[[[',
      ]),
    }),
    'proto-pollution': () => {
      const id = nextId();
      const payload = rng.pick([
        `{"__proto__":{"polluted":1},"command":"fetch","command_id":"${id}","chat":"@chaos_fuzz","mode":"nope"}`,
        `{"constructor":{"prototype":{"polluted":1}},"command":"fetch","command_id":"${id}","mode":"x"}`,
        `{"command":"fetch","command_id":"${id}","chat":"@chaos_fuzz","mode":"date","date":"${today}","options":{"__proto__":{"force":true},"tz":"Nowhere/City"}}`,
      ]);
      return { payload, id };
    },
    'bad-id': () => {
      const id = rng.pick(['', 'x'.repeat(129), 42, null, ['a'], { id: 1 }]);
      return { payload: JSON.stringify({ ...base('x'), command_id: id, mode: 'bogus' }) };
    },
  };
  const weights = [
    ['random-json', 15],
    ['wrong-types', 25],
    ['huge', 3],
    ['deep-nesting', 5],
    ['path-trick', 12],
    ['invalid-utf8', 12],
    ['binary', 10],
    ['not-json', 8],
    ['proto-pollution', 4],
    ['bad-id', 6],
  ];
  const total = weights.reduce((s, [, w]) => s + w, 0);
  return () => {
    let roll = rng.next() * total;
    for (const [kind, weight] of weights) {
      roll -= weight;
      if (roll < 0) return { kind, ...kinds[kind]() };
    }
    return { kind: 'binary', ...kinds.binary() };
  };
}
