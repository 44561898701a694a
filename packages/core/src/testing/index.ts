/**
 * Conformance suites (vitest) that every adapter of a port runs, and test data helpers.
 * `vitest` is an optional peer dependency: only this entry point needs it.
 */
export { type ApplyFixture, describeChangeApplier } from './apply-suite.js';
export {
  type ChangeSourceFixture,
  describeChangeSource,
  describeResumeStore,
} from './changes-suite.js';
export { describeEventSink, type EventSinkFixture, sampleEvents } from './events-suite.js';
export { describeLeases, type LeasesFixture, type LeasesSuiteOptions } from './leases-suite.js';
export { type MessageSpec, makeDay, makeMessages } from './messages.js';
export { describeCommandQueue, type QueueFixture, type QueueSetupOptions } from './queue-suite.js';
export { describeRateMemory } from './rate-memory-suite.js';
export { describeMessageSource, type SourceFixture } from './source-suite.js';
export {
  describeMessageStore,
  describeProgressStore,
  type MessageStoreSuiteOptions,
  type StoreFixture,
} from './store-suite.js';
