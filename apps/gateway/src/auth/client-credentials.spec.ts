import { IncomingMessage } from 'http';
import { readClientCredentials } from './client-credentials';

const request = (url: string, headers: Record<string, string> = {}) => ({ url, headers }) as unknown as IncomingMessage;
const PATH = '/tts/deepgram/stream?company_id=c&user_id=u&session_id=s';

describe(readClientCredentials.name, () => {
  it('reads the token query parameter, the bearer header and the tts_token cookie', () => {
    expect(readClientCredentials(request(`${PATH}&token=q.t.x`))).toEqual({ token: 'q.t.x', source: 'query' });
    expect(readClientCredentials(request(PATH, { authorization: 'Bearer h.t.x' }))).toEqual({
      token: 'h.t.x',
      source: 'header',
    });
    expect(readClientCredentials(request(PATH, { cookie: 'a=1; tts_token=c.t.x; b=2' }))).toEqual({
      token: 'c.t.x',
      source: 'cookie',
    });
  });

  it('prefers explicit credentials over the ambient cookie', () => {
    const both = request(`${PATH}&token=q.t.x`, { cookie: 'tts_token=c.t.x', authorization: 'Bearer h.t.x' });
    expect(readClientCredentials(both)?.source).toBe('query');
  });

  it('finds nothing in other schemes, other cookies or empty values', () => {
    expect(readClientCredentials(request(PATH, { authorization: 'Basic dTpw' }))).toBeUndefined();
    expect(readClientCredentials(request(PATH, { cookie: 'my_tts_token=x; tts_token=' }))).toBeUndefined();
    expect(readClientCredentials(request(`${PATH}&token=`, { cookie: 'tts_token=%E0%A4%A' }))).toBeUndefined();
  });
});
