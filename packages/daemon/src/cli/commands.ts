import { chatsCommand, chatsSettings } from '../commands/chats.js';
import { consoleCommand, consoleSettings } from '../commands/console.js';
import { daemonCommand, daemonSettings } from '../commands/daemon.js';
import { fetchCommand, fetchSettings } from '../commands/fetch.js';
import { followCommand, followSettings } from '../commands/follow.js';
import { listenCommand, listenSettings } from '../commands/listen.js';
import { loginCommand, loginSettings } from '../commands/login.js';
import { migrateCommand, migrateSettings } from '../commands/migrate.js';
import { persistCommand, persistSettings } from '../commands/persist.js';
import { resolveCommand, resolveSettings } from '../commands/resolve.js';
import { scheduleCommand, scheduleSettings } from '../commands/schedule.js';
import { sendCommand, sendSettings } from '../commands/send.js';
import { VERSION } from '../process/version.js';
import type { AnyGroup } from '../settings/group.js';
import type { CliContext } from './context.js';
import { EXIT } from './exit-codes.js';
import type { CommandName, FlagsOf } from './flags.js';

/**
 * Every command, once: what help says about it, its positional argument, examples, the
 * settings groups it reads, and the function that runs it. Its flags are those of `FLAGS`
 * that name it.
 */
export interface CommandSpec<C extends CommandName> {
  readonly summary: string;
  readonly description: string;
  /** Its positional arguments in commander's spelling (`<chat>`, `[name]`), and what each is. */
  readonly arguments?: ReadonlyArray<readonly [spelling: string, help: string]>;
  readonly examples: readonly string[];
  /**
   * The settings groups it reads (and checks); what a chosen source or store reads comes
   * with them.
   */
  readonly settings: readonly AnyGroup[];
  readonly run: (flags: FlagsOf<C>, ctx: CliContext, args: string[]) => Promise<number>;
}

export const COMMANDS: { readonly [C in CommandName]: CommandSpec<C> } = {
  fetch: {
    summary: 'one fetch now into the data directory (no Redis needed)',
    description:
      'Fetches the days of one chat now, one file per day, and prints a summary. Days already complete are skipped (unless --force); an interrupted run keeps every day it finished.',
    examples: [
      'tgfetch fetch --chat @ru_python --days 3',
      'tgfetch fetch -c -1001878264527 --from 2025-11-01 --to 2025-11-07 --limit 5000',
      'tgfetch fetch --source export:./ChatExport/result.json --chat @ru_python --from 2021-01-01 --to 2021-12-31',
      'tgfetch fetch --source simulated --chat demo --days 3',
    ],
    settings: fetchSettings,
    run: fetchCommand,
  },
  send: {
    summary: 'push a fetch command onto the Redis queue for a daemon',
    description:
      'Pushes a fetch command onto the queue and prints its command id. With --wait, prints its progress and waits for its result.',
    examples: [
      'tgfetch send --chat @ru_python --days 3',
      'tgfetch send -c @ru_python --date 2025-11-07 --wait --timeout 600',
    ],
    settings: sendSettings,
    run: sendCommand,
  },
  listen: {
    summary: 'print the events of the daemons until interrupted',
    description:
      "Prints one line per event until Ctrl-C (its JSON with --json): a command's started, progress, completed and failed, and a followed chat's message, message_edited and message_deleted. An event of a kind this version does not know (a newer daemon's) is printed too, by the fields it has.",
    examples: ['tgfetch listen', 'tgfetch listen --chat @ru_python --json'],
    settings: listenSettings,
    run: listenCommand,
  },
  daemon: {
    summary: 'take commands from Redis and run them',
    description:
      'Runs commands from the Redis queue, writes days into the data directory and publishes events. The first Ctrl-C or SIGTERM stops it cleanly within SHUTDOWN_GRACE_MS; logs are human-readable on a terminal (or with LOG_FORMAT=pretty), JSON otherwise.',
    examples: ['tgfetch daemon', 'LOG_FORMAT=json tgfetch daemon --env-file prod.env'],
    settings: daemonSettings,
    run: daemonCommand,
  },
  follow: {
    summary: 'follow chats live: store and print every new message, edit and deletion',
    description:
      'Stores every new message, edit and deletion of the chats as it happens (edits merged into their day, deletions kept as tombstones with deleted_at) and prints one line each (JSON with --json) until Ctrl-C. Catches up on what happened while it was not running, from where it stopped (kept in <DATA_DIR>/.resume). For a daemon, use FOLLOW_CHATS or the follow command on the queue.',
    examples: [
      'tgfetch follow --source simulated --chat demo_chat',
      'tgfetch follow --chat @ru_python --chat @durov --json',
    ],
    settings: followSettings,
    run: followCommand,
  },
  console: {
    summary: 'serve the console in the browser: queue, workers, coverage, messages, search',
    description:
      'Serves the console on CONSOLE_HOST:CONSOLE_PORT (loopback, 8790 by default) until Ctrl-C: commands waiting and held, dead letters (retry, discard), workers, live events, a form that sends a fetch (with Redis), and every stored chat with its calendar, its days as people read them, and search. CONSOLE_TOKEN is asked for anything that changes state, and for everything when bound beyond loopback.',
    examples: [
      'tgfetch console',
      'CONSOLE_TOKEN=$(cat token) CONSOLE_HOST=0.0.0.0 tgfetch console',
    ],
    settings: consoleSettings,
    run: consoleCommand,
  },
  login: {
    summary: 'sign in to Telegram and print the TELEGRAM_SESSION string',
    description:
      'Asks for the phone number, the code Telegram sends (3 tries) and the two-step password (not echoed), or with --qr shows a QR code to scan in a logged-in Telegram app, then prints the session string on stdout (prompts go to stderr). Prints nothing on stdout and exits non-zero when no session was made.',
    examples: [
      'tgfetch login',
      'tgfetch login --phone +15551234567 > session.txt',
      'tgfetch login --qr',
    ],
    settings: loginSettings,
    run: loginCommand,
  },
  chats: {
    summary: "list the account's chats, or the chats of a Desktop export, with the --chat to use",
    description:
      "Lists the account's dialogs (id, username, title, kind), or with --source export:<result.json> the chats of that export with their days, each with the exact --chat value to fetch it.",
    examples: [
      'tgfetch chats',
      'tgfetch chats --json',
      'tgfetch chats --source export:./ChatExport/result.json',
    ],
    settings: chatsSettings,
    run: chatsCommand,
  },
  resolve: {
    summary: 'show what a name, link or id resolves to',
    description:
      'Resolves a chat the way fetch does and prints its canonical name, id, title and kind.',
    arguments: [['<chat>', '@name, name, https://t.me/name or a numeric id']],
    examples: ['tgfetch resolve https://t.me/ru_python', 'tgfetch resolve -1001878264527 --json'],
    settings: resolveSettings,
    run: resolveCommand,
  },
  migrate: {
    summary: 'bring the PostgreSQL schema up to date (STORE=postgres, tgfetch persist)',
    description:
      'Brings the PostgreSQL schema (DATABASE_SCHEMA) of DATABASE_URL (or the PG* variables) to the latest version. Daemons and persist workers also do it when they start; this is for deployments that migrate before rolling out.',
    examples: ['tgfetch migrate', 'DATABASE_URL=postgres://tgfetch@db/tgfetch tgfetch migrate'],
    settings: migrateSettings,
    run: migrateCommand,
  },
  persist: {
    summary: 'move messages from MESSAGES_STREAM into PostgreSQL (consumer group)',
    description:
      'Moves messages from the Redis stream MESSAGES_STREAM (appended by daemons after each stored day) into PostgreSQL with the consumer group PERSIST_GROUP: batches of PERSIST_BATCH_SIZE, idempotent upserts, XACK after commit, dead letters in <MESSAGES_STREAM>:dead. The first Ctrl-C or SIGTERM finishes the batch in hand within SHUTDOWN_GRACE_MS.',
    examples: ['MESSAGES_STREAM=tg_messages tgfetch persist'],
    settings: persistSettings,
    run: persistCommand,
  },
  schedule: {
    summary: 'keep chats current: add, list, show, pause, resume or remove schedules in Redis',
    description:
      'Manages the schedules in Redis. At each tick of a schedule (--every a period, or --cron a pattern in --tz) a running daemon pushes one fetch command per chat onto the queue (SCHEDULE_QUEUE, else QUEUE_NAME), each tick exactly once across every daemon; ticks missed while no daemon ran are run once. `list` shows each schedule with its next run, its last run and how that run went (from its commands’ events). Daemons take the same changes from the queue as {"command":"schedule",…}.',
    arguments: [
      ['<action>', 'add, list, show, pause, resume or remove'],
      ['[name]', 'the schedule (1-64 letters, digits, _ . -); every action but list names one'],
    ],
    examples: [
      'tgfetch schedule add news --chat @ru_python --chat @durov --cron "0 6 * * *" --tz Europe/Berlin',
      'tgfetch schedule add recent --chat @ru_python --every 1h --days since_last_run',
      'tgfetch schedule list',
      'tgfetch schedule show news --json',
      'tgfetch schedule pause news',
    ],
    settings: scheduleSettings,
    run: scheduleCommand,
  },
  version: {
    summary: 'print the version',
    description: "Prints the package's version (also --version, -V).",
    examples: ['tgfetch version'],
    settings: [],
    run: async (_flags, ctx) => {
      ctx.stdout.write(`${VERSION}\n`);
      return EXIT.ok;
    },
  },
};
