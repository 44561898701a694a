import { Api, errors } from 'telegram';

/** Errors the simulated Telegram can inject, named as Telegram (or gramjs) names them. */
export type SimulatedFault =
  | 'TIMEOUT'
  | 'DISCONNECT'
  | 'INTERNAL'
  | 'AUTH_KEY_UNREGISTERED'
  | 'SESSION_REVOKED'
  | 'USER_DEACTIVATED'
  | 'AUTH_KEY_DUPLICATED'
  | 'CHANNEL_PRIVATE'
  | 'CHANNEL_INVALID'
  | 'PEER_ID_INVALID'
  | 'USERNAME_NOT_OCCUPIED'
  | `FLOOD_WAIT_${number}`
  | `TAKEOUT_INIT_DELAY_${number}`;

const RPC_CODES: Record<string, number> = {
  INTERNAL: 500,
  AUTH_KEY_UNREGISTERED: 401,
  SESSION_REVOKED: 401,
  USER_DEACTIVATED: 401,
  AUTH_KEY_DUPLICATED: 406,
  CHANNEL_PRIVATE: 400,
  CHANNEL_INVALID: 400,
  PEER_ID_INVALID: 400,
  USERNAME_INVALID: 400,
  USERNAME_NOT_OCCUPIED: 400,
};

/**
 * The error gramjs itself would throw for `name`: RPC errors go through gramjs'
 * `RPCMessageToError` (so `FLOOD_WAIT_X` is a real `errors.FloodWaitError`), transport
 * failures are the plain errors gramjs' connection raises.
 */
export function telegramError(name: string, request: Api.AnyRequest): Error {
  if (name === 'TIMEOUT') return new Error('TIMEOUT');
  if (name === 'DISCONNECT') return new Error('Not connected');
  const errorCode = RPC_CODES[name] ?? (/^(FLOOD_WAIT|TAKEOUT_INIT_DELAY)_/.test(name) ? 420 : 400);
  return errors.RPCMessageToError(new Api.RpcError({ errorCode, errorMessage: name }), request);
}

export interface FaultOptions {
  /** Fail every n-th request (counting every request the simulated Telegram receives). */
  every: number;
  error: SimulatedFault;
  /** Stop injecting after this many faults. @default unlimited */
  times?: number;
  /** Only requests of these TL classes (e.g. `messages.GetHistory`) count and fail. @default all */
  methods?: string[];
}

/** Decides per request; a returned error is thrown instead of answering. */
export type FaultHook = (request: Api.AnyRequest, index: number) => Error | undefined;

export function createFaultHook(
  faults: FaultOptions | FaultHook | undefined,
): FaultHook | undefined {
  if (faults === undefined || typeof faults === 'function') return faults;
  let seen = 0;
  let injected = 0;
  return (request) => {
    if (faults.methods && !faults.methods.includes(request.className)) return undefined;
    seen++;
    if (seen % faults.every !== 0) return undefined;
    if (faults.times !== undefined && injected >= faults.times) return undefined;
    injected++;
    return telegramError(faults.error, request);
  };
}
