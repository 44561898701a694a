import { describeGroup } from '../testing/settings.js';
import { filesGroup } from './files.js';

describeGroup(filesGroup, {
  defaults: { DATA_DIR: './data', DATA_FORMAT: 'json' },
  cases: [['DATA_FORMAT', 'csv', 'DATA_FORMAT must be json or jsonl', 'jsonl', 'jsonl']],
});
