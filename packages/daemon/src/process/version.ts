declare const __VERSION__: string | undefined;

/** The package's version, put in at build time (`dev` when run from sources). */
export const VERSION: string = typeof __VERSION__ === 'string' ? __VERSION__ : 'dev';
