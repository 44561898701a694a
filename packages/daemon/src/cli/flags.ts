import { SOURCE_SPELLINGS } from '../compose/sources.js';
import { STORE_KINDS, STORES } from '../compose/stores.js';
import type { VariableName } from '../settings/index.js';
import { alternatives } from '../settings/schemas.js';

/**
 * Every flag of the command line, once. A flag is one entry: its commander spelling, what it
 * does, the setting it overrides (help shows that setting's name and default, read from its
 * settings group), and the commands that take it. The parser, each command's help,
 * shell completion and the daemon README's command reference are all built from this table.
 */
export interface FlagSpec {
  /** Commander spelling: `-c, --chat <chat>` takes a value, `--force` is a switch. */
  readonly flags: string;
  readonly help: string;
  /** The setting this flag overrides: help shows `env: NAME` and its default. */
  readonly env?: VariableName;
  /**
   * The flag goes into the command (`options.tz`), which wins over `env`: the setting stands
   * in when the flag is not given, and is not overridden by it.
   */
  readonly intoCommand?: true;
  /** The default when it is not a setting's. */
  readonly default?: string;
  /** The only values accepted (checked by the parser, offered by completion). */
  readonly choices?: readonly string[];
  readonly commands: readonly CommandName[];
}

export const COMMAND_NAMES = [
  'fetch',
  'send',
  'listen',
  'daemon',
  'follow',
  'console',
  'login',
  'chats',
  'resolve',
  'migrate',
  'persist',
  'schedule',
  'version',
] as const;
export type CommandName = (typeof COMMAND_NAMES)[number];

/** The commands that build a fetch command from flags (the same wire shape as Redis). */
const SHAPES = ['fetch', 'send'] as const;
/** Those, and `schedule`, whose ticks push fetch commands shaped by the same options. */
const FETCH_OPTIONS = [...SHAPES, 'schedule'] as const;
/** The commands that read configuration from the environment and `.env`: all but `version`. */
const CONFIGURED = COMMAND_NAMES.filter(
  (name): name is Exclude<CommandName, 'version'> => name !== 'version',
);

export const FLAGS = {
  chat: {
    flags: '-c, --chat <chat>',
    help: 'the chat: @name, name, https://t.me/name or a numeric id such as -1001878264527',
    commands: SHAPES,
  },
  date: { flags: '-d, --date <date>', help: 'one day, YYYY-MM-DD', commands: SHAPES },
  days: {
    flags: '-n, --days <n>',
    help: 'the N most recent complete days before today',
    commands: SHAPES,
  },
  from: { flags: '--from <date>', help: 'first day of a range, YYYY-MM-DD', commands: SHAPES },
  to: { flags: '--to <date>', help: 'last day of a range (inclusive)', commands: SHAPES },
  strategy: {
    flags: '-s, --strategy <strategy>',
    help: 'one walk over the whole range, or one walk per day',
    env: 'FETCH_STRATEGY',
    intoCommand: true,
    choices: ['batch', 'per_day'],
    commands: FETCH_OPTIONS,
  },
  limit: {
    flags: '-l, --limit <n>',
    help: 'at most N messages for the whole command, the most recent first',
    commands: FETCH_OPTIONS,
  },
  tz: {
    flags: '--tz <zone>',
    help: "IANA time zone of the days (a schedule's: also of its --cron)",
    env: 'TGFETCH_TZ',
    intoCommand: true,
    commands: FETCH_OPTIONS,
  },
  force: {
    flags: '-f, --force',
    help: 'fetch days that are already complete again',
    commands: FETCH_OPTIONS,
  },
  'include-today': {
    flags: '--include-today',
    help: 'with --days, also fetch today so far',
    commands: FETCH_OPTIONS,
  },
  comments: {
    flags: '--comments',
    help: "also store the comments of a channel's posts (its linked discussion group)",
    env: 'FETCH_COMMENTS',
    intoCommand: true,
    commands: FETCH_OPTIONS,
  },
  'command-id': {
    flags: '--command-id <id>',
    help: 'the command id carried by its events',
    default: 'a new UUID',
    commands: SHAPES,
  },
  'follow-chat': {
    flags: '-c, --chat <chat...>',
    help: 'a chat to follow: @name, name, https://t.me/name or a numeric id (repeat for more)',
    commands: ['follow'],
  },
  'schedule-chat': {
    flags: '-c, --chat <chat...>',
    help: 'a chat each tick fetches: @name, name, https://t.me/name or a numeric id (repeat for more, up to 100)',
    commands: ['schedule'],
  },
  'schedule-days': {
    flags: '-n, --days <n>',
    help: 'what each tick fetches: the N complete days before its day (1: yesterday), or since_last_run (every day since the previous tick)',
    default: '1',
    commands: ['schedule'],
  },
  'max-days': {
    flags: '--max-days <n>',
    help: 'with --days since_last_run, the most days one tick catches up',
    default: '7',
    commands: ['schedule'],
  },
  every: {
    flags: '--every <duration>',
    help: 'ticks every period: 90s, 15m, 1h30m, 1d (multiples of it since the Unix epoch, UTC)',
    commands: ['schedule'],
  },
  cron: {
    flags: '--cron <pattern>',
    help: "ticks at a cron pattern's times (5 fields, or 6 with seconds first), in --tz, DST-correct",
    commands: ['schedule'],
  },
  paused: {
    flags: '--paused',
    help: 'add it paused: no ticks until `schedule resume`',
    commands: ['schedule'],
  },
  replace: {
    flags: '--replace',
    help: 'replace the schedule of that name (its last run is kept); without it adding another is refused',
    commands: ['schedule'],
  },
  'filter-chat': {
    flags: '-c, --chat <chat>',
    help: 'only events of this chat',
    commands: ['listen'],
  },
  'filter-command-id': {
    flags: '--command-id <id>',
    help: 'only events of this command',
    commands: ['listen'],
  },
  wait: {
    flags: '-w, --wait',
    help: "wait for the command's result; exit 0 completed, 1 failed, 4 still queued at --timeout",
    commands: ['send'],
  },
  timeout: {
    flags: '-t, --timeout <seconds>',
    help: 'with --wait, how long to wait',
    default: '3600',
    commands: ['send'],
  },
  source: {
    flags: '--source <source>',
    help: `where messages come from: ${alternatives(SOURCE_SPELLINGS)}`,
    env: 'TGFETCH_SOURCE',
    commands: ['fetch', 'daemon', 'follow', 'chats', 'resolve'],
  },
  'data-dir': {
    flags: '-o, --data-dir <dir>',
    help: 'where day files go',
    env: 'DATA_DIR',
    commands: ['fetch', 'daemon', 'follow', 'console'],
  },
  store: {
    flags: '--store <store>',
    help: `where days go: ${alternatives(STORE_KINDS.map((kind) => `${kind} (${STORES[kind].help})`))}`,
    env: 'STORE',
    choices: STORE_KINDS,
    commands: ['fetch', 'daemon', 'follow', 'console'],
  },
  'redis-url': {
    flags: '--redis-url <url>',
    help: 'Redis to use (no password here: `ps` would show it; set REDIS_URL or REDIS_PASSWORD)',
    env: 'REDIS_URL',
    default: 'redis://127.0.0.1:6379',
    commands: ['send', 'listen', 'schedule'],
  },
  phone: {
    flags: '--phone <number>',
    help: 'phone number in international format',
    env: 'TELEGRAM_PHONE',
    default: 'asked',
    commands: ['login'],
  },
  qr: {
    flags: '--qr',
    help: 'sign in by scanning a QR code with a logged-in Telegram app instead of a code',
    commands: ['login'],
  },
  json: {
    flags: '-j, --json',
    help: 'print JSON instead of text',
    commands: ['fetch', 'send', 'listen', 'follow', 'chats', 'resolve', 'schedule'],
  },
  'env-file': {
    flags: '-e, --env-file <file>',
    help: 'read settings from this file; the environment still wins',
    default: './.env when present',
    commands: CONFIGURED,
  },
} as const satisfies Record<string, FlagSpec>;

export type FlagName = keyof typeof FLAGS;

type ValueOf<F extends FlagSpec> = F['flags'] extends `${string}...>`
  ? string[]
  : F['flags'] extends `${string}<${string}`
    ? string
    : boolean;

/** The parsed flags of one command, typed from the table. */
export type FlagsOf<C extends CommandName> = {
  -readonly [K in FlagName as C extends (typeof FLAGS)[K]['commands'][number]
    ? K
    : never]?: ValueOf<(typeof FLAGS)[K]>;
};

/**
 * The settings the given flags override, as their entries name them (`--store postgres`:
 * `STORE=postgres`): what a command hands to `settingsFor`.
 */
export function flagSettings(flags: Readonly<Record<string, unknown>>): Record<string, string> {
  const overrides: Record<string, string> = {};
  for (const [name, value] of Object.entries(flags)) {
    const spec: FlagSpec | undefined = (FLAGS as Record<string, FlagSpec>)[name];
    if (spec?.env && !spec.intoCommand && typeof value === 'string') overrides[spec.env] = value;
  }
  return overrides;
}

/** The flags a command takes, in table order. */
export function flagsOf(command: CommandName): FlagName[] {
  return (Object.keys(FLAGS) as FlagName[]).filter((name) =>
    (FLAGS[name].commands as readonly CommandName[]).includes(command),
  );
}
