// The checker: the history of events against what was pushed, the data directory against
// the simulated Telegram's truth, and Redis against "nothing left behind".
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { loadCore, loadSimulatedTelegram } from './env.mjs';
import { canonical, noteInto } from './util.mjs';

const DAY_FILE = /^discussions_(\d{4}-\d{2}-\d{2})\.json$/;
const TEMP_FILE = /^\..+\.tmp$/;

/**
 * Per pushed command: its final events. One is the rule; none is a lost command; more than
 * one is a redelivery (a worker died between publishing the outcome and acking it, or the
 * outcome was published but the ack was cut), allowed only where the scenario kills things.
 * `expect(command, finals)` returns a complaint about an outcome the scenario forbids.
 */
export function checkCommands(recorder, pushed, { allowRedelivery, expect } = {}) {
  const result = {
    pushed: pushed.length,
    completed: 0,
    failed: 0,
    dead: 0,
    lost: 0,
    redelivered: 0,
    redeliveredIds: [],
    codes: {},
    violations: [],
  };
  for (const command of pushed) {
    const finals = recorder.finals(command.id);
    if (finals.length === 0) {
      result.lost++;
      if (result.violations.length < 20)
        result.violations.push(`lost: ${command.id} has no final event`);
      continue;
    }
    const first = finals[0];
    if (first.event === 'completed') result.completed++;
    else {
      result.failed++;
      const code = first.error?.code ?? '(no code)';
      result.codes[code] = (result.codes[code] ?? 0) + 1;
      if (code === 'POISON_COMMAND') result.dead++;
      if (typeof first.error?.code !== 'string' || typeof first.error?.message !== 'string')
        result.violations.push(`failed without a code and reason: ${command.id}`);
    }
    if (finals.length > 1) {
      result.redelivered++;
      result.redeliveredIds.push(command.id);
      if (!allowRedelivery)
        result.violations.push(
          `${command.id} ended ${finals.length} times (${finals.map((f) => f.event).join(', ')}) with nothing killed`,
        );
    }
    const complaint = expect?.(command, finals);
    if (complaint) result.violations.push(`${command.id}: ${complaint}`);
  }
  return result;
}

/**
 * Every day file parses, holds each message id once, sorted, and exactly the messages the
 * source has for that day's window in the zone the file names (all days fetched are over,
 * so each must be whole); all day files of a chat are of one zone. The source of a chat
 * folder is the simulated chat of that name, or `sources[folder](from, to)` (an import).
 */
export async function checkDataDir(dataDir, simOptions, chatNames = [], { sources = {} } = {}) {
  const createSimulatedTelegram = await loadSimulatedTelegram();
  const { addDays, startOfDay } = await loadCore();
  const truth = createSimulatedTelegram({ ...simOptions, faults: undefined, rateLimit: undefined });
  // A chat's folder is its canonical identity, the marked id; the commands named it by username.
  const byFolder = new Map();
  for (const name of chatNames) {
    const chat = truth.chat(name);
    byFolder.set(chat.markedId, chat);
  }
  const out = {
    files: 0,
    messages: 0,
    broken: 0,
    duplicates: 0,
    mismatched: 0,
    temps: 0,
    problems: [],
  };
  const note = noteInto(out.problems);
  let chats = [];
  try {
    chats = await readdir(dataDir, { withFileTypes: true });
  } catch {
    return out;
  }
  for (const chatEntry of chats) {
    if (!chatEntry.isDirectory() || chatEntry.name.startsWith('.')) continue;
    const chatDir = path.join(dataDir, chatEntry.name);
    const chat = byFolder.get(chatEntry.name);
    const source = sources[chatEntry.name];
    if (!chat && !source) {
      note(`a folder of no chat asked for: ${chatEntry.name}`);
      continue;
    }
    const messagesOf =
      source ??
      (async (from, to) =>
        chat.messages({ from, to }).map((m) => ({ ...m, chat: chatEntry.name })));
    const zones = new Set();
    for (const entry of await readdir(chatDir, { withFileTypes: true })) {
      const file = path.join(chatDir, entry.name);
      if (entry.isFile() && entry.name === 'progress.json') {
        if (!(await parses(file))) {
          out.broken++;
          note(`progress file does not parse: ${file}`);
        }
        continue;
      }
      if (!entry.isDirectory() || !/^\d{4}$/.test(entry.name)) continue;
      for (const name of await readdir(file)) {
        const dayFile = path.join(file, name);
        if (TEMP_FILE.test(name)) {
          out.temps++;
          continue;
        }
        const match = DAY_FILE.exec(name);
        if (!match) continue;
        out.files++;
        const doc = await parses(dayFile);
        if (!doc || !Array.isArray(doc.messages)) {
          out.broken++;
          note(`day file does not parse: ${dayFile}`);
          continue;
        }
        const ids = doc.messages.map((m) => m.id);
        const unique = new Set(ids);
        if (unique.size !== ids.length) {
          out.duplicates += ids.length - unique.size;
          note(`${dayFile}: ${ids.length - unique.size} message ids appear twice`);
        }
        if (ids.some((id, i) => i > 0 && id <= ids[i - 1])) note(`${dayFile}: ids not sorted`);
        zones.add(doc.time_zone);
        const from = startOfDay(match[1], doc.time_zone);
        const to = startOfDay(addDays(match[1], 1), doc.time_zone);
        const expected = await messagesOf(from, to);
        out.messages += doc.messages.length;
        if (!sameMessages(doc.messages, expected)) {
          out.mismatched++;
          note(
            `${dayFile}: ${doc.messages.length} messages stored, the source holds ${expected.length} in its ${doc.time_zone} window`,
          );
        }
      }
    }
    if (zones.size > 1) {
      out.mismatched++;
      note(`${chatDir}: day files of several zones (${[...zones].join(', ')})`);
    }
  }
  return out;
}

/**
 * Nothing reported complete is missing: every day a final event listed as complete
 * (stored or skipped) is, at the end, a file at its `file_path` that parses and says
 * `complete`. Returns the complaints.
 */
export async function checkReportedDays(recorder, pushed) {
  const problems = [];
  for (const { id } of pushed) {
    for (const final of recorder.finals(id)) {
      for (const day of final.days ?? []) {
        if (!day.complete) continue;
        const doc = await parses(day.file_path);
        if (!doc?.complete) {
          problems.push(`${id}: ${day.date} was reported complete, ${day.file_path} is not`);
        }
      }
    }
  }
  return problems;
}

/** What Redis still holds of the queue once everything was drained and stopped. */
export async function checkQueue(admin, queue = 'chaos:commands') {
  const processingKeys = await admin.keys(`${queue}:processing:*`);
  let processing = 0;
  for (const key of processingKeys) processing += await admin.lLen(key);
  return {
    queued: await admin.lLen(queue),
    processing,
    deliveries: await admin.hLen(`${queue}:deliveries`),
    dead: await admin.lLen(`${queue}:dead`),
  };
}

async function parses(file) {
  try {
    return JSON.parse(await readFile(file, 'utf8'));
  } catch {
    return undefined;
  }
}

function sameMessages(stored, expected) {
  if (stored.length !== expected.length) return false;
  for (let i = 0; i < stored.length; i++) {
    if (canonical(stored[i]) !== canonical(expected[i])) return false;
  }
  return true;
}
