import { describeGroup } from '../testing/settings.js';
import { runGroup } from './run.js';

describeGroup(runGroup, {
  defaults: { FETCH_COMMENTS: false, MAX_FLOOD_WAIT_SEC: 300, RETRY_MAX_ATTEMPTS: 5 },
  cases: [
    ['FETCH_COMMENTS', 'some', 'FETCH_COMMENTS must be true or false', '1', true],
    ['MAX_FLOOD_WAIT_SEC', '86401', 'MAX_FLOOD_WAIT_SEC must be at most 86400', '60', 60],
    ['RETRY_MAX_ATTEMPTS', '101', 'RETRY_MAX_ATTEMPTS must be at most 100', '2', 2],
  ],
});
