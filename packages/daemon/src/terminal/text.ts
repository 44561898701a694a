/**
 * Producer text as one terminal line shows it: control and format characters (newlines,
 * terminal escapes, bidi overrides) as spaces, so that a line stays one line and cannot
 * repaint the terminal, cut to `max` characters.
 */
export function lineText(text: string, max: number): string {
  const plain = text.replace(/[\p{Cc}\p{Cf}]/gu, ' ');
  return plain.length > max ? `${plain.slice(0, max - 1)}…` : plain;
}
