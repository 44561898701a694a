/**
 * Commands on a Redis stream come in two forms (README, "Contracts"):
 *
 * - JSON in field `payload`: `XADD tg_commands * payload '{"command":"fetch",…}'`, exactly
 *   the JSON a list producer pushes;
 * - flat fields, as stream producers naturally write a dict:
 *   `XADD tg_commands * command fetch chat @x mode days days 3`. Stream values are all
 *   strings, so in this form only the numeric fields (`days`, `days_back`, `max_days`,
 *   `limit`) may be decimal strings and `options.force` / `options.include_today` /
 *   `options.comments`, and a schedule's `replace` and `paused`, may be `true` / `false`;
 *   options are dotted field names (`options.tz`).
 *
 * Both become the JSON text `parseCommand` reads, so both are checked by the same rules.
 */

/** The field of a stream entry that holds the command as JSON text. */
export const STREAM_PAYLOAD_FIELD = 'payload';

const NUMERIC_FIELDS = new Set(['days', 'days_back', 'max_days', 'limit']);
const BOOLEAN_FIELDS = new Set([
  'options.force',
  'options.include_today',
  'options.comments',
  'replace',
  'paused',
]);
// Up to 15 digits always fits a double exactly; longer stays a string (and is rejected).
const DECIMAL = /^[0-9]{1,15}$/;

/** The command JSON of a stream entry, in either form. */
export function commandFromStreamFields(fields: Readonly<Record<string, string>>): string {
  const payload = fields[STREAM_PAYLOAD_FIELD];
  if (payload !== undefined) return payload;
  const command: Record<string, unknown> = {};
  const options: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(fields)) {
    const typed = flatValue(name, value);
    if (name.startsWith('options.')) options[name.slice('options.'.length)] = typed;
    else command[name] = typed;
  }
  if (Object.keys(options).length > 0) command.options = options;
  return JSON.stringify(command);
}

function flatValue(name: string, value: string): unknown {
  if (NUMERIC_FIELDS.has(name) && DECIMAL.test(value)) return Number(value);
  if (BOOLEAN_FIELDS.has(name) && (value === 'true' || value === 'false')) return value === 'true';
  return value;
}
