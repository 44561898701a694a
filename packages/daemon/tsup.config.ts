import { readFileSync } from 'node:fs';
import { packageBuild } from '../../tsup.base.ts';

const { version } = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8'));

export default packageBuild(
  { index: 'src/index.ts' },
  { define: { __VERSION__: JSON.stringify(version) } },
);
