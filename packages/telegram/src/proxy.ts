import type { TgfetchError } from '@tgfetch/core';
import type { ProxyInterface } from 'telegram/network/connection/TCPMTProxy.js';
import { tgError } from './error-builders.js';
import { TelegramErrorCode } from './error-codes.js';

/** The gramjs proxy settings `parseProxy` produces (SOCKS4/5 or MTProxy). */
export type TelegramProxy = ProxyInterface;

/**
 * Reads a proxy URL the way users write them:
 * - `socks5://[user:pass@]host:port`, `socks4://[user@]host:port`;
 * - MTProxy as `mtproxy://SECRET@host:port`, or the share links Telegram itself hands out,
 *   `https://t.me/proxy?server=host&port=443&secret=SECRET` and `tg://proxy?...`.
 * Bad input throws a `TgfetchError` with code `INVALID_PROXY` whose message never repeats
 * the credentials or the secret.
 */
export function parseProxy(url: string): TelegramProxy {
  let u: URL;
  try {
    u = new URL(url.trim());
  } catch {
    throw invalid('is not a URL (socks5://host:port, socks4://host:port or an MTProxy link)');
  }
  const scheme = u.protocol.slice(0, -1).toLowerCase();
  if (scheme === 'socks5' || scheme === 'socks4' || scheme === 'socks') {
    const ip = hostOf(u.hostname);
    const port = portOf(u.port);
    const username = u.username ? decodeURIComponent(u.username) : undefined;
    const password = u.password ? decodeURIComponent(u.password) : undefined;
    return {
      ip,
      port,
      socksType: scheme === 'socks4' ? 4 : 5,
      ...(username === undefined ? {} : { username }),
      ...(password === undefined ? {} : { password }),
    };
  }
  if (scheme === 'mtproxy') {
    return mtproxy(u.hostname, u.port, decodeURIComponent(u.username));
  }
  const shareLink =
    (scheme === 'tg' && u.hostname === 'proxy') ||
    ((scheme === 'https' || scheme === 'http') &&
      /^(www\.)?(t\.me|telegram\.me)$/i.test(u.hostname) &&
      u.pathname === '/proxy');
  if (shareLink) {
    const q = u.searchParams;
    return mtproxy(q.get('server') ?? '', q.get('port') ?? '', q.get('secret') ?? '');
  }
  throw invalid(`has an unknown scheme "${scheme.slice(0, 16)}": use socks5, socks4 or mtproxy`);
}

/** The proxy as messages and logs may show it: kind, host and port, never credentials. */
export function describeProxy(proxy: TelegramProxy): string {
  const host = proxy.ip.includes(':') ? `[${proxy.ip}]` : proxy.ip;
  const kind = 'MTProxy' in proxy ? 'mtproxy' : `socks${proxy.socksType}`;
  return `${kind}://${host}:${proxy.port}`;
}

function mtproxy(hostname: string, port: string, secret: string): TelegramProxy {
  const ip = hostOf(hostname);
  // Hex secrets: 16 bytes plain, "dd" + 16 for random padding. gramjs speaks neither the
  // fake-TLS "ee" secrets nor base64 ones, so those are refused here rather than on connect.
  if (!/^(dd)?[0-9a-f]{32}$/i.test(secret)) {
    throw invalid(
      'needs its secret as 32 hex characters (or "dd" and 32); fake-TLS ("ee") secrets are not supported',
    );
  }
  return { ip, port: portOf(port), secret: secret.toLowerCase(), MTProxy: true };
}

function hostOf(hostname: string): string {
  const host = hostname.replace(/^\[(.*)\]$/, '$1');
  if (!host) throw invalid('has no host');
  return host;
}

function portOf(port: string): number {
  const n = Number(port);
  if (!/^\d+$/.test(port) || n < 1 || n > 65535) throw invalid('needs a port from 1 to 65535');
  return n;
}

function invalid(problem: string): TgfetchError {
  return tgError(TelegramErrorCode.INVALID_PROXY, `TELEGRAM_PROXY ${problem}`);
}
