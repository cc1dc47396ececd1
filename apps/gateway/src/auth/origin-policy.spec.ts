import { normalizeOrigin, OriginPolicy } from './origin-policy';

describe(OriginPolicy.name, () => {
  const listed = new OriginPolicy(['https://app.example.com', 'http://localhost:3000/']);
  const unlisted = new OriginPolicy([]);
  const host = 'tts.example.com';

  it('lets non-browser clients (no Origin) in with a token, but not with a cookie', () => {
    expect(listed.check({ origin: undefined, host, ambient: false, cookie: false })).toBeUndefined();
    expect(listed.check({ origin: undefined, host, ambient: true, cookie: true })).toBe(
      'cookie credentials require an Origin header',
    );
  });

  it('lets listed and same-host origins in with any credential', () => {
    for (const origin of ['https://APP.example.com', 'http://localhost:3000', 'https://tts.example.com']) {
      expect(listed.check({ origin, host, ambient: true, cookie: true })).toBeUndefined();
    }
    expect(
      unlisted.check({ origin: 'http://tts.example.com', host: 'tts.example.com:80', ambient: true, cookie: true }),
    ).toBeUndefined();
  });

  it('refuses foreign origins whenever ALLOWED_ORIGINS is set', () => {
    expect(listed.check({ origin: 'https://evil.example', host, ambient: false, cookie: false })).toBe(
      'origin not allowed',
    );
    expect(listed.check({ origin: 'null', host, ambient: false, cookie: false })).toBe('origin not allowed');
  });

  it('refuses foreign origins with ambient credentials even when ALLOWED_ORIGINS is unset', () => {
    expect(unlisted.check({ origin: 'https://evil.example', host, ambient: true, cookie: true })).toBe(
      'origin not allowed',
    );
    expect(unlisted.check({ origin: 'https://evil.example', host, ambient: false, cookie: false })).toBeUndefined();
  });

  it('normalizes origins and rejects opaque ones', () => {
    expect(normalizeOrigin('HTTPS://App.Example.com:443/')).toBe('https://app.example.com');
    expect(normalizeOrigin('null')).toBeUndefined();
    expect(normalizeOrigin('file://x')).toBeUndefined();
  });
});
