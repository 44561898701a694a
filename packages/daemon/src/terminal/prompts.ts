import { errorBuilder } from '@tgfetch/core';
// Types only: gramjs is loaded by `login` alone, never at the start of every command.
import type { LoginPrompts } from '@tgfetch/telegram';
import { LoginErrorCode, TELEGRAM_ERROR_CODES } from '@tgfetch/telegram/errors';

const loginError = errorBuilder(TELEGRAM_ERROR_CODES);

export interface TerminalPrompts extends LoginPrompts {
  /**
   * Draws the link as a QR code once the drawing library is loaded (the login flow does not
   * wait: it waits seconds for the scan anyway); never rejects, the link is printed instead.
   */
  showQr(url: string, expires: Date): Promise<void>;
  close(): void;
}

interface Input extends NodeJS.ReadableStream {
  isTTY?: boolean;
  setRawMode?(raw: boolean): unknown;
  /** A socket's (a pipe's, a terminal's): whether it keeps the process alive. */
  ref?(): unknown;
  unref?(): unknown;
}

/**
 * Login prompts on a terminal or a pipe. Questions and notices go to `output` (stderr), so
 * stdout carries the session alone. Lines are read from `input` as they come; a secret is
 * read with the terminal's echo off (raw mode: Ctrl-C interrupts, Ctrl-D ends the input).
 * Input that ends before an answer is named as the reason (`INPUT_CLOSED`). Once closed,
 * the input no longer keeps the process alive: Node goes on reading a pipe or a terminal
 * it has read from, paused or not, so a login would otherwise end only when its stdin does.
 */
export function terminalPrompts(
  input: Input,
  output: { write(text: string): unknown },
  onInterrupt: () => void,
): TerminalPrompts {
  let buffered = '';
  let ended = false;
  let waiting:
    | { resolve: (line: string) => void; reject: (e: Error) => void; secret: boolean }
    | undefined;

  const settle = () => {
    if (!waiting) return;
    const secret = waiting.secret && input.isTTY === true;
    if (secret) {
      for (const [i, ch] of [...buffered].entries()) {
        if (ch === '\u0003') return interrupt();
        if (ch === '\u0004' && i === 0) return end();
      }
      // Backspace (DEL) erases the character before it.
      while (buffered.includes('\u007f')) buffered = buffered.replace(/[^\r\n]?\u007f/, '');
    }
    const newline = buffered.search(/\r?\n|\r/);
    if (newline >= 0) {
      const line = buffered.slice(0, newline);
      buffered = buffered.slice(newline).replace(/^\r?\n|^\r/, '');
      const w = waiting;
      waiting = undefined;
      if (secret) {
        input.setRawMode?.(false);
        output.write('\n');
      }
      input.pause();
      w.resolve(line);
    } else if (ended) end();
  };
  const end = () => {
    const w = waiting;
    waiting = undefined;
    if (w?.secret && input.isTTY) input.setRawMode?.(false);
    w?.reject(
      loginError(
        LoginErrorCode.INPUT_CLOSED,
        'Standard input closed before an answer was given: run `tgfetch login` in a terminal, or pipe every answer on its own line',
      ),
    );
  };
  const interrupt = () => {
    if (waiting?.secret && input.isTTY) input.setRawMode?.(false);
    output.write('\n');
    onInterrupt();
  };
  const onData = (chunk: Buffer | string) => {
    buffered += chunk.toString();
    settle();
  };
  const onEnd = () => {
    ended = true;
    settle();
  };
  input.on('data', onData);
  input.on('end', onEnd);
  input.pause();

  return {
    ask(question, options) {
      output.write(question);
      return new Promise((resolve, reject) => {
        waiting = { resolve, reject, secret: options?.secret === true };
        if (waiting.secret && input.isTTY) input.setRawMode?.(true);
        // An earlier `close()` on the same input let go of it: a question holds the process.
        input.ref?.();
        input.resume();
        settle();
      });
    },
    notice: (text) => output.write(`${text}\n`),
    async showQr(url, expires) {
      // Loaded here, not with the command line: only a QR login draws, and every other
      // command (the daemon too) would load it at start.
      try {
        const { default: qrcode } = await import('qrcode-terminal');
        qrcode.generate(url, { small: true }, (drawn) => output.write(`${drawn}\n`));
      } catch {
        output.write(`${url}\n`);
      }
      output.write(
        `Scan this in Telegram on a logged-in device (Settings > Devices > Link Desktop Device), before ${expires.toLocaleTimeString()}.\n`,
      );
    },
    close() {
      if (input.isTTY) input.setRawMode?.(false);
      input.off('data', onData);
      input.off('end', onEnd);
      input.pause();
      input.unref?.();
    },
  };
}
