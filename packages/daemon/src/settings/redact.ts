/** A URL fit for logs (Redis, PostgreSQL): the password replaced. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '<invalid url>';
  }
}

/** The password of a URL (Redis, PostgreSQL), to keep out of logs; undefined when none. */
export function passwordOf(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    return decodeURIComponent(new URL(url).password) || undefined;
  } catch {
    return undefined;
  }
}

/**
 * `text` with every secret in it replaced, as written and as it appears quoted in JSON or
 * in a URL. Secrets shorter than 4 characters cannot be told from ordinary text and stay.
 */
export function scrub(text: string, secrets: readonly (string | undefined)[]): string {
  let clean = text;
  for (const form of secretForms(secrets)) clean = clean.split(form).join('[redacted]');
  return clean;
}

/** The forms a secret takes in text: as is, inside a JSON string, URL-encoded. */
export function secretForms(secrets: readonly (string | undefined)[]): string[] {
  return secrets
    .filter((s): s is string => typeof s === 'string' && s.length >= 4)
    .flatMap((s) => [s, JSON.stringify(s).slice(1, -1), encodeURIComponent(s)]);
}
