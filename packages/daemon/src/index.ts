export { commandReference } from './cli/reference.js';
export { helpText, main } from './cli.js';
export { type Config, type ConfigResult, EnvSchema, loadConfig, redactUrl } from './config.js';
export type { CliContext } from './context.js';
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
export { type TerminalPrompts, terminalPrompts } from './terminal-prompts.js';
