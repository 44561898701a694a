export type { CliContext } from './cli/context.js';
export { helpText, main } from './cli/main.js';
export { commandReference } from './cli/reference.js';
export { createLogger, type LoggerOptions } from './process/logger.js';
export {
  DAEMON_METRICS,
  type DaemonMetricName,
  type MetricDeclaration,
  type MetricName,
  PERSIST_METRICS,
  type PersistMetricName,
} from './process/metric-declarations.js';
export { createMetrics, type Metrics, serveMetrics } from './process/metrics.js';
export {
  type AnyGroup,
  ConfigError,
  GROUPS,
  type Group,
  type GroupName,
  loadSettings,
  redactUrl,
  type Settings,
  type SettingsOf,
  type SettingsResult,
} from './settings/index.js';
export { type TerminalPrompts, terminalPrompts } from './terminal/prompts.js';
