import { errorCounts, markdownTable } from './markdown-table';

describe(markdownTable.name, () => {
  it('writes the header, its separator and one line per row, cells in column order', () => {
    expect(
      markdownTable('sessions | verdict', [
        ['10', 'pass'],
        ['20', 'fail: errors'],
      ]),
    ).toBe('| sessions | verdict |\n|---|---|\n| 10 | pass |\n| 20 | fail: errors |');
  });

  it('writes only the header when there are no rows', () => {
    expect(markdownTable('a', [])).toBe('| a |\n|---|');
  });
});

describe(errorCounts.name, () => {
  it('lists each kind with its count, or 0 when there were none', () => {
    expect(errorCounts({ 'close:1011': 2, timeout: 1 })).toBe('close:1011 x2, timeout x1');
    expect(errorCounts({})).toBe('0');
  });
});
