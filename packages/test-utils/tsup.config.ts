import { packageBuild } from '../../tsup.base.ts';

// ESM only: its users are vitest, the bench and the chaos suite, all ESM.
export default packageBuild(
  { index: 'src/index.ts', vitest: 'src/vitest.ts' },
  { format: ['esm'] },
);
