import { streamUrl } from './stream-url';

describe('streamUrl', () => {
  const who = { companyId: 'acme', userId: 'u 1', sessionId: 's:1' };

  it('adds the stream path and the query to a bare gateway URL, mapping http(s) to ws(s)', () => {
    const sut = new URL(streamUrl({ ...who, url: 'https://tts.example.com', language: 'de', token: 'a.b.c' }));
    expect(sut.protocol).toBe('wss:');
    expect(sut.pathname).toBe('/tts/deepgram/stream');
    expect(Object.fromEntries(sut.searchParams)).toEqual({
      company_id: 'acme',
      user_id: 'u 1',
      session_id: 's:1',
      language: 'de',
      token: 'a.b.c',
    });
  });

  it('keeps a full endpoint URL and leaves out what was not given', () => {
    const sut = new URL(streamUrl({ ...who, url: 'ws://127.0.0.1:8080/tts/deepgram/stream' }));
    expect(sut.host).toBe('127.0.0.1:8080');
    expect(sut.searchParams.has('token')).toBe(false);
    expect(sut.searchParams.has('language')).toBe(false);
  });

  it.each(['localhost:8080', 'tts.example.com', 'ftp://tts.example.com'])(
    'refuses %s (not a ws/wss/http/https URL) without echoing it',
    (url) => {
      expect(() => streamUrl({ ...who, url })).toThrow(
        /must be an absolute ws:\/\/, wss:\/\/, http:\/\/ or https:\/\/ URL/,
      );
      expect(() => streamUrl({ ...who, url })).not.toThrow(url);
    },
  );

  it('needs a url outside a browser page', () => {
    expect(() => streamUrl(who)).toThrow(/url/);
  });
});
