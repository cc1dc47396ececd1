/**
 * The bench's report tables, in Markdown: the header (column names as they read in it, `a | b | c`),
 * its separator, one line per row of cells.
 */
export function markdownTable(header: string, rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  return [
    `| ${header} |`,
    `|${header
      .split(' | ')
      .map(() => '---')
      .join('|')}|`,
    ...rows.map(line),
  ].join('\n');
}

/** A count of errors by kind, as `kind xN, ...`, or `0` when there were none. */
export function errorCounts(errors: Record<string, number>): string {
  return (
    Object.entries(errors)
      .map(([kind, n]) => `${kind} x${n}`)
      .join(', ') || '0'
  );
}
