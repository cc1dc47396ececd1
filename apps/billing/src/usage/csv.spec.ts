import { csvField, csvRecord } from './csv';

describe('csv', () => {
  it('leaves plain fields alone and quotes commas, quotes and line breaks', () => {
    expect(csvField('aura-2-thalia-en')).toBe('aura-2-thalia-en');
    expect(csvField(16000)).toBe('16000');
    expect(csvField(null)).toBe('');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('line\nbreak')).toBe('"line\nbreak"');
    expect(csvField('cr\rhere')).toBe('"cr\rhere"');
  });

  it('joins a record with commas and ends it with CRLF', () => {
    expect(csvRecord(['a', 'b,c', 3])).toBe('a,"b,c",3\r\n');
  });
});
