export type { CliContext } from './cli/context.js';
export { commandReference } from './cli/reference.js';
export { helpText, main } from './cli.js';
export { createLogger, type LoggerOptions } from './logger.js';
export {
  DAEMON_METRICS,
  type DaemonMetricName,
  type MetricDeclaration,
  type MetricName,
  PERSIST_METRICS,
  type PersistMetricName,
} from './metric-declarations.js';
export { createMetrics, type Metrics, serveMetrics } from './metrics.js';
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
export { type TerminalPrompts, terminalPrompts } from './terminal-prompts.js';
