import { parseProxy } from '@tgfetch/telegram/proxy';
import * as v from 'valibot';
import { defineGroup, setting } from './group.js';
import { int } from './schemas.js';

/** The connection to Telegram, as `login` and the telegram source open it. */
export const telegramGroup = defineGroup({
  name: 'telegram',
  title: 'Telegram connection',
  summary: 'How the connection to Telegram is made, for `login` and the telegram source.',
  variables: {
    TELEGRAM_CONNECT_TIMEOUT_MS: setting({
      schema: int(1000, 600_000),
      default: '15000',
      doc: "connecting to Telegram (gramjs' retries included) past this fails the command with retryable `TELEGRAM_UNREACHABLE`, naming the address",
    }),
    TELEGRAM_REQUEST_TIMEOUT_MS: setting({
      schema: int(1000, 600_000),
      default: '30000',
      doc: 'one request past this fails as retryable `TIMEOUT`; the client is then replaced by a fresh one',
    }),
    TELEGRAM_PROXY: setting({
      schema: v.pipe(v.string(), v.check(isProxy, proxyProblem)),
      secret: proxySecrets,
      doc: '`socks5://[user:pass@]host:port`, `socks4://host:port`, or MTProxy as `mtproxy://SECRET@host:port` or a `https://t.me/proxy?server=…&port=…&secret=…` link',
    }),
  },
});

function isProxy(url: string): boolean {
  try {
    parseProxy(url);
    return true;
  } catch {
    return false;
  }
}

/** What is wrong with TELEGRAM_PROXY, in parseProxy's words (which never repeat a secret). */
function proxyProblem(issue: v.CheckIssue<string>): string {
  try {
    parseProxy(issue.input);
  } catch (error) {
    return (error as Error).message;
  }
  return 'is not valid';
}

/** The password or MTProxy secret in TELEGRAM_PROXY, for the logger to redact. */
export function proxySecrets(url: string): string[] {
  try {
    const proxy = parseProxy(url);
    return [
      'secret' in proxy ? proxy.secret : undefined,
      'password' in proxy ? proxy.password : undefined,
    ].filter((s): s is string => Boolean(s));
  } catch {
    return [];
  }
}
