import { type AnyGroup, pick, type SettingsOf } from '../settings/group.js';

/**
 * One entry of a table of adapters (sources, stores): the settings groups it reads, which
 * are brought in when a setting chooses it, and how it is opened from them.
 */
export interface Adapter<
  A extends unknown[],
  R,
  G extends readonly AnyGroup[] = readonly AnyGroup[],
> {
  readonly settings: G;
  /** Opens it from loaded settings that hold its groups (it sees only those). */
  readonly open: (settings: object, ...args: A) => R;
}

export function adapter<
  const G extends readonly AnyGroup[],
  A extends unknown[],
  R,
  E extends object = Record<never, never>,
>(
  spec: E & { settings: G; open: (settings: SettingsOf<G>, ...args: A) => R },
): Adapter<A, R, G> & Omit<E, 'settings' | 'open'> {
  return {
    ...spec,
    open: (settings, ...args) => spec.open(pick(settings, spec.settings), ...args),
  };
}
