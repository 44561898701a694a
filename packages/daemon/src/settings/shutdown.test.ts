import { describeGroup } from '../testing/settings.js';
import { shutdownGroup } from './shutdown.js';

describeGroup(shutdownGroup, {
  defaults: { SHUTDOWN_GRACE_MS: 30_000 },
  cases: [['SHUTDOWN_GRACE_MS', 'soon', 'SHUTDOWN_GRACE_MS must be a whole number', '0', 0]],
});
