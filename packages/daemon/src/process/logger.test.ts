import { describe, expect, it } from 'vitest';
import { createLogger } from './logger.js';

const SESSION = '1BVtsOKABu0-session-secret';
const HASH = '0123456789abcdef0123456789abcdef';
const PASSWORD = 'p"a\\ss wörd';

function capture(level = 'info') {
  const lines: string[] = [];
  const logger = createLogger({
    level,
    secrets: [SESSION, HASH, PASSWORD, undefined, 'ab'],
    destination: { write: (line: string) => lines.push(line) },
  });
  return {
    logger,
    lines,
    parsed: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

describe('createLogger', () => {
  it('writes JSON lines with a level label, time and the given fields', () => {
    const { logger, parsed } = capture();
    logger.info({ command_id: 'c1', chat: '@x', duration_ms: 12 }, 'command completed');
    const [line] = parsed();
    expect(line).toMatchObject({
      level: 'info',
      msg: 'command completed',
      command_id: 'c1',
      chat: '@x',
      duration_ms: 12,
    });
    expect(new Date(String(line?.time)).toISOString()).toBe(line?.time);
  });

  it('drops lines below the level', () => {
    const { logger, lines } = capture('warn');
    logger.info('hidden');
    logger.warn('shown');
    expect(lines).toHaveLength(1);
  });

  it('redacts secret fields by path', () => {
    const { logger, parsed } = capture();
    logger.info(
      {
        session: 'anything',
        config: { TELEGRAM_API_HASH: 'x', REDIS_PASSWORD: 'y' },
        nested: { password: 'z' },
      },
      'paths',
    );
    expect(parsed()[0]).toMatchObject({
      session: '[redacted]',
      config: { TELEGRAM_API_HASH: '[redacted]', REDIS_PASSWORD: '[redacted]' },
      nested: { password: '[redacted]' },
    });
  });

  it('scrubs secret values anywhere in a line, even inside messages and in escaped forms', () => {
    const { logger, lines } = capture();
    logger.error({ err: `AUTH failed for session ${SESSION}` }, `hash=${HASH}`);
    logger.warn({ url: `redis://:${encodeURIComponent(PASSWORD)}@h:6379` }, `password ${PASSWORD}`);
    const all = lines.join('');
    expect(all).not.toContain(SESSION);
    expect(all).not.toContain(HASH);
    expect(all).not.toContain(JSON.stringify(PASSWORD).slice(1, -1));
    expect(all).not.toContain(encodeURIComponent(PASSWORD));
    expect(lines.map((l) => JSON.parse(l).msg)).toEqual(['hash=[redacted]', 'password [redacted]']);
  });

  it('leaves secrets too short to be told from ordinary text alone', () => {
    const { logger, parsed } = capture();
    logger.info('about cabbage');
    expect(parsed()[0]?.msg).toBe('about cabbage');
  });
});

describe('pretty logs', () => {
  it('one readable line per entry: time, level, message, fields; secrets still scrubbed', () => {
    const lines: string[] = [];
    const logger = createLogger({
      level: 'info',
      secrets: [SESSION],
      destination: { write: (line: string) => lines.push(line) },
      format: 'pretty',
    });
    logger.info({ worker_id: 'w1', err: `bad ${SESSION}`, n: 3 }, 'ready');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^\d{2}:\d{2}:\d{2}\.\d{3} INFO {2}ready worker_id=w1 err="bad \[redacted\]" n=3\n$/,
    );
    expect(lines[0]).not.toContain(SESSION);
  });
});
