import { packageBuild } from '../../tsup.base.ts';

export default packageBuild({
  index: 'src/index.ts',
  testing: 'src/testing/index.ts',
  export: 'src/export/index.ts',
  proxy: 'src/proxy.ts',
  errors: 'src/error-codes.ts',
});
