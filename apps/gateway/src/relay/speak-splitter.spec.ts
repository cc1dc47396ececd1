import { splitSpeakText } from './speak-splitter';

describe(splitSpeakText.name, () => {
  it('leaves text within the limit alone', () => {
    expect(splitSpeakText('Hola, ¿cómo estás?')).toEqual(['Hola, ¿cómo estás?']);
    expect(splitSpeakText('x'.repeat(2000))).toHaveLength(1);
  });

  it('splits at the last sentence end that fits', () => {
    const sut = splitSpeakText('One two. Three four. Five six', 22);
    expect(sut).toEqual(['One two. Three four. ', 'Five six']);
  });

  it('falls back to word boundaries when no sentence ends in the window', () => {
    const sut = splitSpeakText('alpha beta gamma delta epsilon', 12);
    expect(sut.join('')).toBe('alpha beta gamma delta epsilon');
    for (const piece of sut) {
      expect(piece.length).toBeLessThanOrEqual(12);
      expect(piece).not.toMatch(/^\s/);
    }
    expect(sut).toEqual(['alpha beta ', 'gamma delta ', 'epsilon']);
  });

  it('splits a long realistic paragraph into pieces of at most 2000 chars, never inside a word', () => {
    const sentence = 'El veloz murciélago hindú comía feliz cardillo y kiwi. ';
    const text = sentence.repeat(120);
    const sut = splitSpeakText(text);
    expect(sut.length).toBeGreaterThan(3);
    expect(sut.join('')).toBe(text);
    for (const piece of sut) {
      expect(piece.length).toBeLessThanOrEqual(2000);
      expect(piece.endsWith('. ') || piece === sut[sut.length - 1]).toBe(true);
    }
  });

  it('cuts a single giant word on code point boundaries, never inside a surrogate pair', () => {
    const text = '😀'.repeat(1500); // 3000 UTF-16 units, no spaces
    const sut = splitSpeakText(text, 2001);
    expect(sut.join('')).toBe(text);
    for (const piece of sut) {
      expect(piece.length).toBeLessThanOrEqual(2001);
      expect([...piece].every((ch) => ch === '😀')).toBe(true);
    }
  });

  it('handles a giant word after some words', () => {
    const text = 'hi ' + 'a'.repeat(30);
    const sut = splitSpeakText(text, 10);
    expect(sut[0]).toBe('hi ');
    expect(sut.join('')).toBe(text);
    expect(sut.every((p) => p.length <= 10)).toBe(true);
  });

  it('splits at a sentence ending exactly at the limit, the space opening the next piece', () => {
    const first = 'uno '.repeat(499) + 'fin.'; // 1996 + 4: the '.' is at index 1999
    const text = first + ' Y sigue la historia.';
    expect(first.length).toBe(2000);
    expect(splitSpeakText(text)).toEqual([first, ' Y sigue la historia.']);
  });

  it('splits at a word ending exactly at the limit rather than an earlier space', () => {
    expect(splitSpeakText('aaaa bbbb cccc', 9)).toEqual(['aaaa bbbb', ' cccc']);
  });

  it('splits Japanese at the last 。 that fits, with no space after it', () => {
    const sentence = 'これはテストの文です。'; // 11 characters
    const text = sentence.repeat(150);
    const sut = splitSpeakText(text, 1000);
    expect(sut.join('')).toBe(text);
    expect(sut.map((p) => p.length)).toEqual([990, 660]);
    expect(sut.every((p) => p.endsWith('。'))).toBe(true);
  });

  it('keeps a closing quote with the sentence it ends', () => {
    const text = '「これはテストです。」'.repeat(3); // 10 characters each
    expect(splitSpeakText(text, 25)).toEqual([
      '「これはテストです。」「これはテストです。」',
      '「これはテストです。」',
    ]);
  });

  it('splits text without spaces or sentence ends at a word boundary, not inside a word', () => {
    const text = 'そしてもう一つの長い文があります'.repeat(3); // 16 characters each, no punctuation
    const sut = splitSpeakText(text, 20);
    expect(sut.join('')).toBe(text);
    expect(sut.every((p) => p.length <= 20)).toBe(true);
    // 20 characters would end inside もう; the cut is after the そして before it.
    expect(sut[0]).toBe('そしてもう一つの長い文がありますそして');
  });

  it('never breaks at a no-break space', () => {
    for (const nbsp of ['\u00a0', '\u202f', '\u2007']) {
      const text = `uno dos 10${nbsp}km más`;
      const sut = splitSpeakText(text, 12);
      expect(sut.join('')).toBe(text);
      expect(sut[0]).toBe('uno dos ');
    }
  });
});
