import { AURA2_VOICES, LANGUAGE_NAMES, SUPPORTED_LANGUAGES, VOICES, findVoice } from './voices';

describe('voice catalogue', () => {
  it('names every supported language', () => {
    expect(SUPPORTED_LANGUAGES.map((code) => LANGUAGE_NAMES[code])).toEqual([
      'English',
      'Spanish',
      'German',
      'Dutch',
      'French',
      'Italian',
      'Japanese',
    ]);
  });

  it("carries Deepgram's published profile beside the voice id", () => {
    expect(findVoice('aura-2-estrella-es')).toMatchObject({
      gender: 'feminine',
      accent: 'Mexican',
      characteristics: 'Approachable, Natural, Calm, Comfortable, Expressive',
    });
    expect(findVoice('aura-2-draco-en')).toMatchObject({ gender: 'masculine', accent: 'British' });
  });

  it('leaves out what Deepgram does not publish rather than inventing it', () => {
    const unprofiled = VOICES.filter((v) => v.generation === 2 && v.characteristics === undefined);
    expect(unprofiled.map((v) => v.model)).toEqual(['aura-2-perseo-it']);
    expect(findVoice('aura-2-perseo-it')).not.toHaveProperty('gender');
  });

  it('keeps the voice ids of every language in alphabetical order', () => {
    for (const names of Object.values(AURA2_VOICES)) expect([...names].sort()).toEqual(names);
  });
});
