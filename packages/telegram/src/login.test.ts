import { FloodWaitError } from '@tgfetch/core';
import { Api } from 'telegram';
import { returnBigInt } from 'telegram/Helpers.js';
import { StringSession } from 'telegram/sessions/index.js';
import { describe, expect, it } from 'vitest';
import { createOwnedClient } from './client.js';
import { LoginError, type LoginPrompts, login } from './login.js';
import { closedPort } from './testing/endpoints.js';
import {
  installScriptedSender,
  type Script,
  type ScriptedSender,
} from './testing/scripted-sender.js';
import { createSrpServer } from './testing/srp-server.js';

const API = { apiId: 12345, apiHash: '0123456789abcdef0123456789abcdef' };
const USER = () =>
  new Api.User({ id: returnBigInt(777), firstName: 'Pavel', accessHash: returnBigInt(1) });
const AUTHORIZED = () => new Api.auth.Authorization({ user: USER() });
const SENT = () =>
  new Api.auth.SentCode({
    type: new Api.auth.SentCodeTypeApp({ length: 5 }),
    phoneCodeHash: 'hash-1',
  });

/** Prompts that answer from a list and remember what was asked and said. */
function scriptedPrompts(answers: string[]) {
  const asked: Array<{ question: string; secret: boolean }> = [];
  const notices: string[] = [];
  const qr: string[] = [];
  const prompts: LoginPrompts = {
    async ask(question, options) {
      asked.push({ question, secret: options?.secret ?? false });
      const answer = answers.shift();
      if (answer === undefined) throw new LoginError('INPUT_CLOSED', 'no more input');
      return answer;
    },
    notice: (text) => notices.push(text),
    showQr: (url) => qr.push(url),
  };
  return { prompts, asked, notices, qr };
}

/** `login` over a real gramjs client whose sender follows `script`. */
function scriptedLogin(script: Script) {
  let sender: ScriptedSender | undefined;
  const build = (options: Parameters<typeof createOwnedClient>[0]) => {
    const owned = createOwnedClient(options);
    sender = installScriptedSender(owned.client, script);
    return owned;
  };
  return {
    run: (options: Partial<Parameters<typeof login>[0]>, prompts: LoginPrompts) =>
      login({ ...API, ...options }, prompts, build),
    sender: () => sender,
  };
}

/** A gramjs string session that loads, with its auth key. */
const expectSession = async (session: string) => {
  const loaded = new StringSession(session);
  await loaded.load();
  expect(loaded.getAuthKey()?.getKey()).toHaveLength(256);
};

describe('login with a code', () => {
  it('asks again after a wrong code, and returns the session', async () => {
    const { run } = scriptedLogin((request) => {
      if (request instanceof Api.auth.SendCode) return SENT();
      if (request instanceof Api.auth.SignIn)
        return request.phoneCode === '22222' ? AUTHORIZED() : { error: 'PHONE_CODE_INVALID' };
      return { error: 'UNEXPECTED' };
    });
    const { prompts, asked, notices } = scriptedPrompts(['+15550001', '11111', '22222']);
    await expectSession(await run({}, prompts));
    expect(asked.map((a) => a.question)).toEqual([
      'Phone number (international format): ',
      'Code from Telegram: ',
      'Code from Telegram: ',
    ]);
    expect(notices).toContain('That code is not right; 2 tries left.');
  });

  it('gives up after 3 wrong codes with PHONE_CODE_INVALID and no session', async () => {
    const { run, sender } = scriptedLogin((request) =>
      request instanceof Api.auth.SendCode ? SENT() : { error: 'PHONE_CODE_INVALID' },
    );
    const { prompts } = scriptedPrompts(['1', '2', '3', '4']);
    const error = await run({ phone: '+15550001' }, prompts).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LoginError);
    expect(error).toMatchObject({ code: 'PHONE_CODE_INVALID' });
    expect(sender()?.calls.filter((c) => c === 'auth.SignIn')).toHaveLength(3);
  });

  it('asks for the 2FA password as a secret, checked by SRP as Telegram does', async () => {
    const srp = createSrpServer('correct horse', 'horse');
    const { run } = scriptedLogin((request) => {
      if (request instanceof Api.auth.SendCode) return SENT();
      if (request instanceof Api.auth.SignIn)
        return { error: 'SESSION_PASSWORD_NEEDED', code: 401 };
      if (request instanceof Api.account.GetPassword) return srp.challenge();
      if (request instanceof Api.auth.CheckPassword)
        return srp.verify(request.password) ? AUTHORIZED() : { error: 'PASSWORD_HASH_INVALID' };
      return { error: 'UNEXPECTED' };
    });
    const { prompts, asked, notices } = scriptedPrompts(['12345', 'wrong horse', 'correct horse']);
    await expectSession(await run({ phone: '+15550001' }, prompts));
    expect(asked.slice(1)).toEqual([
      { question: 'Two-step verification password (hint: horse): ', secret: true },
      { question: 'Two-step verification password (hint: horse): ', secret: true },
    ]);
    expect(notices).toContain('That password is not right; 2 tries left.');
  });

  it('shows a flood wait and waits it out; fails one above the maximum', async () => {
    let floods = 1;
    const { run } = scriptedLogin((request) => {
      if (request instanceof Api.auth.SendCode)
        return floods-- > 0 ? { error: 'FLOOD_WAIT_1', code: 420 } : SENT();
      return AUTHORIZED();
    });
    const { prompts, notices } = scriptedPrompts(['12345']);
    await expectSession(await run({ phone: '+15550001' }, prompts));
    expect(notices[0]).toMatch(/^Telegram asks to wait 1s before auth\.SendCode \(flood wait\)/);

    const long = scriptedLogin(() => ({ error: 'FLOOD_WAIT_86400', code: 420 }));
    const error = await long
      .run({ phone: '+15550001', maxFloodWaitSec: 60 }, scriptedPrompts([]).prompts)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FloodWaitError);
    expect(error).toMatchObject({ seconds: 86400 });
  });

  it('names closed input as the reason', async () => {
    const { run } = scriptedLogin(() => SENT());
    const error = await run({}, scriptedPrompts([]).prompts).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'INPUT_CLOSED' });
  });

  it('fails with TELEGRAM_UNREACHABLE when Telegram cannot be reached', async () => {
    const port = await closedPort();
    const error = await login(
      { ...API, serverPort: port, connectTimeoutMs: 2000, connectionRetries: 1 },
      scriptedPrompts(['+15550001']).prompts,
    ).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'TELEGRAM_UNREACHABLE', retryable: true });
  });
});

describe('login with a QR code', () => {
  it('shows the token as a tg://login link, exports it again once scanned, and returns the session', async () => {
    let scanned = false;
    const token = Buffer.from('login-token-bytes');
    const { run, sender } = scriptedLogin((request) => {
      if (!(request instanceof Api.auth.ExportLoginToken)) return { error: 'UNEXPECTED' };
      if (scanned) return new Api.auth.LoginTokenSuccess({ authorization: AUTHORIZED() });
      return new Api.auth.LoginToken({ token, expires: Math.floor(Date.now() / 1000) + 30 });
    });
    const { prompts, qr } = scriptedPrompts([]);
    const pending = run({ qr: true }, prompts);
    await expect.poll(() => qr.length).toBe(1);
    expect(qr[0]).toBe(`tg://login?token=${token.toString('base64url')}`);
    scanned = true;
    sender()?.pushUpdate(new Api.UpdateLoginToken());
    await expectSession(await pending);
    // Exported once to show, once after the scan (gramjs' own update handling may ask more).
    expect(sender()?.calls.filter((c) => c === 'auth.ExportLoginToken')).toHaveLength(2);
  });

  it('asks for the 2FA password after the scan when the account has one', async () => {
    const srp = createSrpServer('pw');
    const { run, sender } = scriptedLogin((request) => {
      if (request instanceof Api.auth.ExportLoginToken) {
        return sender()?.calls.length === 1
          ? new Api.auth.LoginToken({
              token: Buffer.from('t'),
              expires: Math.floor(Date.now() / 1000) + 30,
            })
          : { error: 'SESSION_PASSWORD_NEEDED', code: 401 };
      }
      if (request instanceof Api.account.GetPassword) return srp.challenge();
      if (request instanceof Api.auth.CheckPassword)
        return srp.verify(request.password) ? AUTHORIZED() : { error: 'PASSWORD_HASH_INVALID' };
      return { error: 'UNEXPECTED' };
    });
    const { prompts, qr, asked } = scriptedPrompts(['pw']);
    const pending = run({ qr: true }, prompts);
    await expect.poll(() => qr.length).toBe(1);
    sender()?.pushUpdate(new Api.UpdateLoginToken());
    await expectSession(await pending);
    expect(asked).toEqual([{ question: 'Two-step verification password: ', secret: true }]);
  });
});
