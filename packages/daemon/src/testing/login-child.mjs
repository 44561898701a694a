/**
 * `main(['login'])` of the built package in a process of its own, for
 * login-exit.e2e.test.ts: plain `node` on `dist/` (the root `pnpm test` builds first;
 * qrcode-terminal does not bundle), no bin, so no forced exit. Every gramjs client of the
 * process talks to a scripted Telegram that accepts the code 12345; the answers come on stdin, which the
 * parent keeps open, as a terminal or a pipe stays open after the command. With
 * `after-ping`, Telegram answers the code only after gramjs' first keep-alive ping (9 s
 * after connecting, as in any login where typing the code takes longer). Prints
 * `resolved <exit code>` once `main` resolved; the process must then end by itself.
 */
import { loginScript, scriptEveryClient } from '@tgfetch/telegram/testing';
import { main } from '../../dist/index.js';

const afterPing = process.argv.includes('after-ping');
let pinged = () => {};
const firstPing = new Promise((resolve) => {
  pinged = resolve;
});

scriptEveryClient(
  loginScript({
    code: '12345',
    beforeAnswer: (request) =>
      afterPing && request.className === 'auth.SignIn' ? firstPing : undefined,
  }),
  {
    onSend: (request) => {
      if (request.className === 'PingDelayDisconnect') pinged();
    },
  },
);

const code = await main(['login', '--phone', '+15550001']);
process.stdout.write(`resolved ${code}\n`);
