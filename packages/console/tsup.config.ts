import { packageBuild } from '../../tsup.base.ts';

// `shims`: the CommonJS build finds the assets folder through `import.meta.url` too.
export default packageBuild({ index: 'src/index.ts' }, { shims: true });
