import { describeGroup } from '../testing/settings.js';
import { serviceGroup } from './service.js';

describeGroup(serviceGroup, {
  defaults: {
    LOG_LEVEL: 'info',
    LOG_FORMAT: 'auto',
    FETCH_CONCURRENCY: 1,
    METRICS_PORT: 0,
    METRICS_HOST: '127.0.0.1',
    METRICS_TOKEN: undefined,
  },
  cases: [
    ['LOG_LEVEL', 'loud', 'LOG_LEVEL must be one of trace, debug, info, warn', 'debug', 'debug'],
    ['LOG_FORMAT', 'xml', 'LOG_FORMAT must be auto, pretty or json', 'pretty', 'pretty'],
    ['FETCH_CONCURRENCY', 'abc', 'FETCH_CONCURRENCY must be a whole number', '4', 4],
    ['FETCH_CONCURRENCY', '65', 'FETCH_CONCURRENCY must be at most 64', '64', 64],
    ['FETCH_CONCURRENCY', '-1', 'FETCH_CONCURRENCY must be a whole number', '1', 1],
    ['METRICS_PORT', '70000', 'METRICS_PORT must be at most 65535', '9464', 9464],
  ],
});
