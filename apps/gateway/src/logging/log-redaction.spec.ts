import { redactUrl } from './log-redaction';

describe(redactUrl.name, () => {
  it('masks the token query parameter and keeps the rest', () => {
    expect(redactUrl('/tts/deepgram/stream?company_id=c&token=eyJ.a.b&user_id=u')).toBe(
      '/tts/deepgram/stream?company_id=c&token=[redacted]&user_id=u',
    );
    expect(redactUrl('/x?token=abc')).toBe('/x?token=[redacted]');
    expect(redactUrl('/health/live')).toBe('/health/live');
  });
});
