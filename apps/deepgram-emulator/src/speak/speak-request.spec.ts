import { IncomingMessage } from 'node:http';
import { checkSpeakRequest, presentedKey } from './speak-request';

const request = (headers: Record<string, string>): IncomingMessage => ({ headers }) as unknown as IncomingMessage;
const query = (q: string): URLSearchParams => new URLSearchParams(q);

describe(checkSpeakRequest.name, () => {
  it('takes the key from the Token header or the token subprotocol', () => {
    expect(presentedKey(request({ authorization: 'Token abc' }))).toBe('abc');
    expect(presentedKey(request({ 'sec-websocket-protocol': 'token, abc' }))).toBe('abc');
    expect(presentedKey(request({ authorization: 'Basic abc' }))).toBeUndefined();
    expect(presentedKey(request({ authorization: 'Bearer abc' }))).toBeUndefined(); // Deepgram: JWTs only
    expect(presentedKey(request({ authorization: 'token abc' }))).toBe('abc');
    expect(presentedKey(request({ 'sec-websocket-protocol': 'token' }))).toBeUndefined();
  });

  it('checks the key before the query', () => {
    const sut = checkSpeakRequest(request({ authorization: 'Token bad' }), query('model=nope'), 'good');
    expect(sut).toMatchObject({ ok: false, refusal: { status: 401 } });
  });

  it('applies Deepgram defaults', () => {
    expect(checkSpeakRequest(request({ authorization: 'Token k' }), query(''))).toEqual({
      ok: true,
      params: { model: 'aura-2-thalia-en', encoding: 'linear16', sampleRate: 24000, speed: 1 },
    });
    expect(checkSpeakRequest(request({ authorization: 'Token k' }), query('encoding=alaw'))).toMatchObject({
      params: { sampleRate: 8000 },
    });
  });

  it("words its refusals as Deepgram's error reference does", () => {
    const refusal = (q: string) => {
      const check = checkSpeakRequest(request({ authorization: 'Token k' }), query(q));
      return check.ok ? undefined : check.refusal;
    };
    expect(refusal('model=aura-3-x-en')).toEqual({
      status: 400,
      error: 'Bad Request',
      message: 'Bad Request: No such model/version combination found.',
    });
    expect(refusal('encoding=mulaw&sample_rate=48000')).toEqual({
      status: 400,
      error: 'INVALID_QUERY_PARAMETER',
      message: 'Unsupported audio format: `sample_rate` must be [8000, 16000] when `encoding=mulaw`',
    });
    expect(refusal('encoding=mp3')).toMatchObject({ error: 'INVALID_QUERY_PARAMETER' });
  });

  it.each([
    'model=aura-3-x-en',
    'encoding=mp3',
    'encoding=mulaw&sample_rate=48000',
    'sample_rate=abc',
    'sample_rate=1.6e4',
    'sample_rate=0x3e80',
    'speed=0.69',
    'speed=1.51',
    'speed=fast',
    'speed=',
    'speed=0x1',
    'speed=Infinity',
    'speed=%201',
    'speed=1..2',
    'model=aura-2-julius-de&speed=1',
    'model=aura-asteria-en&speed=1.2',
  ])('refuses %s with 400', (q) => {
    expect(checkSpeakRequest(request({ authorization: 'Token k' }), query(q))).toMatchObject({
      ok: false,
      refusal: { status: 400 },
    });
  });

  it.each([
    ['speed=0.7', 0.7],
    ['speed=1.5', 1.5],
    ['model=aura-2-estrella-es&speed=1.25', 1.25],
    ['speed=.9', 0.9],
    ['speed=1.', 1],
    ['speed=1.2e0', 1.2],
    ['speed=%2B1.1', 1.1],
  ])('takes %s on English and Spanish Aura-2 voices', (q, speed) => {
    expect(checkSpeakRequest(request({ authorization: 'Token k' }), query(q))).toMatchObject({ params: { speed } });
  });
});
