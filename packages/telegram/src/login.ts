import { AbortError, FloodWaitError, retryableIn, TgfetchError } from '@tgfetch/core';
import { Api, type TelegramClient } from 'telegram';
import { computeCheck } from 'telegram/Password.js';
import {
  createOwnedClient,
  DEFAULT_CONNECT_TIMEOUT_MS,
  type OwnedClient,
  type TelegramClientOptions,
  withTimeout,
} from './client.js';
import { DEFAULT_REQUEST_TIMEOUT_MS, invokeWithin } from './connection.js';
import { unreachableError } from './error-builders.js';
import { LOGIN_ERROR_CODES, LoginErrorCode } from './error-codes.js';
import { translateTelegramError } from './errors.js';

/** How a login talks to the person signing in (a terminal, a web form, a test). */
export interface LoginPrompts {
  /**
   * Asks for one line. `secret` answers (the 2FA password) must not be echoed. Rejects when
   * there is no more input (e.g. with `LoginError` code `INPUT_CLOSED`).
   */
  ask(question: string, options?: { secret?: boolean }): Promise<string>;
  /** Says something the person should know: code sent, wrong code, a flood wait. */
  notice(text: string): void;
  /** Shows a `tg://login?token=…` link to scan as a QR code (again each time it is renewed). */
  showQr?(url: string, expires: Date): void;
}

export interface LoginOptions extends Omit<TelegramClientOptions, 'session'> {
  /** The phone number; asked when absent (not used with `qr`). */
  phone?: string | undefined;
  /** Sign in by scanning a QR code in a logged-in Telegram app instead of a code. @default false */
  qr?: boolean | undefined;
  /** Tries for the login code and for the 2FA password. @default 3 */
  attempts?: number | undefined;
  /** Flood waits up to this long are waited out (and shown); longer ones fail. @default 300 */
  maxFloodWaitSec?: number | undefined;
  /** @default 30000 */
  requestTimeoutMs?: number | undefined;
  /** Ends the login (with `AbortError`) at once. */
  signal?: AbortSignal | undefined;
}

/** A login that made no session; `code` says why. */
export class LoginError extends TgfetchError {
  override name = 'LoginError';

  constructor(code: LoginErrorCode, message: string, options: { cause?: unknown } = {}) {
    super(code, message, { retryable: retryableIn(LOGIN_ERROR_CODES, code), ...options });
  }
}

/**
 * Signs in to Telegram and returns the new gramjs string session (a secret). Every network
 * step has a deadline; a mistyped code or password is asked again (`attempts` times) rather
 * than ending the login; flood waits are shown and waited out; anything that leaves no
 * session throws (a `LoginError`, `TELEGRAM_UNREACHABLE`, a `FloodWaitError`, ...), so a
 * caller never gets an empty session.
 */
export async function login(
  options: LoginOptions,
  prompts: LoginPrompts,
  /** Builds the client (tests put a scripted sender under it). */
  build: (options: TelegramClientOptions) => OwnedClient = createOwnedClient,
): Promise<string> {
  const { phone, qr, attempts = 3, maxFloodWaitSec = 300, signal, ...clientOptions } = options;
  const requestTimeoutMs = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  const owned = build({ ...clientOptions, session: '' });
  const { client } = owned;
  const aborted = new Promise<never>((_, reject) => {
    const onAbort = () => reject(new AbortError('The login was interrupted'));
    if (signal?.aborted) onAbort();
    signal?.addEventListener('abort', onAbort, { once: true });
  });
  aborted.catch(() => undefined);
  const step = <T>(promise: Promise<T>) => Promise.race([promise, aborted]);

  /** One request; flood waits shown and waited out, errors left as gramjs made them. */
  const call = async <R extends Api.AnyRequest>(request: R): Promise<R['__response']> => {
    for (;;) {
      try {
        return await step(invokeWithin(client, request, requestTimeoutMs));
      } catch (error) {
        const translated = translateTelegramError(error);
        if (!(translated instanceof FloodWaitError) || translated.seconds > maxFloodWaitSec)
          throw error;
        const until = new Date(Date.now() + translated.seconds * 1000);
        prompts.notice(
          `Telegram asks to wait ${translated.seconds}s before ${request.className} (flood wait): waiting until ${until.toLocaleTimeString()}`,
        );
        await step(delay(translated.seconds * 1000, signal));
      }
    }
  };
  const ask = (question: string, secret = false) =>
    step(prompts.ask(question, { secret })).then((answer) => answer.trim());
  const api = { apiId: clientOptions.apiId, apiHash: clientOptions.apiHash };

  try {
    // The phone first, as Telegram's apps do: no connection is held while a person types.
    const phoneNumber = qr ? '' : (phone ?? (await ask('Phone number (international format): ')));
    await step(owned.connect());
    const flow = { call, ask, prompts, attempts, client, api };
    const user = qr
      ? await qrLogin(flow, signal, clientOptions)
      : await codeLogin(flow, phoneNumber);
    const session = String(client.session.save() ?? '');
    // Never hand out an empty session: `tgfetch login > session.txt` must not "succeed".
    if (!user || !session)
      throw new LoginError(LoginErrorCode.LOGIN_FAILED, 'Telegram made no session');
    return session;
  } catch (error) {
    if (error instanceof TgfetchError) throw error;
    throw translateLoginError(error);
  } finally {
    await owned.shutdown();
  }
}

interface Flow {
  call: <R extends Api.AnyRequest>(request: R) => Promise<R['__response']>;
  ask: (question: string, secret?: boolean) => Promise<string>;
  prompts: LoginPrompts;
  attempts: number;
  client: TelegramClient;
  api: { apiId: number; apiHash: string };
}

async function codeLogin(flow: Flow, phoneNumber: string): Promise<Api.TypeUser> {
  const sent = await flow.call(
    new Api.auth.SendCode({ phoneNumber, ...flow.api, settings: new Api.CodeSettings({}) }),
  );
  if (sent instanceof Api.auth.SentCodeSuccess) return userOf(sent.authorization);
  flow.prompts.notice(
    sent.type instanceof Api.auth.SentCodeTypeApp
      ? 'The code was sent to your Telegram app (look for a message from Telegram).'
      : 'The code was sent by SMS.',
  );
  for (let attempt = 1; ; attempt++) {
    const phoneCode = await flow.ask('Code from Telegram: ');
    try {
      const result = await flow.call(
        new Api.auth.SignIn({ phoneNumber, phoneCodeHash: sent.phoneCodeHash, phoneCode }),
      );
      if (result instanceof Api.auth.AuthorizationSignUpRequired) {
        throw new LoginError(
          LoginErrorCode.SIGN_UP_REQUIRED,
          `${phoneNumber} has no Telegram account yet: sign up in a Telegram app first`,
        );
      }
      return userOf(result);
    } catch (error) {
      const name = rpcName(error);
      if (name === 'SESSION_PASSWORD_NEEDED') return passwordLogin(flow);
      if (name === 'PHONE_CODE_EXPIRED') {
        throw new LoginError(
          LoginErrorCode.PHONE_CODE_EXPIRED,
          'The code has expired: run the login again for a new one',
          { cause: error },
        );
      }
      if (name !== 'PHONE_CODE_INVALID' && name !== 'PHONE_CODE_EMPTY') throw error;
      if (attempt >= flow.attempts) {
        throw new LoginError(
          LoginErrorCode.PHONE_CODE_INVALID,
          `The code was wrong ${attempt} times: run the login again`,
          { cause: error },
        );
      }
      flow.prompts.notice(`That code is not right; ${flow.attempts - attempt} tries left.`);
    }
  }
}

async function passwordLogin(flow: Flow): Promise<Api.TypeUser> {
  for (let attempt = 1; ; attempt++) {
    // A fresh SRP challenge for every try (each may be used once).
    const challenge = await flow.call(new Api.account.GetPassword());
    const hint = challenge.hint ? ` (hint: ${challenge.hint})` : '';
    const password = await flow.ask(`Two-step verification password${hint}: `, true);
    try {
      const check = await computeCheck(challenge, password);
      return userOf(await flow.call(new Api.auth.CheckPassword({ password: check })));
    } catch (error) {
      if (rpcName(error) !== 'PASSWORD_HASH_INVALID') throw error;
      if (attempt >= flow.attempts) {
        throw new LoginError(
          LoginErrorCode.PASSWORD_INVALID,
          `The two-step verification password was wrong ${attempt} times`,
          { cause: error },
        );
      }
      flow.prompts.notice(`That password is not right; ${flow.attempts - attempt} tries left.`);
    }
  }
}

async function qrLogin(
  flow: Flow,
  signal: AbortSignal | undefined,
  options: Omit<TelegramClientOptions, 'session'>,
): Promise<Api.TypeUser> {
  const { client } = flow;
  let scanned: () => void = () => {};
  client.addEventHandler((update: unknown) => {
    if (update instanceof Api.UpdateLoginToken) scanned();
  });
  for (;;) {
    let result: Api.auth.TypeLoginToken;
    try {
      result = await flow.call(new Api.auth.ExportLoginToken({ ...flow.api, exceptIds: [] }));
    } catch (error) {
      if (rpcName(error) === 'SESSION_PASSWORD_NEEDED') return passwordLogin(flow);
      throw error;
    }
    if (result instanceof Api.auth.LoginTokenMigrateTo) {
      // The account lives in another data center: log in there with the token.
      const timeoutMs = options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
      const switched = await withTimeout(client._switchDC(result.dcId), timeoutMs).catch(
        () => false,
      );
      if (!switched) {
        throw unreachableError(
          `Could not reach Telegram's data center ${result.dcId} within ${timeoutMs / 1000}s`,
        );
      }
      try {
        result = await flow.call(new Api.auth.ImportLoginToken({ token: result.token }));
      } catch (error) {
        if (rpcName(error) === 'SESSION_PASSWORD_NEEDED') return passwordLogin(flow);
        throw error;
      }
    }
    if (result instanceof Api.auth.LoginTokenSuccess) return userOf(result.authorization);
    if (!(result instanceof Api.auth.LoginToken)) throw new Error('Unexpected login token');
    const expires = new Date(result.expires * 1000);
    flow.prompts.showQr?.(`tg://login?token=${result.token.toString('base64url')}`, expires);
    // Until the code is scanned (Telegram then sends updateLoginToken) or it expires.
    const wait = Math.max(1000, Math.min(expires.getTime() - Date.now(), 30_000));
    const waiting = new AbortController();
    scanned = () => waiting.abort();
    await delay(wait, AbortSignal.any([waiting.signal, ...(signal ? [signal] : [])]));
    if (signal?.aborted) throw new AbortError('The login was interrupted');
  }
}

function userOf(result: Api.auth.TypeAuthorization): Api.TypeUser {
  if (result instanceof Api.auth.AuthorizationSignUpRequired) {
    throw new LoginError(
      LoginErrorCode.SIGN_UP_REQUIRED,
      'This phone number has no Telegram account yet: sign up in a Telegram app first',
    );
  }
  return result.user;
}

function rpcName(error: unknown): string | undefined {
  const name = (error as { errorMessage?: unknown } | null)?.errorMessage;
  return typeof name === 'string' ? name : undefined;
}

function translateLoginError(error: unknown): TgfetchError {
  const name = rpcName(error);
  if (name === 'PHONE_NUMBER_INVALID' || name === 'PHONE_NUMBER_BANNED') {
    return new LoginError(
      LoginErrorCode.PHONE_NUMBER_INVALID,
      `Telegram refused the phone number (${name}): give it in international format, e.g. +15551234567`,
      { cause: error },
    );
  }
  return translateTelegramError(error);
}

/** Resolves after `ms`, or as soon as `signal` aborts (its timer cleared either way). */
function delay(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}
