import type * as v from 'valibot';

/** What reads one environment variable's text: valibot, from a string to its value. */
export type VariableSchema = v.GenericSchema<string, unknown>;

/**
 * One environment variable: how its text is read, what stands in when it is unset, what it
 * means. Messages of `schema` may leave the name out ("must be a whole number"): problems
 * are told as `NAME must be …`.
 */
export interface VariableSpec<S extends VariableSchema = VariableSchema> {
  readonly schema: S;
  /**
   * The text read when the variable is unset, as `.env` would hold it; a function when it
   * is found at start (the host name).
   */
  readonly default?: string | (() => string);
  /** The default as the reference shows it, when `default` alone does not say it. */
  readonly shown?: string;
  /** Unset and without a default: a problem, told as `NAME is required <required>`. */
  readonly required?: string;
  /**
   * Never echoed nor logged, and may come from the file `<NAME>_FILE` names (Docker and
   * Kubernetes secrets). A function names the parts to hide when not the whole value (a
   * URL's password).
   */
  readonly secret?: true | ((value: v.InferOutput<S>) => readonly (string | undefined)[]);
  /** What it does, for the reference (markdown, one line). */
  readonly doc: string;
}

export interface Variable<
  S extends VariableSchema = VariableSchema,
  Present extends boolean = boolean,
> extends VariableSpec<S> {
  /** Type-level only: whether the value is always there (a default or required). */
  readonly present?: Present;
}

// biome-ignore lint/suspicious/noExplicitAny: any schema (`secret` takes its output)
export type AnyVariable = Variable<any, boolean>;
type Variables = Readonly<Record<string, AnyVariable>>;

/** The value of a variable: its schema's output, `undefined` when it may be unset. */
type ValueOf<V> =
  V extends Variable<infer S, infer P>
    ? P extends true
      ? v.InferOutput<S>
      : v.InferOutput<S> | undefined
    : never;

/** The values of a group's variables, by name. */
export type VariableValues<V extends Variables> = { readonly [K in keyof V]: ValueOf<V[K]> };

/** A variable that always has a value: a default, or a problem when unset. */
export function setting<S extends VariableSchema>(
  spec: VariableSpec<S> & ({ default: string | (() => string) } | { required: string }),
): Variable<S, true>;
/** A variable that may stay unset (`undefined`). */
export function setting<S extends VariableSchema>(
  spec: VariableSpec<S> & { default?: never; required?: never },
): Variable<S, false>;
export function setting<S extends VariableSchema>(spec: VariableSpec<S>): Variable<S> {
  return spec;
}

/**
 * Other groups a group brings in by its own values: the store chosen by STORE brings in its
 * adapter's settings, a set MESSAGES_STREAM the Redis settings. `when` says it in the
 * reference ("with `STORE=postgres`", "when `MESSAGES_STREAM` is set"; empty: always).
 */
export interface Requirement<Values> {
  readonly when: string;
  readonly groups: readonly AnyGroup[];
  /** Told the values that were read well (a bad one is missing): whether `groups` count. */
  readonly applies: (values: Partial<Values>) => boolean;
}

/**
 * The settings of one concern, owned in one file: their schemas, defaults, docs and secrets,
 * what follows from them (`derive`), and what they bring in (`requires`). A command names
 * the groups it uses; only those are checked.
 */
export interface Group<
  N extends string = string,
  V extends Variables = Variables,
  D extends object = object,
> {
  readonly name: N;
  /** Heading in the reference. */
  readonly title: string;
  /** What the group is about, for the reference (markdown). */
  readonly summary: string;
  readonly variables: V;
  /** Values that follow from the variables together (the Redis URL from its parts). */
  readonly derive?: (values: VariableValues<V>) => D;
  /** Read lazily: a table of adapters may name groups that are defined after this one. */
  readonly requires?: () => readonly Requirement<VariableValues<V>>[];
}

// biome-ignore lint/suspicious/noExplicitAny: any group, whatever its variables
export type AnyGroup = Group<string, any, any>;

/** What a group's settings are once read: its variables' values and what it derives. */
export type GroupValues<G> =
  G extends Group<string, infer V, infer D> ? VariableValues<V> & D : never;

/** The values of `groups`, each under its group's name. */
export type SettingsOf<G extends readonly AnyGroup[]> = {
  readonly [K in G[number] as K['name']]: GroupValues<K>;
};

/** A group, its types taken from what it is given. */
export function defineGroup<
  const N extends string,
  V extends Variables,
  D extends object = Record<never, never>,
>(group: Group<N, V, D>): Group<N, V, D> {
  return group;
}

/**
 * `groups` out of loaded settings, for a part that uses them (an adapter chosen by a
 * setting): a group that was not loaded is a mistake of the command's list, told loudly.
 */
export function pick<const G extends readonly AnyGroup[]>(
  settings: object,
  groups: G,
): SettingsOf<G> {
  const picked: Record<string, unknown> = {};
  for (const group of groups) {
    const values = (settings as Record<string, unknown>)[group.name];
    if (values === undefined) throw new Error(`the settings group "${group.name}" was not loaded`);
    picked[group.name] = values;
  }
  return picked as SettingsOf<G>;
}
