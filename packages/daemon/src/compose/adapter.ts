import type { ErrorCodeTable } from '@tgfetch/core';
import { type AnyGroup, pick, type SettingsOf } from '../settings/group.js';

/**
 * One entry of a table of adapters (sources, stores): the settings groups it reads, which
 * are brought in when a setting chooses it, how it is opened from them, and the error codes
 * of its package. Its package is imported only when it is opened (or its codes are listed).
 */
export interface Adapter<
  A extends unknown[],
  R,
  G extends readonly AnyGroup[] = readonly AnyGroup[],
> {
  readonly settings: G;
  /** Opens it from loaded settings that hold its groups (it sees only those). */
  readonly open: (settings: object, ...args: A) => Promise<R>;
  /** The codes its package declares (none when another entry's package declares them). */
  readonly errorCodes: () => Promise<ErrorCodeTable>;
}

export function adapter<
  const G extends readonly AnyGroup[],
  P,
  A extends unknown[],
  R,
  E extends object = Record<never, never>,
>(
  spec: E & {
    settings: G;
    /** Its package: `() => import('@tgfetch/fs-store')`. */
    load: () => Promise<P>;
    /** The package's own table of codes. */
    errorCodes?: (pkg: P) => ErrorCodeTable;
    open: (pkg: P, settings: SettingsOf<G>, ...args: A) => Promise<R>;
  },
): Adapter<A, R, G> & Omit<E, 'settings' | 'load' | 'errorCodes' | 'open'> {
  const { load, errorCodes, open } = spec;
  return {
    ...spec,
    open: async (settings, ...args) => open(await load(), pick(settings, spec.settings), ...args),
    errorCodes: async () => (errorCodes ? errorCodes(await load()) : []),
  };
}
