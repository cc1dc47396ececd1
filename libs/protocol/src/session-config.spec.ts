import { resolveSessionConfig } from './session-config';

describe('resolveSessionConfig: speed', () => {
  it('keeps a speed in range on English and Spanish Aura-2 voices, and none when not asked', () => {
    expect(resolveSessionConfig({ model: 'aura-2-thalia-en', speed: 1.5 })).toMatchObject({
      ok: true,
      config: { speed: 1.5 },
    });
    expect(resolveSessionConfig({ speed: 0.7 }, 'es')).toMatchObject({
      ok: true,
      config: { model: 'aura-2-estrella-es', speed: 0.7 },
    });
    const plain = resolveSessionConfig({ model: 'aura-2-thalia-en' });
    expect(plain.ok && 'speed' in plain.config).toBe(false);
  });

  it('resolves speed 1 (the default) to no speed: the same config, upstream URL and warm pool slot as none', () => {
    expect(resolveSessionConfig({ model: 'aura-2-thalia-en', speed: 1 })).toEqual(
      resolveSessionConfig({ model: 'aura-2-thalia-en' }),
    );
  });

  it.each([
    [{ model: 'aura-2-thalia-en', speed: 1.51 }, 'speed must be a number from 0.7 to 1.5'],
    [{ model: 'aura-2-thalia-en', speed: 0.69 }, 'speed must be a number from 0.7 to 1.5'],
    [{ model: 'aura-2-thalia-en', speed: '1' }, 'speed must be a number from 0.7 to 1.5'],
    [{ model: 'aura-2-thalia-en', speed: Number.NaN }, 'speed must be a number from 0.7 to 1.5'],
    [{ model: 'aura-2-thalia-en', speed: null }, 'speed must be a number from 0.7 to 1.5'],
    [{ model: 'aura-2-julius-de', language: 'de', speed: 1 }, 'speed is only supported'],
    [{ model: 'aura-asteria-en', speed: 1 }, 'speed is only supported'],
  ])('refuses %j', (input, message) => {
    const result = resolveSessionConfig(input);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.message).toContain(message);
  });
});

describe('resolveSessionConfig: language', () => {
  it('takes a BCP-47 tag as the query does: the primary language chooses the voice', () => {
    expect(resolveSessionConfig({ language: 'es-MX' })).toMatchObject({
      ok: true,
      config: { language: 'es', model: 'aura-2-estrella-es' },
    });
    expect(resolveSessionConfig({ language: 'en_US', model: 'aura-2-thalia-en' })).toMatchObject({
      ok: true,
      config: { language: 'en' },
    });
    expect(resolveSessionConfig({ language: 'EN' })).toMatchObject({ ok: true, config: { language: 'en' } });
  });

  it.each([['xx-YY'], ['es-'], ['español'], [''], [7]])(
    'refuses the language %j, naming the supported ones',
    (language) => {
      const result = resolveSessionConfig({ language });
      expect(result.ok).toBe(false);
      expect(!result.ok && result.message).toMatch(/^language must be one of /);
    },
  );

  it('still refuses a model that does not speak the language asked', () => {
    const result = resolveSessionConfig({ language: 'en-GB', model: 'aura-2-estrella-es' });
    expect(!result.ok && result.message).toBe('model aura-2-estrella-es does not speak language en');
  });
});
