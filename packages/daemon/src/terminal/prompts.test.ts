import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { terminalPrompts } from './prompts.js';

function setUp() {
  const input = new PassThrough();
  let out = '';
  const prompts = terminalPrompts(input, { write: (t: string) => (out += t) }, () => {});
  return { input, prompts, out: () => out };
}

describe('terminalPrompts on a pipe', () => {
  it('reads one answer per line, in order, even when they arrive together', async () => {
    const { input, prompts, out } = setUp();
    input.write('+15550001\n12345\n');
    expect(await prompts.ask('Phone: ')).toBe('+15550001');
    expect(await prompts.ask('Code: ')).toBe('12345');
    expect(out()).toBe('Phone: Code: ');
    prompts.close();
  });

  it('names a closed input as the reason', async () => {
    const { input, prompts } = setUp();
    input.end();
    await expect(prompts.ask('Code: ')).rejects.toMatchObject({ code: 'INPUT_CLOSED' });
    prompts.close();
  });

  it('draws the QR login link as a QR code, with how to scan it', async () => {
    const { prompts, out } = setUp();
    await prompts.showQr?.('tg://login?token=dG9rZW4', new Date('2025-11-08T12:00:30Z'));
    const lines = out().split('\n');
    // qrcode-terminal's small mode: half blocks, a square of about 15 lines.
    expect(lines.filter((l) => /[▀▄█]/.test(l)).length).toBeGreaterThan(10);
    expect(out()).toMatch(/Scan this in Telegram on a logged-in device/);
    prompts.close();
  });
});
