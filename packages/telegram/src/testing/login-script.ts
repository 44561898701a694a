import { Api } from 'telegram';
import { returnBigInt } from 'telegram/Helpers.js';
import type { Script } from './scripted-sender.js';

export interface LoginScriptOptions {
  /** The code `auth.SignIn` accepts; any other is `PHONE_CODE_INVALID`. */
  code: string;
  /** The account signed in to. @default 777 */
  userId?: number;
  /** Awaited before each answer (to answer only once something else happened). */
  beforeAnswer?: (request: Api.AnyRequest) => Promise<void> | void;
}

/**
 * Telegram's side of a login by code, for a scripted sender (see `scriptEveryClient`, for
 * a process that runs `tgfetch login` against it): `auth.SendCode` sends a code to the
 * Telegram app, `auth.SignIn` with `code` signs the account in, any other code is refused
 * as Telegram refuses it; any other request is an RPC error.
 */
export function loginScript(options: LoginScriptOptions): Script {
  return async (request) => {
    await options.beforeAnswer?.(request);
    if (request instanceof Api.auth.SendCode) {
      return new Api.auth.SentCode({
        type: new Api.auth.SentCodeTypeApp({ length: options.code.length }),
        phoneCodeHash: 'scripted-hash',
      });
    }
    if (request instanceof Api.auth.SignIn) {
      if (request.phoneCode !== options.code) return { error: 'PHONE_CODE_INVALID' };
      const user = new Api.User({
        id: returnBigInt(options.userId ?? 777),
        self: true,
        accessHash: returnBigInt(1),
        firstName: 'Scripted',
      });
      return new Api.auth.Authorization({ user });
    }
    return { error: 'METHOD_NOT_SCRIPTED' };
  };
}
