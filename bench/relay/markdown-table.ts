/** The bench's report tables, in Markdown: one header row, its separator, one line per row of cells. */
export function markdownTable(columns: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  return [line(columns), `|${columns.map(() => '---').join('|')}|`, ...rows.map(line)].join('\n');
}

/** A count of errors by kind, as `kind xN, ...`, or `0` when there were none. */
export function errorCounts(errors: Record<string, number>): string {
  return (
    Object.entries(errors)
      .map(([kind, n]) => `${kind} x${n}`)
      .join(', ') || '0'
  );
}
