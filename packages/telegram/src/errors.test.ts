import { FatalError, FloodWaitError, TgfetchError, TransientError } from '@tgfetch/core';
import { Api, errors } from 'telegram';
import { describe, expect, it } from 'vitest';
import { translateTelegramError } from './errors.js';

const request = new Api.messages.GetHistory({});
const rpc = (errorCode: number, errorMessage: string) =>
  errors.RPCMessageToError(new Api.RpcError({ errorCode, errorMessage }), request);

describe('translateTelegramError', () => {
  it('turns a gramjs FloodWaitError into a core flood wait with its seconds', () => {
    const gramjs = rpc(420, 'FLOOD_WAIT_37');
    expect(gramjs).toBeInstanceOf(errors.FloodWaitError);
    // gramjs' errorMessage is only "FLOOD": the seconds live in `.seconds`.
    expect((gramjs as errors.FloodWaitError).errorMessage).toBe('FLOOD');
    const error = translateTelegramError(gramjs);
    expect(error).toBeInstanceOf(FloodWaitError);
    expect((error as FloodWaitError).seconds).toBe(37);
    expect(error.retryable).toBe(true);
    expect(error.cause).toBe(gramjs);
  });

  it.each([
    [401, 'AUTH_KEY_UNREGISTERED', 'AUTH_FAILED'],
    [401, 'SESSION_REVOKED', 'AUTH_FAILED'],
    [401, 'USER_DEACTIVATED', 'AUTH_FAILED'],
    [406, 'AUTH_KEY_DUPLICATED', 'SESSION_IN_USE'],
    [400, 'CHANNEL_PRIVATE', 'CHAT_PRIVATE'],
    [400, 'CHANNEL_INVALID', 'CHAT_NOT_FOUND'],
    [400, 'PEER_ID_INVALID', 'CHAT_NOT_FOUND'],
    [400, 'USERNAME_INVALID', 'CHAT_NOT_FOUND'],
    [400, 'USERNAME_NOT_OCCUPIED', 'CHAT_NOT_FOUND'],
    [420, 'TAKEOUT_INIT_DELAY_86400', 'TAKEOUT_DELAY'],
    [400, 'MESSAGE_ID_INVALID', 'TELEGRAM_REJECTED'],
  ])('RPC %i %s is fatal with code %s', (code, name, expected) => {
    const error = translateTelegramError(rpc(code, name), { chat: '@ru_python' });
    expect(error).toBeInstanceOf(FatalError);
    expect(error.code).toBe(expected);
    expect(error.retryable).toBe(false);
    expect(error.name).toBe('FatalError');
  });

  it('tells the user what to do about auth, duplicated sessions and takeout delays', () => {
    expect(translateTelegramError(rpc(401, 'AUTH_KEY_UNREGISTERED')).message).toMatch(
      /tgfetch login/,
    );
    expect(translateTelegramError(rpc(406, 'AUTH_KEY_DUPLICATED')).message).toMatch(
      /two processes/,
    );
    expect(translateTelegramError(rpc(420, 'TAKEOUT_INIT_DELAY_3600')).message).toMatch(
      /another device.*allow it.*1 hour/,
    );
    expect(
      translateTelegramError(rpc(400, 'CHANNEL_PRIVATE'), { chat: '@ru_python' }).message,
    ).toMatch(/@ru_python/);
  });

  it("maps gramjs' plain 'No user has' error to CHAT_NOT_FOUND", () => {
    const error = translateTelegramError(new Error('No user has "ghost_chat" as username'));
    expect(error).toBeInstanceOf(FatalError);
    expect(error.code).toBe('CHAT_NOT_FOUND');
    expect(error.message).toMatch(/@ghost_chat/);
  });

  it.each([
    [rpc(500, 'INTERNAL'), 'TELEGRAM_INTERNAL'],
    [rpc(-500, 'RPC_CALL_FAIL'), 'TELEGRAM_INTERNAL'],
    [rpc(-503, 'Timeout'), 'TIMEOUT'],
    [new Error('TIMEOUT'), 'TIMEOUT'],
    [new Error('Not connected'), 'DISCONNECTED'],
    [new Error('Connection closed'), 'DISCONNECTED'],
    [new Error('Cannot send requests while disconnected. Please reconnect.'), 'DISCONNECTED'],
    [Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }), 'DISCONNECTED'],
    [new Error('Request was unsuccessful 5 time(s)'), 'TELEGRAM_INTERNAL'],
  ])('%s is transient (%s)', (raw, expected) => {
    const error = translateTelegramError(raw);
    expect(error).toBeInstanceOf(TransientError);
    expect(error.code).toBe(expected);
    expect(error.retryable).toBe(true);
  });

  it('keeps core errors and wraps anything else as UNEXPECTED', () => {
    const core = new FatalError('X', 'y');
    expect(translateTelegramError(core)).toBe(core);
    const other = translateTelegramError(new TypeError('boom'));
    expect(other).toBeInstanceOf(TgfetchError);
    expect(other.code).toBe('UNEXPECTED');
  });
});
