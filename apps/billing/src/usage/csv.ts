/**
 * A text field a spreadsheet would run as a formula (OWASP "CSV Injection"): it starts with `=`, `+`, `-`,
 * `@`, a tab or a carriage return. Plain numbers (`-1.5`) are data, not formulas, and stay as they are.
 */
const FORMULA_START = /^[=+\-@\t\r]/;
const PLAIN_NUMBER = /^-?\d+(\.\d+)?$/;

/** A field that would start a formula gets a leading `'`, so a spreadsheet shows it as text. */
function neutralizeFormula(text: string): string {
  return FORMULA_START.test(text) && !PLAIN_NUMBER.test(text) ? `'${text}` : text;
}

/** One CSV field (RFC 4180): formulas neutralized; quoted when it holds a comma, a quote or a line break; quotes doubled. */
export function csvField(value: string | number | null): string {
  const text = value === null ? '' : typeof value === 'number' ? String(value) : neutralizeFormula(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One CSV record, CRLF-terminated as RFC 4180 says. */
export function csvRecord(values: Array<string | number | null>): string {
  return values.map(csvField).join(',') + '\r\n';
}
