import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { isLoopback } from './options.js';

/** The cookie that says a person signed in: an expiry and its HMAC, never the token. */
export const SESSION_COOKIE = 'tgfetch_console';
const SESSION_MS = 12 * 3_600_000;

export interface Auth {
  /** A token is configured: changes are possible once signed in. */
  readonly enabled: boolean;
  /** The cookie value for a correct token, undefined for a wrong one, 'wait' while sign-ins pause. */
  signIn(candidate: unknown): string | undefined | 'wait';
  /** Signed in by cookie, or by `Authorization: Bearer <token>` (scripts). */
  signedIn(request: FastifyRequest): boolean;
  readonly sessionMs: number;
}

const digest = (text: string) => createHash('sha256').update(text).digest();

/** Compares two secrets in constant time (their digests, so lengths leak nothing either). */
function sameSecret(a: string, b: string): boolean {
  return timingSafeEqual(digest(a), digest(b));
}

/** Wrong tokens allowed in a minute before sign-ins pause for the rest of it. */
const MAX_FAILURES = 10;
const FAILURE_WINDOW_MS = 60_000;

export function createAuth(token: string | undefined, now: () => number): Auth {
  // A key of this process: restarting the console signs everyone out.
  const key = randomBytes(32);
  // Guessing a 16-character token is hopeless anyway; this keeps a guesser from trying.
  let failures: number[] = [];
  const sign = (expires: number) => createHmac('sha256', key).update(String(expires)).digest('hex');
  return {
    enabled: token !== undefined,
    sessionMs: SESSION_MS,
    signIn(candidate) {
      const at = now();
      failures = failures.filter((t) => at - t < FAILURE_WINDOW_MS);
      if (failures.length >= MAX_FAILURES) return 'wait';
      if (token === undefined || typeof candidate !== 'string' || !sameSecret(candidate, token)) {
        failures.push(at);
        return undefined;
      }
      const expires = now() + SESSION_MS;
      return `${expires}.${sign(expires)}`;
    },
    signedIn(request) {
      if (token === undefined) return false;
      const header = request.headers.authorization;
      if (typeof header === 'string' && header.startsWith('Bearer ')) {
        return sameSecret(header.slice(7), token);
      }
      const cookie = request.cookies?.[SESSION_COOKIE];
      const match = typeof cookie === 'string' ? /^(\d{1,16})\.([0-9a-f]{64})$/.exec(cookie) : null;
      if (!match) return false;
      const expires = Number(match[1]);
      return expires > now() && sameSecret(match[2]!, sign(expires));
    },
  };
}

/**
 * A console on loopback answers only to loopback names in `Host`: a web page elsewhere
 * that rebinds its own name to 127.0.0.1 (DNS rebinding) gets nothing from it.
 */
export function hostAllowed(request: FastifyRequest, loopback: boolean): boolean {
  if (!loopback) return true;
  const host = request.headers.host;
  if (typeof host !== 'string') return false;
  const name = host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : host.split(':')[0]!;
  return isLoopback(name);
}

/**
 * A change must come from the console's own pages: a POST whose `Origin` names another
 * site is refused (CSRF tokens check the same; this costs nothing and needs no state).
 */
export function originAllowed(request: FastifyRequest): boolean {
  const origin = request.headers.origin;
  if (origin === undefined || origin === 'null') return origin === undefined;
  try {
    return new URL(origin).host === request.headers.host;
  } catch {
    return false;
  }
}

export function setSession(reply: FastifyReply, value: string, secure: boolean): void {
  reply.setCookie(SESSION_COOKIE, value, {
    path: '/',
    httpOnly: true,
    sameSite: 'strict',
    secure,
    maxAge: SESSION_MS / 1000,
  });
}
